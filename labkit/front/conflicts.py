"""Transaction conflicts, simulated: DynamoDB's item locks, which one process could otherwise never meet.

DynamoDB runs a TransactWriteItems in two phases: *prepare* (every condition checked, every item marked as
part of the transaction) and *commit* (the writes applied). Between the two, its items are held. In the lab
every request runs alone under the front's lock, so no request could ever arrive while a transaction is
in flight. With the simulation on, a transaction that passes its checks is prepared and then holds its
items for a set time on the lab's clock before it commits. Its writes are really deferred: nothing sees
them before the commit. Every request that arrives in between meets the hold as it would in DynamoDB
(Developer Guide, "Transaction conflict handling"):

- PutItem, UpdateItem or DeleteItem on a held item: ``TransactionConflictException``;
- TransactWriteItems or TransactGetItems naming a held item: ``TransactionCanceledException``, reason
  ``TransactionConflict`` for that action, every other action its own reason;
- the same TransactWriteItems again, same ``ClientRequestToken``: ``TransactionInProgressException``;
- GetItem, Query and Scan: served, with the items as they were (the transaction has not committed).

A BatchWriteItem item that meets a held item comes back in ``UnprocessedItems``: DynamoDB documents no
answer for that case, and leaving an item unwritten for the caller to retry is the batch's own contract.

Off by default, so every other lesson sees transactions commit at once. Only lessons switch it on
(``Lab.conflicts``), and the lab's banner and trace say when it is on.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future
from typing import Callable

from .errors import CONFLICT_REASON, idempotent_mismatch, transaction_canceled, transaction_in_progress

_PREPARED_TIMEOUT_S = 30.0  # how long start() waits for a request to reach its hold before giving up


def item_id(table_name: str, key: dict) -> str:
    return table_name + json.dumps(key, sort_keys=True)


class InFlight:
    """A prepared transaction: it holds its items until its commit is due, then commits."""

    def __init__(self, conflicts: Conflicts, items: set[str], token: str | None, fingerprint: str | None,
                 commit: Callable[[], tuple[dict, float]]):
        self.conflicts, self.items, self.token, self.fingerprint = conflicts, items, token, fingerprint
        self._commit = commit
        self.commit_at = conflicts.clock.now() + conflicts.hold_seconds
        self.window: tuple[float, float] | None = None  # (prepared, commit began), perf_counter seconds

    def commit_when_due(self, lock) -> tuple[dict, float]:
        """Hold the items until the lab's clock reaches the commit time, then commit under ``lock``."""
        prepared = time.perf_counter()
        try:
            self.conflicts.clock.wait_until(lambda: self.commit_at)
        except BaseException:  # interrupted while holding: let go of the items, commit nothing
            with lock:
                self.conflicts.release(self)
            raise
        with lock:
            self.window = (prepared, time.perf_counter())
            try:
                return self._commit()
            finally:
                self.conflicts.release(self)


