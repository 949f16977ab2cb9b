"""How a transaction is decided: TransactWriteItems all-or-nothing, TransactGetItems, replays.

A TransactWriteItems is checked whole before anything is written (every condition, every update's operand
types), in request order, so that CancellationReasons has one entry per action; only then are the writes
applied, and if one fails while being applied the ones before it are put back as they were.
Transactional reads and writes cost twice the capacity of plain ones (prepare and commit).
With the conflict simulation on (``conflicts``), a transaction that passes its checks holds its items for
a while before its writes are applied, and requests that name held items are refused.
"""

from __future__ import annotations

from . import capacity, expressions, items, writes
from .conflicts import item_id
from .errors import (ONE_ACTION, ONE_ITEM_TWICE, DynamoError, too_many_actions, transaction_canceled,
                     transaction_too_large, validation)

MAX_ACTIONS = 100
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
ACTIONS = ("ConditionCheck", "Put", "Update", "Delete")


def _too_many(actions: list) -> None:
    if len(actions) > MAX_ACTIONS:
        raise too_many_actions(MAX_ACTIONS)


def transact_write_items(front, operation: str, params: dict):
    """The answer and its capacity; or, with conflicts simulated, the transaction in flight (``InFlight``),
    which the front commits when its hold is over."""
    actions = params.get("TransactItems") or []
    _too_many(actions)
    token = params.get("ClientRequestToken")
    if token:
        front.conflicts.check_token(token, front.tokens.fingerprint(params))
        replayed = front.tokens.replay(token, params)
        if replayed is not None:
            return _replay_answer(front.store, params, replayed)
    planned = [_prepare(front.store, action) for action in actions]
    _one_action_per_item(planned)
    _within_4_mb(planned)
    reasons = [reason(w) for w in planned]
    where = [(w.table.name, w.key) for w in planned]
    front.conflicts.cancel_if_held(where, reasons)
    if any(r["Code"] != "None" for r in reasons):
        raise transaction_canceled(reasons)

    def commit() -> tuple[dict, float]:
        units: dict[str, float] = {}
        for write, new in zip(planned, apply_all(front.store, planned)):
            units[write.table.name] = units.get(write.table.name, 0) + 2 * items.write_units(write.old, new)
            if front.stale.on and write.kind != "ConditionCheck":
                front.stale.wrote(write.table.name, write.key, write.old)
        if token:
            front.tokens.remember(token, params, where)
        return capacity.per_table(params, units, "WriteCapacityUnits"), sum(units.values())

    if front.conflicts.on:
        return front.conflicts.hold(where, token, token and front.tokens.fingerprint(params), commit)
    return commit()


def _prepare(store, action: dict) -> writes.Write:
    if len(action) != 1 or not set(action) <= set(ACTIONS):
        raise validation(ONE_ACTION)
    (kind, body), = action.items()
    return writes.prepare(store, kind, body)


def _one_action_per_item(planned: list) -> None:
    seen = set()
    for write in planned:
        ident = item_id(write.table.name, write.key)
        if ident in seen:
            raise validation(ONE_ITEM_TWICE)
        seen.add(ident)


def _within_4_mb(planned: list) -> None:
    """The aggregate size of the items: a Put's new item, the stored item for every other action."""
    total = sum(items.item_size(w.params["Item"] if w.kind == "Put" else w.old) for w in planned)
    if total > MAX_TRANSACTION_BYTES:
        raise transaction_too_large()


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


def apply_all(store, planned: list) -> list:
    """Apply every write or none: on a failure midway, put back the items as they were. Returns the items
    as the writes left them, in order."""
    done, left = [], []
    try:
        for write in planned:
            writes.apply(store, write)
            done.append(write)
            left.append(writes.new_item(store, write))
            writes.within_size_limit(write, left[-1])
    except BaseException:
        for write in reversed(done):
            store.restore(write.table, write.key, write.old)
        raise
    return left


def _replay_answer(store, params: dict, keys: list) -> tuple[dict, float]:
    """A replay changes nothing; it reads the items again (transactional reads, 2 RCU per 4 KB)."""
    units: dict[str, float] = {}
    for table_name, key in keys:
        table = store.backend.tables.get(table_name)
        item = store.get(table, key) if table else None
        units[table_name] = units.get(table_name, 0) + 2 * items.read_units(item, True)
    return capacity.per_table(params, units, "ReadCapacityUnits"), sum(units.values())


def transact_get_items(front, operation: str, params: dict) -> tuple[dict, float]:
    """Every Get read in one step (moto's own handler stops at 25 actions; DynamoDB takes 100)."""
    store = front.store
    actions = params.get("TransactItems") or []
    _too_many(actions)
    gets = []
    for action in actions:
        body = action.get("Get", {})
        expressions.validate_request("GetItem", body)
        table = store.table(body.get("TableName"))
        gets.append((table, body, store.checked_key(table, body.get("Key") or {})))
    front.conflicts.cancel_if_held([(t.name, key) for t, _, key in gets], [{"Code": "None"} for _ in gets])
    stored = [store.get(table, key) for table, _, key in gets]
    if sum(items.item_size(item) for item in stored) > MAX_TRANSACTION_BYTES:
        raise transaction_too_large()
    units: dict[str, float] = {}
    responses = []
    for (table, body, key), item in zip(gets, stored):
        units[table.name] = units.get(table.name, 0) + 2 * items.read_units(item, True)
        found = store.call("get_item", {**body, "Key": key, "ConsistentRead": True})
        responses.append({"Item": found["Item"]} if "Item" in found else {})
    return {"Responses": responses} | capacity.per_table(params, units, "ReadCapacityUnits"), sum(units.values())
