"""GetItem, Query and Scan: items read from moto's table model, projected by the front (``projection``)."""

from __future__ import annotations

from . import capacity, expressions, items, projection
from .writes import keep_used_placeholders

_PROJECTION_KEYS = ("ProjectionExpression", "AttributesToGet")


def get_item(front, operation: str, params: dict) -> tuple[dict, float]:
    store = front.store
    parsed = expressions.validate_request(operation, params)
    table = store.table(params["TableName"])
    item = store.get(table, store.checked_key(table, params["Key"]))
    units = items.read_units(item, bool(params.get("ConsistentRead")))
    paths = projection.paths_of(params, parsed.projection)
    found = {} if item is None else {"Item": item if paths is None else projection.project(item, paths)}
    return found | capacity.single(params, table.name, units, "ReadCapacityUnits"), units


def query_or_scan(front, operation: str, params: dict) -> tuple[dict, float]:
    """moto finds the items; the front projects them."""
    parsed = expressions.validate_request(operation, params)
    front.store.table(params["TableName"])
    paths = projection.paths_of(params, parsed.projection)
    if paths is not None:
        params = {k: v for k, v in params.items() if k not in _PROJECTION_KEYS}
        if params.get("Select") == "SPECIFIC_ATTRIBUTES":
            del params["Select"]
        keep_used_placeholders(params, "KeyConditionExpression", "FilterExpression")  # not the projection's
    result = front.store.call(operation.lower(), params)
    if paths is not None and "Items" in result:
        result["Items"] = [projection.project(item, paths) for item in result["Items"]]
    if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
        result.pop("ConsumedCapacity", None)
    return result, 0.0
