"""The front: where the lab becomes DynamoDB.

Every request of every client (boto3 in the kernel through the in-process transport, the AWS CLI and
other processes through the loopback server) arrives here as DynamoDB JSON and leaves as DynamoDB JSON.
moto keeps the tables and items; the front adds what this topic depends on and moto lacks:

- one request at a time (a lock), so each request is atomic as in DynamoDB and the only races a learner
  can cause are the real ones, between *their* read and *their* write;
- expressions validated and conditions evaluated here (``expressions``), legacy ``Expected`` included;
- ``ClientRequestToken`` idempotency, consumed capacity, ``CREATING``/``DELETING`` table states;
- a trace of every request, which the race lab reads.

Transaction conflicts are a simulation (nothing runs long enough to overlap a transaction in flight):
``Front.conflicts`` is the seam where such a simulator plugs in.
"""

from __future__ import annotations

import copy
from collections import deque
import json
import re
import threading
import time
from dataclasses import dataclass, field

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.responses import DynamoHandler

from . import expressions, items, legacy
from .errors import DynamoError, conditional_check_failed, resource_not_found, validation
from .idempotency import Clock, Tokens

_CONDITION_KEYS = ("ConditionExpression", "Expected", "ConditionalOperator", "ReturnValuesOnConditionCheckFailure")
_DATA_PLANE = {"PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan"}
MAX_TRANSACTION_ACTIONS = 100
_PLACEHOLDER = re.compile(r"[:#][A-Za-z0-9_]+")


@dataclass
class TraceEntry:
    operation: str
    table: str | None
    thread: str
    start: float
    end: float
    status: int
    code: str | None
    capacity: float = 0.0


@dataclass
class _Condition:
    tree: object
    names: dict | None
    values: dict | None

    def holds(self, item: dict | None) -> bool:
        return expressions.evaluate(self.tree, item, self.names, self.values)


@dataclass
class _Write:
    """One write, single or in a transaction, ready to check and apply."""

    kind: str  # Put, Update, Delete or ConditionCheck
    params: dict
    table: object
    key: dict
    condition: _Condition | None = None
    update: object = None
    old: dict | None = None
    extra: dict = field(default_factory=dict)


