"""How a transaction is decided: TransactWriteItems all-or-nothing, TransactGetItems, replays.

A TransactWriteItems is checked whole before anything is written (every condition, every update's operand
types), in request order, so that CancellationReasons has one entry per action; only then are the writes
applied, and if one fails while being applied the ones before it are put back as they were.
Transactional reads and writes cost twice the capacity of plain ones (prepare and commit).
"""

from __future__ import annotations

import json

from . import capacity, expressions, items, writes
from .errors import ONE_ACTION, ONE_ITEM_TWICE, DynamoError, too_many_actions, transaction_canceled, validation

MAX_ACTIONS = 100
ACTIONS = ("ConditionCheck", "Put", "Update", "Delete")


def transact_write_items(front, operation: str, params: dict) -> tuple[dict, float]:
    actions = params.get("TransactItems") or []
    if len(actions) > MAX_ACTIONS:
        raise too_many_actions(MAX_ACTIONS)
    token = params.get("ClientRequestToken")
    if token:
        replayed = front.tokens.replay(token, params)
        if replayed is not None:
            return _replay_answer(front.store, params, replayed)
    planned = [_prepare(front.store, action) for action in actions]
    _one_action_per_item(planned)
    reasons = (front.conflicts.check(planned) if front.conflicts else None) or [reason(w) for w in planned]
    if any(r["Code"] != "None" for r in reasons):
        raise transaction_canceled(reasons)
    apply_all(front.store, planned)
    units: dict[str, float] = {}
    for write in planned:
        new = writes.new_item(front.store, write)
        units[write.table.name] = units.get(write.table.name, 0) + 2 * items.write_units(write.old, new)
    if token:
        front.tokens.remember(token, params, [(w.table.name, w.key) for w in planned])
    return capacity.per_table(params, units, "WriteCapacityUnits"), sum(units.values())


def _prepare(store, action: dict) -> writes.Write:
    if len(action) != 1 or not set(action) <= set(ACTIONS):
        raise validation(ONE_ACTION)
    (kind, body), = action.items()
    return writes.prepare(store, kind, body)


def _one_action_per_item(planned: list) -> None:
    seen = set()
    for write in planned:
        ident = (write.table.name, json.dumps(write.key, sort_keys=True))
        if ident in seen:
            raise validation(ONE_ITEM_TWICE)
        seen.add(ident)


def reason(write: writes.Write) -> dict:
    """One action's entry in CancellationReasons: None when it would succeed."""
    try:
        writes.check(write)
    except DynamoError as error:
        if error.code == "ConditionalCheckFailedException":
            found = {"Code": "ConditionalCheckFailed", "Message": error.message}
            if "Item" in error.extra:
                found["Item"] = error.extra["Item"]
            return found
        return {"Code": "ValidationError", "Message": error.message}
    return {"Code": "None"}


def apply_all(store, planned: list) -> None:
    """Apply every write or none: on a failure midway, put back the items as they were."""
    done = []
    try:
        for write in planned:
            writes.apply(store, write)
            done.append(write)
            writes.within_size_limit(write, writes.new_item(store, write))
    except BaseException:
        for write in reversed(done):
            store.restore(write.table, write.key, write.old)
        raise


def _replay_answer(store, params: dict, keys: list) -> tuple[dict, float]:
    """A replay changes nothing; it reads the items again (transactional reads, 2 RCU per 4 KB)."""
    units: dict[str, float] = {}
    for table_name, key in keys:
        table = store.backend.tables.get(table_name)
        item = store.get(table, key) if table else None
        units[table_name] = units.get(table_name, 0) + 2 * items.read_units(item, True)
    return capacity.per_table(params, units, "ReadCapacityUnits"), sum(units.values())


def transact_get_items(front, operation: str, params: dict) -> tuple[dict, float]:
    store = front.store
    units: dict[str, float] = {}
    for action in params.get("TransactItems") or []:
        body = action.get("Get", {})
        expressions.validate_request("GetItem", body)
        table = store.table(body.get("TableName"))
        key = store.checked_key(table, body.get("Key") or {})
        units[table.name] = units.get(table.name, 0) + 2 * items.read_units(store.get(table, key), True)
    result = store.call("transact_get_items", {k: v for k, v in params.items() if k != "ReturnConsumedCapacity"})
    result.pop("ConsumedCapacity", None)
    return result | capacity.per_table(params, units, "ReadCapacityUnits"), sum(units.values())
