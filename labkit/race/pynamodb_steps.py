"""Race steps made of PynamoDB calls, so that writers can use a mapper as an application would.

PynamoDB's model makes its own botocore client, which reaches the connected lab like any other (see
``labkit.transport``), so a step ignores the writer's boto3 client. What it records for the race table is
what PynamoDB actually sent, and a refusal is reported as the ClientError DynamoDB answered, which
PynamoDB wraps in its own exception (``PutError`` with ``cause``).
"""

from __future__ import annotations

import json
import re
import threading

from botocore import xform_name
from botocore.exceptions import ClientError
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from ..transport import watch
from .steps import Step, read, write

_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")
_MAKING_CLIENT = threading.Lock()


def spelled_out(params: dict) -> str:
    """A request's ConditionExpression with PynamoDB's placeholders (``#0``, ``:0``) replaced by the names
    and values they stand for: ``#0 = :0`` reads ``status = "READY"``."""
    names, values = params.get("ExpressionAttributeNames", {}), params.get("ExpressionAttributeValues", {})

    def meaning(match) -> str:
        token = match.group()
        if token in names:
            return names[token]
        if token not in values:
            return token
        [(kind, value)] = values[token].items()
        return value if kind == "N" else json.dumps(value)

    return _PLACEHOLDER.sub(meaning, params.get("ConditionExpression", ""))


def _client_made(model: Model) -> None:
    """PynamoDB makes a model's botocore client at its first request, unlocked, each thread with a botocore
    session of its own: writers that start together each made one (about 0.2 s each, one after another), and
    the first study-group round of 144 PynamoDB writers took 34 s. The first writer makes it; the others wait."""
    with _MAKING_CLIENT:
        model._get_connection().connection.client  # noqa: B018 (the property makes the client)


def _mapped(call, *args):
    """A request function for the engine that runs ``call(*args)`` (a model's method) and records PynamoDB's
    request."""

    def request(client, *_):
        _client_made(call.__self__)
        with watch() as sent:
            try:
                response = call(*args)
            except PynamoDBException as error:
                if isinstance(error.cause, ClientError):
                    raise error.cause from error
                raise
            finally:
                if sent:  # the recording client the engine passes: what the race table shows
                    client.operation, client.condition = xform_name(sent[-1].operation), spelled_out(sent[-1].params)
        return response if isinstance(response, dict) else {}  # save() returns DynamoDB's answer, refresh() None

    request.__name__ = call.__name__
    return request


def load(model: Model) -> Step:
    """A read step: ``model.refresh(consistent_read=True)`` fills the model from the table."""
    return read(_mapped(model.refresh, True))


def save(model: Model, condition: Condition | None = None) -> Step:
    """A write step: ``model.save(condition=condition)``, with the version check PynamoDB adds itself."""
    return write(_mapped(model.save, condition))
