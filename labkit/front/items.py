"""Attribute values as DynamoDB checks, stores and bills them.

moto stores numbers as written, accepts duplicate set members and sizes items its own way; DynamoDB
normalises numbers ("007.50" is stored as 7.5), rejects duplicates and empty sets, and bills capacity by
the item size defined in the Developer Guide ("Item sizes and formats").
"""

from __future__ import annotations

import base64
import binascii
import math
from decimal import Context, Decimal, InvalidOperation

from .errors import EMPTY_VALUE, ITEM_TOO_LARGE, SEVERAL_TYPES, invalid_parameter, not_a_number, validation

MAX_ITEM_BYTES = 400 * 1024
_EXACT = Context(prec=200)  # wide enough that normalising never rounds away a 39th digit
ATTRIBUTE_TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
_SET_NAMES = {"SS": "string", "NS": "number", "BS": "binary"}


def normalise_number(text: str) -> str:
    """DynamoDB's canonical form of a number, or its ValidationException."""
    try:
        number = Decimal(text) if isinstance(text, str) and text.strip() == text and text else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise not_a_number(text)
    if number == 0:
        return "0"
    number = number.normalize(_EXACT)
    if len(number.as_tuple().digits) > 38:
        raise validation("Attempting to store more than 38 significant digits in a Number")
    if number.adjusted() > 125:
        raise validation("Number overflow. Attempting to store a number with magnitude larger than supported range")
    if number.adjusted() < -130:
        raise validation("Number underflow. Attempting to store a number with magnitude smaller than supported range")
    return format(number, "f")


def normalise_value(value: dict) -> dict:
    """Check one AttributeValue and return it with numbers in canonical form."""
    if not isinstance(value, dict) or not value:
        raise validation(EMPTY_VALUE)
    if len(value) > 1:
        raise validation(SEVERAL_TYPES)
    (kind, inner), = value.items()
    if kind not in ATTRIBUTE_TYPES:
        raise validation(EMPTY_VALUE)
    if kind == "N":
        return {"N": normalise_number(inner)}
    if kind in _SET_NAMES:
        if not inner:
            raise invalid_parameter(f"An {_SET_NAMES[kind]} set  may not be empty")
        members = [normalise_number(n) for n in inner] if kind == "NS" else list(inner)
        seen = [Decimal(m) for m in members] if kind == "NS" else members
        if len(set(seen)) != len(seen):
            raise invalid_parameter(f"Input collection [{', '.join(map(str, inner))}] contains duplicates.")
        return {kind: members}
    if kind == "L":
        return {"L": [normalise_value(v) for v in inner]}
    if kind == "M":
        return {"M": {k: normalise_value(v) for k, v in inner.items()}}
    if kind == "NULL" and inner is not True:
        raise invalid_parameter("Null attribute value types must have the value of true")
    return value


def normalise_map(values: dict | None) -> dict | None:
    return None if values is None else {name: normalise_value(v) for name, v in values.items()}


def binary_bytes(data) -> bytes:
    """A binary value's bytes: moto gives bytes, request JSON gives base64 text."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, TypeError, ValueError):
        return str(data).encode()


def _binary_len(data) -> int:
    return len(binary_bytes(data))


def _number_size(text: str) -> int:
    digits = Decimal(text).normalize(_EXACT).as_tuple().digits
    return 1 + math.ceil(len(digits) / 2) + (1 if text.startswith("-") else 0)


def value_size(value: dict) -> int:
    """Bytes one attribute value counts for, by the Developer Guide's rules."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return _binary_len(inner)
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(_binary_len(b) for b in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + value_size(v) for k, v in inner.items())
    return 1  # NULL, BOOL


def item_size(item: dict | None) -> int:
    return 0 if not item else sum(len(name.encode()) + value_size(v) for name, v in item.items())


def check_item_size(item: dict) -> None:
    if item_size(item) > MAX_ITEM_BYTES:
        raise validation(ITEM_TOO_LARGE)


def write_units(*items: dict | None) -> int:
    """WCU of one write: 1 per KB of the larger of the item before and after, at least 1."""
    return max(1, math.ceil(max(item_size(i) for i in items) / 1024))


def read_units(item: dict | None, consistent: bool) -> float:
    """RCU of one read: 1 per 4 KB strongly consistent, half that eventually consistent."""
    units = max(1, math.ceil(item_size(item) / 4096))
    return float(units if consistent else units / 2)