class Conflicts:
    """Which items transactions in flight hold. Read and changed only under the front's lock."""

    def __init__(self, clock):
        self.clock = clock
        self.hold_seconds: float | None = None  # None: the simulation is off
        self._held: dict[str, InFlight] = {}
        self._tokens: dict[str, InFlight] = {}
        self._prepared = threading.Condition()
        self.prepared_count = 0  # transactions that have reached their hold, ever

    @property
    def on(self) -> bool:
        return self.hold_seconds is not None

    def switch(self, hold_seconds: float | None) -> None:
        """Hold every transaction for ``hold_seconds`` from now on; None switches the simulation off, and
        the transactions still in flight commit at once."""
        if hold_seconds is not None and not hold_seconds >= 0:
            raise ValueError("hold_seconds must be a number of seconds, 0 or more")
        self.hold_seconds = hold_seconds
        if hold_seconds is None:
            for flight in set(self._held.values()):
                flight.commit_at = float("-inf")
            self.clock.wake()

    def describe(self) -> str:
        if not self.on:
            return "transaction conflicts: off, every transaction commits at once (lab.conflicts() switches them on)"
        return (f"transaction conflicts: on, every transaction holds its items {self.hold_seconds:g} s of the lab's "
                "clock between its prepare and commit phases, and requests that meet them are refused")

    # -- what requests meet ------------------------------------------------------------------------

    def holder(self, table_name: str, key: dict) -> InFlight | None:
        return self._held.get(item_id(table_name, key)) if self._held else None

    def check_token(self, token: str, fingerprint: str) -> None:
        """A retry of a transaction still in flight: TransactionInProgress, or a mismatch if it differs."""
        flight = self._tokens.get(token)
        if flight is not None:
            raise transaction_in_progress() if flight.fingerprint == fingerprint else idempotent_mismatch()

    def cancel_if_held(self, actions: list[tuple[str, dict]], reasons: list[dict]) -> None:
        """Cancel a transaction that names a held item: TransactionConflict for each held one, the reasons
        given for the others. ``actions`` are (table, key) in request order."""
        held = [self.holder(table, key) is not None for table, key in actions]
        if any(held):
            error = transaction_canceled([dict(CONFLICT_REASON) if h else r for h, r in zip(held, reasons)])
            error.simulated = True
            raise error

    # -- transactions in flight --------------------------------------------------------------------

    def hold(self, actions: list[tuple[str, dict]], token: str | None, fingerprint: str | None,
             commit: Callable[[], tuple[dict, float]]) -> InFlight:
        """Mark a prepared transaction's items as held; the front commits it when its time is due."""
        flight = InFlight(self, {item_id(t, k) for t, k in actions}, token, fingerprint, commit)
        for item in flight.items:
            self._held[item] = flight
        if token:
            self._tokens[token] = flight
        with self._prepared:
            self.prepared_count += 1
            self._prepared.notify_all()
        return flight

    def release(self, flight: InFlight) -> None:
        for item in flight.items:
            if self._held.get(item) is flight:
                del self._held[item]
        if flight.token and self._tokens.get(flight.token) is flight:
            del self._tokens[flight.token]

    def wait_for_hold(self, after: int, request: Future) -> None:
        """Block until a transaction beyond the first ``after`` holds its items, or ``request`` is over."""
        request.add_done_callback(lambda _: self._notify())
        with self._prepared:
            if not self._prepared.wait_for(lambda: self.prepared_count > after or request.done(),
                                           timeout=_PREPARED_TIMEOUT_S):
                raise TimeoutError(f"the request neither reached its hold nor finished in {_PREPARED_TIMEOUT_S:g} s")

    def _notify(self) -> None:
        with self._prepared:
            self._prepared.notify_all()


class Started(Future):
    """A request running on a thread of its own: ``result()`` waits for its answer (or raises its error)."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __repr__(self) -> str:
        if not self.done():
            return f"<{self.name}: in flight>"
        error = self.exception()
        if error is None:
            return f"<{self.name}: succeeded>"
        code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
        return f"<{self.name}: {code}>"


class Simulation:
    """A lesson's handle on the conflict simulation: on from creation, off at ``off()`` or the end of a
    ``with`` block. ``conflicts`` is None on a backend that is not the lab's own DynamoDB: there nothing
    is simulated and ``start`` simply runs the request.

    Call a TransactWriteItems through ``start`` when the same thread must go on sending requests while it is
    in flight: called directly, it returns only after its hold is over, as a real one returns after its
    commit.
    """

    def __init__(self, conflicts: Conflicts | None, lock, hold_seconds: float, backend: str):
        self.conflicts, self.lock, self.backend = conflicts, lock, backend
        if conflicts is not None:
            with lock:
                conflicts.switch(hold_seconds)

    def off(self) -> None:
        if self.conflicts is not None:
            with self.lock:
                self.conflicts.switch(None)

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc) -> None:
        self.off()

    def start(self, call: Callable, /, *args, **kwargs) -> Started:
        """Send ``call(*args, **kwargs)`` (one boto3 request) from a thread of its own, and return once the
        lab holds its items (a prepared transaction) or it has already finished (anything else)."""
        request = Started(getattr(call, "__name__", "request"))

        def run():
            try:
                request.set_result(call(*args, **kwargs))
            except BaseException as error:  # handed to whoever reads the result
                request.set_exception(error)

        before = self.conflicts.prepared_count if self.conflicts else 0
        thread = threading.Thread(target=run, name=f"labkit-{request.name}", daemon=True)
        thread.start()
        if self.conflicts is None:
            thread.join()
        else:
            self.conflicts.wait_for_hold(before, request)
        return request

    def __repr__(self) -> str:
        if self.conflicts is None:
            return (f"transaction conflicts: not simulated on the {self.backend} backend, which is not the "
                    "lab's own DynamoDB (transactions there commit as that server commits them)")
        return ("simulated: " if self.conflicts.on else "") + self.conflicts.describe()
