"""A request's shape checked against DynamoDB's API model, with the service's own answers.

boto3 and the AWS CLI check the shape before sending, so their requests always pass here. A request that
reaches the loopback server from anything else (curl, another SDK, a hand-written script) meets what
DynamoDB answers: a ValidationException listing each missing or too-short member, or a
SerializationException for a value of the wrong JSON type.
"""

from __future__ import annotations

import decimal
import functools
import re
from typing import Callable

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


# The JSON types botocore's ParamValidator accepts for each scalar type of the model.
_SCALARS = {"string": (str,), "integer": (int,), "long": (int,), "boolean": (bool,), "blob": (bytes, bytearray, str),
            "double": (float, decimal.Decimal, int), "float": (float, decimal.Decimal, int)}


def _compile(shape, compiled: dict) -> Callable[[object], bool]:
    """A predicate: the value certainly passes botocore's validation of ``shape`` (the types, the required
    members, the minimum lengths and values it checks). False sends the value to the validator itself, for
    its findings; timestamps and documents always go there."""
    name = shape.name
    if name in compiled:  # a shape that contains itself (AttributeValue): look it up when called
        return lambda value: compiled[name](value)
    compiled[name] = None
    kind, low = shape.type_name, shape.metadata.get("min")
    if kind == "structure" and not shape.is_document_type:
        members = {member: _compile(inner, compiled) for member, inner in shape.members.items()}
        required = shape.metadata.get("required", ())

        def fits(value):
            return isinstance(value, dict) and all(r in value for r in required) \
                and all(members[k](v) for k, v in value.items() if k in members)
    elif kind == "list":
        member = _compile(shape.member, compiled)

        def fits(value):
            return isinstance(value, (list, tuple)) and (low is None or len(value) >= low) and all(map(member, value))
    elif kind == "map":  # botocore checks no map's length
        key, inner = _compile(shape.key, compiled), _compile(shape.value, compiled)

        def fits(value):
            return isinstance(value, dict) and all(key(k) and inner(v) for k, v in value.items())
    elif kind in _SCALARS and not shape.serialization.get("hostLabel"):
        types = _SCALARS[kind]
        measure = len if kind == "string" else (lambda value: value)  # a string's length, a number itself
        if kind in ("blob", "boolean"):
            low = None  # botocore checks only their types

        def fits(value):
            return isinstance(value, types) and (low is None or measure(value) >= low)
    else:
        def fits(value):
            return False
    compiled[name] = fits
    return fits


@functools.cache
def _fits(operation: str) -> Callable[[object], bool]:
    return _compile(_input_shapes()[operation], {})


def check(operation: str, params: dict) -> None:
    """Raise DynamoDB's answer to a request whose shape does not fit ``operation``; unknown members are
    ignored, as the service ignores them, and attribute values are left to the front's own checks.

    Nearly every request fits: a predicate compiled once from the same model says so in a fifth of the
    time botocore's validator takes to walk it, and only a request that may not fit is walked for the
    validator's findings."""
    shape = _input_shapes().get(operation)
    if shape is None or _fits(operation)(params):
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
