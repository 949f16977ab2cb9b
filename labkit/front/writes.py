"""One write, single or inside a transaction: validate it, read the item it names, decide its condition,
apply it in moto. Also the single-item operations built on that (PutItem, UpdateItem, DeleteItem), and
BatchWriteItem (which takes no conditions at all).

Handlers take the front and the request, and return (answer, capacity units consumed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import capacity, expressions, items, legacy
from .conflicts import item_id
from .errors import (DUPLICATE_KEYS, RETURN_VALUES_PUT_DELETE, UPDATED_ITEM_TOO_LARGE, DynamoError,
                     conditional_check_failed, throughput_exceeded, too_many_batch_requests, transaction_conflict,
                     validation)

_CONDITION_KEYS = ("ConditionExpression", "Expected", "ConditionalOperator", "ReturnValuesOnConditionCheckFailure")
BATCH_WRITE_LIMIT = 25  # put and delete requests in one BatchWriteItem, all tables together
PLACEHOLDER = re.compile(r"[:#][A-Za-z0-9_]+")


@dataclass
class Condition:
    tree: object
    names: dict | None
    values: dict | None

    def holds(self, item: dict | None) -> bool:
        return expressions.evaluate(self.tree, item, self.names, self.values)


@dataclass
class Write:
    """One write, single or in a transaction, ready to check and apply."""

    kind: str  # Put, Update, Delete or ConditionCheck
    params: dict
    table: object
    key: dict
    condition: Condition | None = None
    update: object = None
    old: dict | None = None
    extra: dict = field(default_factory=dict)


def prepare(store, kind: str, params: dict) -> Write:
    """Validate one write (single or transaction action) and read the item it names."""
    params = dict(params)
    parsed = expressions.validate_request(kind, params)
    if kind in ("PutItem", "DeleteItem") and params.get("ReturnValues", "NONE") not in ("NONE", "ALL_OLD"):
        raise validation(RETURN_VALUES_PUT_DELETE)
    table = store.table(params["TableName"])
    for name in ("Item", "Key", "ExpressionAttributeValues"):
        if name in params:
            params[name] = items.normalise_map(params[name])
    if kind in ("Put", "PutItem"):
        key = store.item_key(table, params["Item"])
    else:
        key = store.key(table, params.get("Key") or {}, whole_item=False)
    write = Write(kind.removesuffix("Item"), params, table, key, update=parsed.update)
    names, values = params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    if parsed.condition is not None:
        write.condition = Condition(parsed.condition, names, values)
    elif params.get("Expected"):
        write.condition = _legacy_condition(params)
    if params.get("AttributeUpdates"):
        text, u_names, u_values = legacy.attribute_updates_as_expression(params.pop("AttributeUpdates"))
        params.update(UpdateExpression=text, ExpressionAttributeNames={**(names or {}), **u_names},
                      ExpressionAttributeValues={**(values or {}), **items.normalise_map(u_values)})
        write.update = expressions.validate_request("UpdateItem", {
            k: params[k] for k in ("UpdateExpression", "ExpressionAttributeNames", "ExpressionAttributeValues")}).update
    write.old = store.get(table, key)
    return write


def _legacy_condition(params: dict) -> Condition:
    """``Expected`` rewritten as a condition expression, decided by the same evaluator."""
    text, names, values = legacy.expected_as_condition(params["Expected"], params.get("ConditionalOperator"))
    values = items.normalise_map(values) or None  # Exists: false and NULL need no values at all
    tree = expressions.validate_request("ConditionCheck", {
        "ConditionExpression": text, "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}).condition
    return Condition(tree, names, values)


def check(write: Write) -> None:
    """Raise what DynamoDB answers when the write's condition is false or its update cannot apply."""
    if write.condition is not None and not write.condition.holds(write.old):
        wants_old = write.params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        raise conditional_check_failed(write.old if wants_old else None)
    if write.update is not None:
        expressions.check_update(write.update, write.old, write.params.get("ExpressionAttributeNames"),
                                 write.params.get("ExpressionAttributeValues"))


def keep_used_placeholders(params: dict, *expressions: str) -> None:
    """Drop the placeholders that the named expressions of ``params`` do not use: moto refuses placeholders
    its part of a request no longer uses (the front has decided the condition, or projects by itself)."""
    used = set(PLACEHOLDER.findall(" ".join(params.get(key) or "" for key in expressions)))
    for name in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        kept = {k: v for k, v in (params.pop(name, None) or {}).items() if k in used}
        if kept:
            params[name] = kept


