"""A request's shape checked against DynamoDB's API model, with the service's own answers.

boto3 and the AWS CLI check the shape before sending, so their requests always pass here. A request that
reaches the loopback server from anything else (curl, another SDK, a hand-written script) meets what
DynamoDB answers: a ValidationException listing each missing or too-short member, or a
SerializationException for a value of the wrong JSON type.
"""

from __future__ import annotations

import functools
import re

import botocore.session
from botocore.validate import ParamValidator

from .errors import DynamoError, validation


@functools.cache
def _input_shapes() -> dict:
    model = botocore.session.get_session().get_service_model("dynamodb")
    return {name: model.operation_model(name).input_shape for name in model.operation_names}


def known(operation: str) -> bool:
    """Whether DynamoDB's API has this operation."""
    return operation in _input_shapes()


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _wire_path(name: str, member: str | None = None) -> str:
    """botocore's ``.TransactItems[0].Put`` + ``Item`` as DynamoDB writes it: ``transactItems.1.member.put.item``."""
    parts = []
    for field, index in _STEP.findall(name + (f".{member}" if member else "")):
        parts.append(f"{int(index) + 1}.member" if index else field[:1].lower() + field[1:])
    return ".".join(parts)


def _value_at(params: dict, name: str):
    value = params
    for field, index in _STEP.findall(name):
        value = value[int(index)] if index else value[field]
    return f"[{', '.join(map(str, value))}]" if isinstance(value, list) else value


def _serialization(value) -> DynamoError:
    if isinstance(value, list):
        message = "Start of list found where not expected"
    elif isinstance(value, dict):
        message = "Start of structure or map found where not expected."
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        message = "NUMBER_VALUE cannot be converted to String"
    else:
        message = "Unexpected value type in payload"
    return DynamoError("SerializationException", message)


def check(operation: str, params: dict) -> None:
    """Raise DynamoDB's answer to a request whose shape does not fit ``operation``; unknown members are
    ignored, as the service ignores them, and attribute values are left to the front's own checks."""
    shape = _input_shapes().get(operation)
    if shape is None:
        return
    problems = []
    for kind, name, details in ParamValidator().validate(params, shape)._errors:
        if kind == "invalid type":
            raise _serialization(details["param"])
        if kind == "missing required field":
            problems.append(f"Value null at '{_wire_path(name, details['required_name'])}' failed to satisfy "
                            "constraint: Member must not be null")
        elif kind == "invalid length":
            problems.append(f"Value '{_value_at(params, name)}' at '{_wire_path(name)}' failed to satisfy constraint: "
                            f"Member must have length greater than or equal to {details['min_allowed']}")
        elif kind == "invalid range":
            problems.append(f"Value '{_value_at(params, name)}' at '{_wire_path(name)}' failed to satisfy constraint: "
                            f"Member must have value greater than or equal to {details['min_allowed']}")
    if problems:
        count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''} detected"
        raise validation(f"{count}: " + "; ".join(problems))
