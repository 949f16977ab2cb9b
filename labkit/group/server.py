"""A study group's lab server: the shared DynamoDB, checking every request's signature.

Started by the hub as a service (``python -m labkit serve --group``), with the hub's secret in its
environment; on loopback, where only the hub's members' servers can reach it.
"""

from __future__ import annotations

from .. import transport
from ..backend import shared_front
from ..front import Front
from .credentials import hub_secret_from_environment
from .policy import ROUNDS_TABLE, authorize
from .signatures import Verifier

ROUNDS_SCHEMA = {"TableName": ROUNDS_TABLE, "BillingMode": "PAY_PER_REQUEST",
                 "KeySchema": [{"AttributeName": "Round", "KeyType": "HASH"},
                               {"AttributeName": "Member", "KeyType": "RANGE"}],
                 "AttributeDefinitions": [{"AttributeName": "Round", "AttributeType": "S"},
                                          {"AttributeName": "Member", "AttributeType": "S"}]}


def serve_group(port: int, host: str = "127.0.0.1", hub_secret: bytes | None = None,
                front: Front | None = None) -> transport.LabServer:
    """Serve the process's DynamoDB (or ``front``) to a group: signatures checked, the rounds table made
    and guarded."""
    front = front or shared_front()
    front.handle("CreateTable", dict(ROUNDS_SCHEMA))  # a facilitator's key could; the server does it once
    verifier = Verifier(hub_secret or hub_secret_from_environment())
    return transport.LabServer(front, host, port, verifier=verifier, authorize=authorize).start()