def apply(store, write: Write) -> dict:
    """Carry out a checked write in moto, without the condition the front has already decided."""
    if write.kind == "Put":
        store.put(write.table, write.params["Item"])
        return {"Attributes": write.old} if write.old and write.params.get("ReturnValues") == "ALL_OLD" else {}
    if write.kind == "ConditionCheck":
        return {}
    if write.kind == "Update" and write.update is None:  # UpdateItem with only a Key: the key-only item
        return _update_key_only(store, write)
    params = {k: v for k, v in write.params.items() if k not in _CONDITION_KEYS and k != "ReturnConsumedCapacity"}
    keep_used_placeholders(params, "UpdateExpression")
    return store.call("delete_item" if write.kind == "Delete" else "update_item", params)


def _update_key_only(store, write: Write) -> dict:
    if write.old is None:
        store.put(write.table, write.key)
    wanted = write.params.get("ReturnValues", "NONE")
    if wanted in ("ALL_NEW", "ALL_OLD") and (write.old or wanted == "ALL_NEW"):
        return {"Attributes": write.old or write.key}
    return {}


def new_item(store, write: Write) -> dict | None:
    """The item as a write left it."""
    if write.kind == "Put":
        return write.params["Item"]
    return None if write.kind == "Delete" else store.get(write.table, write.key)


def within_size_limit(write: Write, new: dict | None) -> None:
    """An update can grow an item past 400 KB: DynamoDB refuses it (a put's size is checked up front)."""
    if write.kind == "Update" and items.item_size(new) > items.MAX_ITEM_BYTES:
        raise validation(UPDATED_ITEM_TOO_LARGE)


# -- handlers --------------------------------------------------------------------------------------

def single_write(front, operation: str, params: dict) -> tuple[dict, float]:
    write = prepare(front.store, operation, params)
    if front.conflicts.holder(write.table.name, write.key):
        raise transaction_conflict()
    try:
        check(write)
    except DynamoError as error:
        if error.code == "ConditionalCheckFailedException":  # a failed condition still costs a write
            error.capacity = items.write_units(write.old)
        raise
    result = apply(front.store, write)
    new = new_item(front.store, write)
    try:
        within_size_limit(write, new)
    except DynamoError:
        front.store.restore(write.table, write.key, write.old)
        raise
    if front.stale.on:
        front.stale.wrote(write.table.name, write.key, write.old)
    units = items.write_units(write.old, new)
    result.pop("ConsumedCapacity", None)
    return result | capacity.single(params, write.table.name, units, "WriteCapacityUnits"), units


def batch_write_item(front, operation: str, params: dict) -> tuple[dict, float]:
    """Items checked and numbers normalised as in PutItem; a batch takes no conditions at all; each request
    is billed as the single write it is. Simulated, and unwritten: an item that a transaction in flight
    holds comes back in UnprocessedItems, and so do requests that throttling sends back."""
    store = front.store
    requested = params.get("RequestItems") or {}
    if sum(len(requests) for requests in requested.values()) > BATCH_WRITE_LIMIT:
        raise too_many_batch_requests(BATCH_WRITE_LIMIT, any(len(r) > BATCH_WRITE_LIMIT for r in requested.values()))
    batches, unprocessed, units, throttled, held_any, replaced = {}, {}, {}, False, False, []
    for name, requests in requested.items():
        table = store.table(name)
        checked, cost, held = [], {}, []
        for request in requests:
            if "PutRequest" in request:
                item = items.normalise_map(request["PutRequest"]["Item"])
                key, request = store.item_key(table, item), {"PutRequest": {"Item": item}}
            else:
                item, key = None, store.checked_key(table, request["DeleteRequest"]["Key"])
                request = {"DeleteRequest": {"Key": key}}
            ident = item_id(name, key)
            if ident in cost:
                raise validation(DUPLICATE_KEYS)
            old = store.get(table, key)
            cost[ident] = items.write_units(old, item)
            if front.conflicts.holder(name, key):
                held.append(request)
            else:
                checked.append((ident, request, key, old))
        kept, sent_back = front.throttling.split(name, checked)
        throttled, held_any = throttled or bool(sent_back), held_any or bool(held)
        batches[name] = [request for _, request, _, _ in kept]
        units[name] = sum(cost[ident] for ident, _, _, _ in kept)
        replaced += [(name, key, old) for _, _, key, old in kept]
        if held or sent_back:
            unprocessed[name] = held + [request for _, request, _, _ in sent_back]
    if throttled and not held_any and not any(batches.values()):
        raise throughput_exceeded()  # not one request could be taken
    to_moto = {k: v for k, v in params.items() if k != "ReturnConsumedCapacity"}
    writing = {n: r for n, r in batches.items() if r}
    result = front.passthrough(operation, to_moto | {"RequestItems": writing})[0] if writing else {}
    if front.stale.on:
        for name, key, old in replaced:
            front.stale.wrote(name, key, old)
    result["UnprocessedItems"] = unprocessed
    units = {name: units[name] for name in writing}
    return result | capacity.per_table(params, units, "WriteCapacityUnits"), sum(units.values())
