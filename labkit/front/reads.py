"""GetItem, Query, Scan and BatchGetItem: items read from moto's table model, projected by the front
(``projection``). With stale reads simulated (``stale``), an eventually consistent read may see an older
version of an item; a strongly consistent one never asks."""

from __future__ import annotations

from . import capacity, expressions, items, projection
from .writes import keep_used_placeholders

_PROJECTION_KEYS = ("ProjectionExpression", "AttributesToGet")


def get_item(front, operation: str, params: dict) -> tuple[dict, float]:
    store = front.store
    parsed = expressions.validate_request(operation, params)
    table = store.table(params["TableName"])
    key = store.checked_key(table, params["Key"])
    item = store.get(table, key)
    consistent = bool(params.get("ConsistentRead"))
    if front.stale.on and not consistent and front.stale.covers(table.name):
        item = front.stale.seen(table.name, key, item)
    units = items.read_units(item, consistent)
    paths = projection.paths_of(params, parsed.projection)
    found = {} if item is None else {"Item": item if paths is None else projection.project(item, paths)}
    return found | capacity.single(params, table.name, units, "ReadCapacityUnits"), units


def query_or_scan(front, operation: str, params: dict) -> tuple[dict, float]:
    """moto finds the items; the front projects them."""
    parsed = expressions.validate_request(operation, params)
    table = front.store.table(params["TableName"])
    paths = projection.paths_of(params, parsed.projection)
    if paths is not None:
        params = {k: v for k, v in params.items() if k not in _PROJECTION_KEYS}
        if params.get("Select") == "SPECIFIC_ATTRIBUTES":
            del params["Select"]
        keep_used_placeholders(params, "KeyConditionExpression", "FilterExpression")  # not the projection's
    result = front.store.call(operation.lower(), params)
    if front.stale.on and not params.get("ConsistentRead") and "Items" in result and front.stale.covers(table.name):
        result["Items"] = _as_seen(front.stale, table, result["Items"])
        result["Count"] = len(result["Items"])
    if paths is not None and "Items" in result:
        result["Items"] = [projection.project(item, paths) for item in result["Items"]]
    if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
        result.pop("ConsumedCapacity", None)
    return result, 0.0


def batch_get_item(front, operation: str, params: dict) -> tuple[dict, float]:
    """moto reads the items; with stale reads simulated, each table read without ConsistentRead is seen
    as an eventually consistent read sees it."""
    result, units = front.passthrough(operation, params)
    if front.stale.on:
        for name, found in result.get("Responses", {}).items():
            table = front.store.backend.tables.get(name)
            asked = params["RequestItems"].get(name) or {}
            if table is not None and not asked.get("ConsistentRead") and front.stale.covers(name):
                result["Responses"][name] = _as_seen(front.stale, table, found)
    return result, units


def _as_seen(stale, table, found: list) -> list:
    """An answer's items as one eventually consistent read sees each (an item may not be there yet).
    The lab's simplification: moto chose the items by their current versions, and an item deleted within
    the lag does not come back in a Query, Scan or BatchGetItem (GetItem does show it)."""
    seen = (stale.seen_in_answer(table, item) for item in found)
    return [item for item in seen if item is not None]
