"""The front: where the lab becomes DynamoDB.

Every request of every client (boto3 in the kernel through the in-process transport, the AWS CLI and
other processes through the loopback server) arrives here as DynamoDB JSON and leaves as DynamoDB JSON.
moto keeps the tables and items (``store``); the front adds what this topic depends on and moto lacks:

- one request at a time (a lock), so each request is atomic as in DynamoDB and the only races a learner
  can cause are the real ones, between *their* read and *their* write;
- expressions validated and conditions evaluated here (``expressions``), legacy ``Expected`` included;
- single writes (``writes``), transactions decided all-or-nothing (``transactions``), table states
  (``tables``), ``ClientRequestToken`` idempotency, consumed capacity (``capacity``);
- a trace of every request, which the race lab reads.

Some of what DynamoDB does cannot happen on one machine, so the front simulates it, off until a lesson
turns it on: throttled batch writes (``throttle``), transaction conflicts (``conflicts``: a transaction
holds its items between its prepare and commit phases, and the trace shows both phases), and stale reads
(``stale``: an eventually consistent read may see a version replaced within the lag; the trace marks it).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError

from . import reads, tables, transactions, writes
from .conflicts import Conflicts, InFlight
from .errors import DynamoError, internal_fault, unknown_operation
from .idempotency import Clock, Tokens
from .stale import StaleReads
from .store import Store
from .throttle import Throttling


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
    held: tuple[float, float] | None = None  # a transaction's hold: from prepared to commit (conflicts on)
    simulated: bool = False  # the outcome came from the conflict simulation (a hold or a refusal)
    token: str | None = None  # a transaction's ClientRequestToken: which attempts were one transaction
    principal: str | None = None  # the access key that signed the request (a study group's shared lab)
    member: str | None = None  # whose key that is
    consistent: bool = False  # the request asked for ConsistentRead (what a read's capacity is billed as)
    stale: bool = False  # the stale-read simulation served an older version of an item


class Front:
    """DynamoDB's behaviour over one moto account and region."""

    def __init__(self, region: str = "us-east-1", account: str = DEFAULT_ACCOUNT_ID, creating_seconds: float = 0.1):
        self.lock = threading.RLock()
        self.clock = Clock()
        self.tokens = Tokens(self.clock)
        self.store = Store(account, region, self.clock, creating_seconds)
        self.conflicts = Conflicts(self.clock)  # simulated, off until a lesson switches it on
        self.throttling = Throttling()  # simulated, off until a lesson sets a table's share
        self.stale = StaleReads(self.clock)  # simulated, off until a lesson switches it on
        self.trace: deque[TraceEntry] = deque(maxlen=100_000)

    def since(self, began: float, operation: str | None = None) -> list[TraceEntry]:
        """The requests (of ``operation``, if given) that started at or after ``began``, a ``time.perf_counter()``
        reading: found by time, since the trace keeps only its last 100,000 requests and, once it is full, a
        position taken before them finds nothing after it."""
        return [entry for entry in list(self.trace)
                if entry.start >= began and (operation is None or entry.operation == operation)]

    @property
    def creating_seconds(self) -> float:
        """How long a new table stays CREATING (simulated; a lesson may hold it open to look at it)."""
        return self.store.creating_seconds

    @creating_seconds.setter
    def creating_seconds(self, seconds: float) -> None:
        self.store.creating_seconds = seconds

    def handle(self, operation: str, params: dict, principal: str | None = None,
               member: str | None = None) -> tuple[int, dict]:
        """Answer one request: (HTTP status, JSON body). ``principal`` and ``member``: who signed it, where
        the lab checks signatures (the trace keeps them)."""
        start = time.perf_counter()
        units, held, simulated = 0.0, None, False
        try:
            handler = self._handler(operation)
            with self.lock:
                answer = handler(self, operation, params)
            if isinstance(answer, InFlight):  # prepared: it holds its items while other requests run
                flight, simulated = answer, True
                try:
                    answer = flight.commit_when_due(self.lock)
                finally:
                    held = flight.window
            body, units = answer
            status, code = 200, None
        except DynamoError as error:
            status, code, body, units = error.status, error.code, error.body(), error.capacity
            simulated = simulated or error.simulated
        except JsonRESTError as error:  # moto's own answer for what the front leaves to it
            status, body = error.code, json.loads(error.description)
            code = body.get("__type", "").split("#")[-1]
        except Exception as error:  # a fault of the lab's, answered as DynamoDB answers its own faults
            fault = internal_fault(operation, error)
            status, code, body = fault.status, fault.code, fault.body()
        stale = self.stale.on and self.stale.took_stale()
        self.trace.append(TraceEntry(operation, params.get("TableName"), threading.current_thread().name,
                                     start, time.perf_counter(), status, code, units, held, simulated,
                                     params.get("ClientRequestToken"), principal, member,
                                     bool(params.get("ConsistentRead")), stale))
        return status, body

    def _handler(self, operation: str):
        """The front's own handler, else moto's for an operation moto implements, else DynamoDB's refusal."""
        own = _HANDLERS.get(operation)
        if own is not None:
            return own
        if self.store.implements(_snake(operation)):
            return Front.passthrough
        raise unknown_operation()

    def passthrough(self, operation: str, params: dict) -> tuple[dict, float]:
        """moto's answer, for what the front leaves to moto (ListTables, BatchGetItem, tags...)."""
        result = self.store.call(_snake(operation), params)
        if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
            result.pop("ConsumedCapacity", None)
        return result, 0.0


_HANDLERS = {
    "PutItem": writes.single_write, "UpdateItem": writes.single_write, "DeleteItem": writes.single_write,
    "GetItem": reads.get_item, "Query": reads.query_or_scan, "Scan": reads.query_or_scan,
    "BatchGetItem": reads.batch_get_item,
    "BatchWriteItem": writes.batch_write_item,
    "TransactWriteItems": transactions.transact_write_items, "TransactGetItems": transactions.transact_get_items,
    "CreateTable": tables.create_table, "DescribeTable": tables.describe_table, "DeleteTable": tables.delete_table,
}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
