"""Shared fixtures: one embedded lab per test session, and a fresh table per test."""

from __future__ import annotations

import itertools
import os

import boto3
import pytest

import labkit

_names = itertools.count()


class RawMoto:
    """moto 5.2.5 on its own (``mock_aws``), with the few Lab names the tests use.

    ``LABKIT_TEST_AGAINST=raw-moto pytest tests/test_fidelity.py tests/test_atomicity.py`` runs the fidelity
    tests against it, to see them fail where the front closes a gap."""

    backend, front, clock = "raw-moto", None, None

    def __init__(self):
        from moto import mock_aws

        mock_aws().start()
        self._pool = []
        self.client = self.new_client()

    def new_client(self):
        return boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="testing",
                            aws_secret_access_key="testing")

    def clients(self, n):
        while len(self._pool) < n:
            self._pool.append(self.new_client())
        return self._pool[:n]


def _route_kept():
    """Restores, when done, where every client of the process goes: a test (or a module's fixture) that
    connects another lab, a server or an endpoint, re-routes every client to it, as a learner's second
    connect() would, and the tests after it must find the route as it was."""
    from labkit import transport

    kept = transport._Route.endpoint, transport._Route.front
    yield
    transport._Route.endpoint, transport._Route.front = kept


@pytest.fixture(scope="module", autouse=True)
def _clients_go_back_after_each_module(lab):
    """Module scope too: pytest sets a module's fixtures up before any of its tests' and tears them down
    after them, so a module fixture's connect() is undone here."""
    yield from _route_kept()


@pytest.fixture(autouse=True)
def _clients_go_back_after_each_test(lab):
    yield from _route_kept()


@pytest.fixture(scope="session")
def lab():
    if os.environ.get("LABKIT_TEST_AGAINST") == "raw-moto":
        return RawMoto()
    return labkit.connect("embedded")


@pytest.fixture
def client(lab):
    return lab.client


@pytest.fixture
def table(client):
    """A new empty table keyed by ``pk`` (a string), unique to the test."""
    name = f"t{next(_names)}"
    labkit.create_table(client, name, "pk")
    yield name
    labkit.drop_table(client, name)


@pytest.fixture
def users(client):
    """The tutorial's ``Users`` table, empty."""
    labkit.reset_table(client, "Users")
    return "Users"


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """The study group's JupyterHub (tests/hub_support.py), started once for every test of the session that
    asks for it: tests/test_group_hub.py and the browser's study-group test."""
    from hub_support import running_hub

    try:
        with running_hub(tmp_path_factory.mktemp("hub")) as started:
            yield started
    except RuntimeError as error:
        pytest.fail(str(error))
