"""DynamoDB's expression language for the front: request validation, condition evaluation, update checks.

``validate_request`` checks a request's expressions and placeholders in the order DynamoDB does and
raises DynamoDB's first error (code and exact message), so that a learner never sees a Python
exception from moto. ``evaluate`` and ``check_update`` then give DynamoDB's answers where moto's differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import (MIXED_PARAMETERS, DynamoError, invalid_expression, invalid_expression_value, serialization,
                     unused_placeholders, validation)
from .items import normalise_value
from .expr_check import Context, check_condition, check_key_condition, check_projection, check_update_expression
from .expr_eval import Step, check_update, evaluate, explain
from .expr_parse import parse

__all__ = ["Parsed", "Step", "validate_request", "evaluate", "explain", "check_update"]

MAX_EXPRESSION_BYTES = 4096

# Per operation: its expression parameters and its legacy parameters, in the order DynamoDB names them.
_CONDITIONAL = (("ConditionExpression",), ("Expected", "ConditionalOperator"))
_UPDATE = (("UpdateExpression", "ConditionExpression"), ("AttributeUpdates", "Expected", "ConditionalOperator"))
_OPERATIONS = {
    "PutItem": _CONDITIONAL, "Put": _CONDITIONAL, "DeleteItem": _CONDITIONAL, "Delete": _CONDITIONAL,
    "UpdateItem": _UPDATE, "Update": _UPDATE,
    "ConditionCheck": (("ConditionExpression",), ()),
    "GetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "Query": (("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
              ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions")),
    "Scan": (("ProjectionExpression", "FilterExpression"), ("AttributesToGet", "ScanFilter", "ConditionalOperator")),
}

# The order in which DynamoDB validates a request's expressions (an update's problem comes first).
_EXPRESSIONS = (("UpdateExpression", "update", "update"), ("ConditionExpression", "condition", "condition"),
                ("KeyConditionExpression", "condition", "key_condition"),
                ("FilterExpression", "condition", "filter"), ("ProjectionExpression", "projection", "projection"))
_CHECKS = {"condition": check_condition, "update": check_update_expression, "projection": check_projection}
_NAME_KEY = re.compile(r"#[0-9a-zA-Z_]+")
_VALUE_KEY = re.compile(r":[0-9a-zA-Z_]+")


@dataclass(frozen=True)
class Parsed:
    """The parsed expressions of one request (None where absent).

    ``condition``, ``filter`` and ``key_condition`` are condition trees for ``evaluate``; ``update``
    is a tuple of ``expr_parse.Action`` for ``check_update``; ``projection`` a tuple of ``Path``.
    """

    condition: object = None
    update: object = None
    projection: object = None
    filter: object = None
    key_condition: object = None


def validate_request(operation: str, params: dict) -> Parsed:
    """Check the expressions of an API request (or of one transaction action) as DynamoDB does."""
    if operation not in _OPERATIONS or not isinstance(params, dict):
        return Parsed()
    expressions, legacy = _OPERATIONS[operation]
    _check_parameters(params, expressions, legacy)
    names = _placeholder_map(params, "ExpressionAttributeNames", _NAME_KEY)
    values = _placeholder_map(params, "ExpressionAttributeValues", _VALUE_KEY)
    _check_values(values)
    ctx = Context(names, values)
    trees = {}
    for key, kind, attribute in _EXPRESSIONS:
        if key in expressions and params.get(key) is not None:
            trees[attribute] = _validate_expression(key, kind, params[key], ctx)
    if names and ctx.used_names != names.keys():
        raise unused_placeholders("ExpressionAttributeNames", [k for k in names if k not in ctx.used_names])
    if values and ctx.used_values != values.keys():
        raise unused_placeholders("ExpressionAttributeValues", [k for k in values if k not in ctx.used_values])
    if "key_condition" in trees:
        message = check_key_condition(trees["key_condition"], ctx)
        if message:
            raise validation(message)
    return Parsed(**trees)


def _check_parameters(params: dict, expressions: tuple, legacy: tuple):
    """Expression and legacy parameters do not mix; placeholders need an expression to be used in."""
    present = [key for key in expressions if params.get(key) is not None]
    if present:
        # Query may combine legacy KeyConditions with a FilterExpression or ProjectionExpression
        old = [key for key in legacy if params.get(key) is not None
               and not (key == "KeyConditions" and params.get("KeyConditionExpression") is None)]
        if old:
            raise validation(f"{MIXED_PARAMETERS}: Non-expression parameters: {{{', '.join(old)}}} "
                             f"Expression parameters: {{{', '.join(present)}}}")
    if params.get("ExpressionAttributeNames") is not None and not present:
        raise validation("ExpressionAttributeNames can only be specified when using expressions")
    with_values = [key for key in expressions if key != "ProjectionExpression"]
    if with_values and params.get("ExpressionAttributeValues") is not None \
            and all(params.get(key) is None for key in with_values):
        raise validation("ExpressionAttributeValues can only be specified when using expressions: "
                         f"{' and '.join(with_values)} {'are' if len(with_values) > 1 else 'is'} null")


def _placeholder_map(params: dict, key: str, pattern: re.Pattern) -> dict | None:
    mapping = params.get(key)
    if mapping is None:
        return None
    if not isinstance(mapping, dict):
        raise serialization(f"{key} must be a map")
    if not mapping:
        raise validation(f"{key} must not be empty")
    for placeholder in mapping:
        if not isinstance(placeholder, str) or not pattern.fullmatch(placeholder):
            raise validation(f'{key} contains invalid key: Syntax error; key: "{placeholder}"')
    return mapping


def _check_values(values: dict | None):
    """Each value checked as an item's would be (one datatype, numbers that are numbers, sets...)."""
    for placeholder, value in (values or {}).items():
        try:
            normalise_value(value)
        except DynamoError as error:
            raise invalid_expression_value(error.message, placeholder) from None


def _validate_expression(key: str, kind: str, text, ctx: Context):
    if not isinstance(text, str):
        raise serialization(f"{key} must be a string")
    if text == "":
        raise invalid_expression(key, "The expression can not be empty;")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_EXPRESSION_BYTES:
        raise invalid_expression(key, f"Expression size has exceeded the maximum allowed size; expression size: {size}")
    parsed = parse(kind, text)
    if isinstance(parsed, DynamoError):
        raise invalid_expression(key, parsed.message)
    message = _CHECKS[kind](parsed, ctx)
    if message:
        raise invalid_expression(key, message)
    return parsed.tree
