"""What the study-group tests share: a group server on a free port, and labs that sign as a member."""

from __future__ import annotations

import boto3
from botocore.config import Config
import pytest

from labkit.front import Front
from labkit.group.credentials import derive
from labkit.group.server import serve_group

HUB_SECRET = b"a-hub-secret-for-tests-only-0123456789abcdef"


class SignedLab:
    """A member's view of the group's lab: boto3 clients that sign with the member's own key."""

    def __init__(self, url: str, name: str, role: str = "member", secret: bytes = HUB_SECRET):
        self.url, self.name = url, name
        self.credentials = derive(secret, name, role)
        self._pool: list = []
        self.client = self.new_client()

    def new_client(self, **overrides):
        keys = {"aws_access_key_id": self.credentials.access_key,
                "aws_secret_access_key": self.credentials.secret_key, **overrides}
        return boto3.session.Session(region_name="us-east-1", **keys).client(
            "dynamodb", endpoint_url=self.url,
            config=Config(retries={"total_max_attempts": 1}, max_pool_connections=64))

    def clients(self, n: int) -> list:
        while len(self._pool) < n:
            self._pool.append(self.new_client())
        return self._pool[:n]


def start_group_server():
    return serve_group(0, hub_secret=HUB_SECRET, front=Front())


@pytest.fixture(scope="module")
def server():
    """A group server for one test module, stopped after it."""
    running = start_group_server()
    yield running
    running.stop()
