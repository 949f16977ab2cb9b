"""Who may write what in a study group's shared lab, decided from the signature's identity alone.

Every table is shared (that is the race), except the rounds table, where a member may write only the
items under their own name, as an IAM policy with ``dynamodb:LeadingKeys`` would allow; opening, firing
and closing a round (the ``#round`` item), or changing the table itself, is the facilitator's. Anything
else gets DynamoDB's AccessDeniedException and changes nothing.
"""

from __future__ import annotations

from ..front import errors
from .credentials import ACCOUNT, Identity

ROUNDS_TABLE = "StudyGroupRounds"
MEMBER_KEY = "Member"  # the rounds table's sort key: '#round' for the round itself, else a member's name
_TABLE_CHANGES = {"CreateTable", "DeleteTable", "UpdateTable", "UpdateTimeToLive", "TagResource", "UntagResource"}


def authorize(identity: Identity, operation: str, params: dict, region: str = "us-east-1") -> None:
    """Raise AccessDeniedException unless ``identity`` may make this request."""
    if identity.role == "facilitator":
        return
    for table, key in _writes(operation, params):
        if table == ROUNDS_TABLE and (key is None or key.get(MEMBER_KEY) != {"S": identity.name}):
            raise errors.access_denied(identity.arn, operation,
                                       f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{ROUNDS_TABLE}")


def _writes(operation: str, params: dict):
    """(table, key or item) of every write a request makes; the key is None for a change to a table."""
    if operation in _TABLE_CHANGES:
        yield params.get("TableName") or params.get("ResourceArn", "").rpartition("/")[2], None
    elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
        yield params["TableName"], params.get("Item") or params.get("Key")
    elif operation == "BatchWriteItem":
        for table, requests in params["RequestItems"].items():
            for request in requests:
                for body in request.values():
                    yield table, body.get("Item") or body.get("Key")
    elif operation == "TransactWriteItems":
        for action in params["TransactItems"]:
            for kind, body in action.items():
                if kind != "ConditionCheck":
                    yield body["TableName"], body.get("Item") or body.get("Key")