class Front:
    """DynamoDB's behaviour over one moto account and region."""

    def __init__(self, region: str = "us-east-1", account: str = DEFAULT_ACCOUNT_ID, creating_seconds: float = 0.5):
        self.lock = threading.RLock()
        self.clock = Clock()
        self.tokens = Tokens(self.clock)
        self.creating_seconds = creating_seconds
        self.conflicts = None  # seam: an object whose check(writes) returns cancellation reasons or None
        self.trace: deque[TraceEntry] = deque(maxlen=100_000)
        self._created: dict[str, float] = {}
        self._moto = DynamoHandler()
        self._moto.current_account, self._moto.region = account, region
        self.backend = dynamodb_backends[account][region]

    # -- entry point -------------------------------------------------------------------------------

    def handle(self, operation: str, params: dict) -> tuple[int, dict]:
        """Answer one request: (HTTP status, JSON body)."""
        start = time.perf_counter()
        capacity = [0.0]
        try:
            with self.lock:
                body = self._handler(operation)(operation, params, capacity)
            status, code = 200, None
        except DynamoError as error:
            status, code, body = error.status, error.code, error.body()
        except JsonRESTError as error:  # moto's own answer for what the front leaves to it
            status, body = error.code, json.loads(error.description)
            code = body.get("__type", "").split("#")[-1]
        except Exception as error:  # a fault of the lab's, answered as DynamoDB answers its own faults
            status, code = 500, "InternalServerError"
            body = DynamoError(code, f"labkit could not answer {operation}: {type(error).__name__}: {error}",
                               status).body()
        self.trace.append(TraceEntry(operation, params.get("TableName"), threading.current_thread().name,
                                     start, time.perf_counter(), status, code, capacity[0]))
        return status, body

    def _handler(self, operation: str):
        """The front's own handler, else moto's for an operation moto implements, else DynamoDB's refusal."""
        if operation in _OWN_HANDLERS:
            return getattr(self, _OWN_HANDLERS[operation])
        if _snake(operation) in vars(DynamoHandler):
            return self._passthrough
        raise DynamoError("UnknownOperationException", "")

    # -- helpers -----------------------------------------------------------------------------------

    def _call(self, method: str, params: dict) -> dict:
        self._moto.body = params
        result = getattr(self._moto, method)()
        return dict(getattr(result, "result", None) or {})

    def _table(self, name: str):
        table = self.backend.tables.get(name)
        if table is None or self._status(name) == "CREATING":
            raise resource_not_found()
        return table

    def _status(self, name: str) -> str:
        created = self._created.get(name)
        return "CREATING" if created is not None and self.clock.now() - created < self.creating_seconds else "ACTIVE"

    @staticmethod
    def _key(table, attributes: dict, *, whole_item: bool) -> dict:
        key_names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
        types = {table.hash_key_attr: table.hash_key_type, table.range_key_attr: table.range_key_type}
        if not whole_item and set(attributes) != set(key_names):
            raise validation("The provided key element does not match the schema")
        for name in key_names:
            if name not in attributes:
                raise validation(f"One or more parameter values were invalid: Missing the key {name} in the item")
            (kind, inner), = attributes[name].items()
            if kind != types[name]:
                if whole_item:
                    raise validation(f"One or more parameter values were invalid: Type mismatch for key {name} expected: {types[name]} actual: {kind}")
                raise validation("The provided key element does not match the schema")
            if inner in ("", b""):
                raise validation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                                 f"cannot contain an empty string value. Key: {name}")
        return {name: attributes[name] for name in key_names}

    def _checked_key(self, table, key: dict) -> dict:
        """A request's Key, numbers normalised, or DynamoDB's error when it does not fit the table's schema."""
        return self._key(table, items.normalise_map(key), whole_item=False)

    def _item_key(self, table, item: dict) -> dict:
        """The key of an item to put (already normalised), after the key and the 400 KB limit are checked."""
        key = self._key(table, item, whole_item=True)
        items.check_item_size(item)
        return key

    def _get(self, table, key: dict) -> dict | None:
        """The stored item, as a copy: moto may change its own lists in place during a later write."""
        item = self.backend.get_item(table.name, key)
        return None if item is None else copy.deepcopy(item.to_json()["Attributes"])

    @staticmethod
    def _capacity(params: dict, table: str, units: float, unit_name: str) -> dict:
        mode = params.get("ReturnConsumedCapacity", "NONE")
        if mode == "TOTAL":
            return {"ConsumedCapacity": {"TableName": table, "CapacityUnits": units, unit_name: units}}
        if mode == "INDEXES":
            return {"ConsumedCapacity": {"TableName": table, "CapacityUnits": units, unit_name: units,
                                         "Table": {"CapacityUnits": units, unit_name: units}}}
        return {}

    def _prepare(self, kind: str, params: dict) -> _Write:
        """Validate one write (single or transaction action) and read the item it names."""
        params = dict(params)
        parsed = expressions.validate_request(kind, params)
        table = self._table(params["TableName"])
        for name in ("Item", "Key", "ExpressionAttributeValues"):
            if name in params:
                params[name] = items.normalise_map(params[name])
        if kind in ("Put", "PutItem"):
            key = self._item_key(table, params["Item"])
        else:
            key = self._key(table, params.get("Key") or {}, whole_item=False)
        write = _Write(kind.removesuffix("Item"), params, table, key, update=parsed.update)
        names, values = params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
        if parsed.condition is not None:
            write.condition = _Condition(parsed.condition, names, values)
        elif params.get("Expected"):
            text, l_names, l_values = legacy.expected_as_condition(params["Expected"], params.get("ConditionalOperator"))
            l_values = items.normalise_map(l_values)
            tree = expressions.validate_request("ConditionCheck", {
                "ConditionExpression": text, "ExpressionAttributeNames": l_names, "ExpressionAttributeValues": l_values}).condition
            write.condition = _Condition(tree, l_names, l_values)
        if params.get("AttributeUpdates"):
            text, u_names, u_values = legacy.attribute_updates_as_expression(params.pop("AttributeUpdates"))
            params.update(UpdateExpression=text, ExpressionAttributeNames={**(names or {}), **u_names},
                          ExpressionAttributeValues={**(values or {}), **items.normalise_map(u_values)})
            write.update = expressions.validate_request("UpdateItem", {
                k: params[k] for k in ("UpdateExpression", "ExpressionAttributeNames", "ExpressionAttributeValues")}).update
        write.old = self._get(table, key)
        return write

    def _check(self, write: _Write) -> None:
        if write.condition is not None and not write.condition.holds(write.old):
            wants_old = write.params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
            raise conditional_check_failed(write.old if wants_old else None)
        if write.update is not None:
            expressions.check_update(write.update, write.old, write.params.get("ExpressionAttributeNames"),
                                     write.params.get("ExpressionAttributeValues"))

    def _apply(self, write: _Write) -> dict:
        """Carry out a checked write in moto, without the condition the front has already decided."""
        params = {k: v for k, v in write.params.items() if k not in _CONDITION_KEYS and k != "ReturnConsumedCapacity"}
        # moto rejects placeholders its part of the request no longer uses, so keep only the update's own
        used = set(_PLACEHOLDER.findall(params.get("UpdateExpression", "")))
        for name in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
            kept = {k: v for k, v in (params.pop(name, None) or {}).items() if k in used}
            if kept:
                params[name] = kept
        if write.kind == "Put":
            return self._call("put_item", params)
        if write.kind == "Delete":
            return self._call("delete_item", params)
        if write.kind == "Update":
            if write.update is None:  # UpdateItem with only a Key: DynamoDB creates the key-only item
                return self._update_key_only(write)
            return self._call("update_item", params)
        return {}

    def _update_key_only(self, write: _Write) -> dict:
        if write.old is None:
            self._call("put_item", {"TableName": write.table.name, "Item": write.key})
        wanted = write.params.get("ReturnValues", "NONE")
        if wanted in ("ALL_NEW", "ALL_OLD") and (write.old or wanted == "ALL_NEW"):
            return {"Attributes": write.old or write.key}
        return {}

    # -- single-item writes ------------------------------------------------------------------------

    def _single_write(self, operation: str, params: dict, capacity: list) -> dict:
        write = self._prepare(operation, params)
        try:
            self._check(write)
        except DynamoError as error:
            if error.code == "ConditionalCheckFailedException":  # a failed condition still costs a write
                capacity[0] = items.write_units(write.old)
            raise
        result = self._apply(write)
        if write.kind == "Put":
            new = write.params["Item"]
        else:
            new = None if write.kind == "Delete" else self._get(write.table, write.key)
        capacity[0] = items.write_units(write.old, new)
        result.pop("ConsumedCapacity", None)
        return result | self._capacity(params, write.table.name, capacity[0], "WriteCapacityUnits")

    def _get_item(self, operation: str, params: dict, capacity: list) -> dict:
        expressions.validate_request(operation, params)
        table = self._table(params["TableName"])
        params = {**params, "Key": self._checked_key(table, params["Key"])}
        result = self._call("get_item", params)
        result.pop("ConsumedCapacity", None)
        capacity[0] = items.read_units(self._get(table, params["Key"]), bool(params.get("ConsistentRead")))
        return result | self._capacity(params, table.name, capacity[0], "ReadCapacityUnits")

    def _batch_write_item(self, operation: str, params: dict, capacity: list) -> dict:
        """Items checked and numbers normalised as in PutItem; a batch takes no conditions at all."""
        batches = {}
        for name, requests in (params.get("RequestItems") or {}).items():
            table = self._table(name)
            checked = []
            for request in requests:
                if "PutRequest" in request:
                    item = items.normalise_map(request["PutRequest"]["Item"])
                    self._item_key(table, item)
                    request = {"PutRequest": {"Item": item}}
                elif "DeleteRequest" in request:
                    request = {"DeleteRequest": {"Key": self._checked_key(table, request["DeleteRequest"]["Key"])}}
                checked.append(request)
            batches[name] = checked
        return self._passthrough(operation, {**params, "RequestItems": batches}, capacity)

    # -- transactions ------------------------------------------------------------------------------

    def _transact_write_items(self, operation: str, params: dict, capacity: list) -> dict:
        actions = params.get("TransactItems") or []
        if len(actions) > MAX_TRANSACTION_ACTIONS:
            raise validation(f"1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                             f"Member must have length less than or equal to {MAX_TRANSACTION_ACTIONS}")
        token = params.get("ClientRequestToken")
        if token:
            replayed = self.tokens.replay(token, params)
            if replayed is not None:
                return self._replay_answer(params, replayed, capacity)
        writes = []
        for action in actions:
            if len(action) != 1 or not set(action) <= {"ConditionCheck", "Put", "Update", "Delete"}:
                raise validation("TransactItems can only contain one of Check, Put, Update or Delete")
            (kind, body), = action.items()
            writes.append(self._prepare(kind, body))
        seen = set()
        for write in writes:
            ident = (write.table.name, json.dumps(write.key, sort_keys=True))
            if ident in seen:
                raise validation("Transaction request cannot include multiple operations on one item")
            seen.add(ident)
        reasons = (self.conflicts.check(writes) if self.conflicts else None) or [self._reason(w) for w in writes]
        if any(r["Code"] != "None" for r in reasons):
            codes = ", ".join(r["Code"] for r in reasons)
            raise DynamoError("TransactionCanceledException",
                              f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
                              CancellationReasons=reasons)
        self._apply_all(writes)
        per_table: dict[str, float] = {}
        for write in writes:
            new = self._get(write.table, write.key)
            per_table[write.table.name] = per_table.get(write.table.name, 0) + 2 * items.write_units(write.old, new)
        capacity[0] = sum(per_table.values())
        answer = self._capacity_list(params, per_table, "WriteCapacityUnits")
        if token:
            self.tokens.remember(token, params, [(w.table.name, w.key) for w in writes])
        return answer

    def _replay_answer(self, params: dict, keys: list, capacity: list) -> dict:
        """A replay changes nothing; it reads the items again (transactional reads, 2 RCU per 4 KB)."""
        per_table: dict[str, float] = {}
        for table_name, key in keys:
            table = self.backend.tables.get(table_name)
            item = self._get(table, key) if table else None
            per_table[table_name] = per_table.get(table_name, 0) + 2 * items.read_units(item, True)
        capacity[0] = sum(per_table.values())
        return self._capacity_list(params, per_table, "ReadCapacityUnits")

    @staticmethod
    def _capacity_list(params: dict, per_table: dict, unit_name: str) -> dict:
        if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
            return {}
        return {"ConsumedCapacity": [{"TableName": t, "CapacityUnits": u, unit_name: u} for t, u in per_table.items()]}

    def _reason(self, write: _Write) -> dict:
        try:
            self._check(write)
        except DynamoError as error:
            if error.code == "ConditionalCheckFailedException":
                reason = {"Code": "ConditionalCheckFailed", "Message": error.message}
                if "Item" in error.extra:
                    reason["Item"] = error.extra["Item"]
                return reason
            return {"Code": "ValidationError", "Message": error.message}
        return {"Code": "None"}

    def _apply_all(self, writes: list[_Write]) -> None:
        """Apply every write or none: on a failure midway, put back the items as they were."""
        done = []
        try:
            for write in writes:
                self._apply(write)
                done.append(write)
        except BaseException:
            for write in reversed(done):
                if write.old is None:
                    self._call("delete_item", {"TableName": write.table.name, "Key": write.key})
                else:
                    self._call("put_item", {"TableName": write.table.name, "Item": copy.deepcopy(write.old)})
            raise

    def _transact_get_items(self, operation: str, params: dict, capacity: list) -> dict:
        per_table: dict[str, float] = {}
        for action in params.get("TransactItems") or []:
            body = action.get("Get", {})
            expressions.validate_request("GetItem", body)
            table = self._table(body.get("TableName"))
            key = self._checked_key(table, body.get("Key") or {})
            per_table[table.name] = per_table.get(table.name, 0) + 2 * items.read_units(self._get(table, key), True)
        result = self._call("transact_get_items", {k: v for k, v in params.items() if k != "ReturnConsumedCapacity"})
        result.pop("ConsumedCapacity", None)
        capacity[0] = sum(per_table.values())
        return result | self._capacity_list(params, per_table, "ReadCapacityUnits")

    # -- tables ------------------------------------------------------------------------------------

    def _create_table(self, operation: str, params: dict, capacity: list) -> dict:
        result = self._call("create_table", params)
        self._created[params["TableName"]] = self.clock.now()
        result["TableDescription"]["TableStatus"] = "CREATING"
        return result

    def _describe_table(self, operation: str, params: dict, capacity: list) -> dict:
        result = self._call("describe_table", params)
        result["Table"]["TableStatus"] = self._status(params["TableName"])
        return result

    def _delete_table(self, operation: str, params: dict, capacity: list) -> dict:
        result = self._call("delete_table", params)
        self._created.pop(params["TableName"], None)
        result["TableDescription"]["TableStatus"] = "DELETING"
        return result

    def _passthrough(self, operation: str, params: dict, capacity: list) -> dict:
        if operation in _DATA_PLANE:
            expressions.validate_request(operation, params)
            self._table(params.get("TableName"))
        result = self._call(_snake(operation), params)
        if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
            result.pop("ConsumedCapacity", None)
        return result


_OWN_HANDLERS = {
    "PutItem": "_single_write", "UpdateItem": "_single_write", "DeleteItem": "_single_write",
    "GetItem": "_get_item", "BatchWriteItem": "_batch_write_item",
    "TransactWriteItems": "_transact_write_items", "TransactGetItems": "_transact_get_items",
    "CreateTable": "_create_table", "DescribeTable": "_describe_table", "DeleteTable": "_delete_table",
}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
