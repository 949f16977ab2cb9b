"""Contention: transactions and single writes fired together at a few hot items, with conflicts simulated.

Every writer adds one to its items' counters: a transaction to two hot items in one TransactWriteItems, a
single writer to one item with UpdateItem. Each transaction holds its items for ``hold_ms`` between its
prepare and commit phases (the lab's conflict simulation), so requests that arrive meanwhile are refused:
transactions cancelled with ``TransactionConflict``, single writes with ``TransactionConflictException``.
With ``retry="backoff"`` a refused writer waits a random time below a ceiling that doubles (full jitter)
and sends the same request again, a transaction with the same ``ClientRequestToken``.

The invariant: the counters add up to the increments that were committed, each counted once.
Nothing here draws: ``labkit.views.conflicts`` shows a result.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Callable

from botocore.exceptions import ClientError

from .stage import fresh_table

TABLE, KEY = "HotItems", "ItemId"
RETRIES = ("none", "backoff")
MAX_ATTEMPTS = 12
MAX_WRITERS = 32
_REFUSED = {"TransactionConflictException", "TransactionInProgressException"}


def add_one(client, items: list[str], token: str):
    """A transaction: one more on every item, all or nothing."""
    return client.transact_write_items(ClientRequestToken=token, TransactItems=[
        {"Update": {"TableName": TABLE, "Key": {KEY: {"S": item}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}} for item in items])


def add_one_single(client, item: str):
    """A single write: one more on one item."""
    return client.update_item(TableName=TABLE, Key={KEY: {"S": item}}, UpdateExpression="ADD n :one",
                              ExpressionAttributeValues={":one": {"N": "1"}})


@dataclass
class Contention:
    """One run: its settings, one row per attempt (a pandas DataFrame), and the counters it left."""

    transactions: int
    single_writes: int
    hot_items: int
    hold_ms: float
    retry: str
    simulated: str  # what the lab simulated during the run, in words
    frame: object
    counters: dict

    @property
    def finals(self):
        """Each writer's last attempt: how it ended."""
        return self.frame.groupby("writer", sort=True).tail(1)

    @property
    def committed_increments(self) -> int:
        finals = self.finals
        return int(finals.loc[finals["outcome"] == "succeeded", "items"].str.count(",").add(1).sum())

    @property
    def held(self) -> bool:
        """The invariant: the counters add up to the committed increments, no more, no less."""
        return sum(self.counters.values()) == self.committed_increments

    def by_outcome(self):
        """Writers by kind and by how they ended (the reason, for a cancelled transaction)."""
        import pandas as pd

        finals = self.finals
        table = pd.crosstab(finals["kind"], finals["ended"]).reindex(["transaction", "single write"], fill_value=0)
        return table.reindex(columns=sorted(table.columns, key=lambda c: (c != "succeeded", c)))

    def attempts(self):
        """Every attempt, retries included, by how it ended."""
        return self.frame.groupby(["kind", "ended"]).size().unstack(fill_value=0)


def ended(code: str | None, reasons: list[str]) -> str:
    """An attempt's outcome in a few words: succeeded, the cancellation's reasons, or the error's code."""
    if code is None:
        return "succeeded"
    if code == "TransactionCanceledException":
        return "cancelled: " + ", ".join(sorted({r for r in reasons if r != "None"}))
    return code


def contend(lab, *, transactions: int = 6, single_writes: int = 2, hot_items: int = 3, hold_ms: float = 20,
            retry: str = "none", seed: int = 0, progress: Callable[[int], None] | None = None) -> Contention:
    """Fire ``transactions`` transactions and ``single_writes`` single writes at ``hot_items`` items at once,
    with conflicts simulated (each transaction holds its items ``hold_ms``); return every attempt.
    ``progress(finished)``, if given, is called from a writer's thread each time one more writer is done."""
    import pandas as pd

    if retry not in RETRIES:
        raise ValueError(f"retry must be one of {', '.join(RETRIES)}")
    if not (0 <= transactions <= MAX_WRITERS and 0 <= single_writes <= MAX_WRITERS and transactions + single_writes):
        raise ValueError(f"between 1 and {2 * MAX_WRITERS} writers: up to {MAX_WRITERS} of each kind")
    if not 1 <= hot_items <= 10:
        raise ValueError("hot_items must be between 1 and 10")
    items = [f"item-{n}" for n in range(1, hot_items + 1)]
    fresh_table(lab.client, TABLE, KEY, [{KEY: {"S": item}, "n": {"N": "0"}} for item in items])
    rng = random.Random(seed)
    plans = [("transaction", sorted(rng.sample(items, min(2, hot_items)))) for _ in range(transactions)]
    plans += [("single write", [rng.choice(items)]) for _ in range(single_writes)]
    run = f"{time.time_ns():x}"  # tokens unique to this run, the same for every retry of one transaction
    clients = lab.clients(len(plans))
    front = getattr(lab, "front", None)
    zero: list[float] = []  # when the barrier released the writers
    barrier = threading.Barrier(len(plans), action=lambda: zero.append(time.perf_counter()))
    rows: list[list[dict]] = [[] for _ in plans]
    finished, counting = [0], threading.Lock()

    def writer(number: int) -> None:
        try:
            attempts(number)
        finally:
            if progress is not None:
                with counting:
                    finished[0] += 1
                    progress(finished[0])

    def attempts(number: int) -> None:
        kind, mine = plans[number]
        token = f"contend-{run}-{number}"
        backoff = random.Random(seed * 1000 + number)
        barrier.wait()
        for attempt in range(MAX_ATTEMPTS if retry == "backoff" else 1):
            start = time.perf_counter()
            code, reasons = None, []
            try:
                if kind == "transaction":
                    add_one(clients[number], mine, token)
                else:
                    add_one_single(clients[number], mine[0])
            except ClientError as error:
                code = error.response["Error"]["Code"]
                reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            rows[number].append({"writer": number + 1, "kind": kind, "attempt": attempt + 1, "items": ", ".join(mine),
                                 "outcome": code or "succeeded", "reasons": ", ".join(reasons),
                                 "ended": ended(code, reasons), "token": token if kind == "transaction" else None,
                                 "start": start, "end": time.perf_counter()})
            if code is None or not (code in _REFUSED or "TransactionConflict" in reasons):
                break
            ceiling = hold_ms / 1000 * min(16, 2 ** attempt)
            time.sleep(backoff.uniform(0, ceiling))

    with lab.conflicts(hold_seconds=hold_ms / 1000) as simulation:
        simulated = repr(simulation)
        threads = [threading.Thread(target=writer, args=(n,), name=f"labkit-contender-{n + 1}") for n in range(len(plans))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    frame = pd.DataFrame([row for writer_rows in rows for row in writer_rows])
    frame = _with_holds(frame, front, zero[0])
    counters = {item: 0 for item in items}
    for item in lab.client.scan(TableName=TABLE, ConsistentRead=True)["Items"]:
        counters[item[KEY]["S"]] = int(item["n"]["N"])
    return Contention(transactions, single_writes, hot_items, hold_ms, retry, simulated, frame, counters)


def _with_holds(frame, front, zero: float):
    """Times in ms since the writers were released, and each committed transaction's hold from the trace."""
    holds = {}
    if front is not None:
        for entry in list(front.trace):
            if entry.held and entry.token and entry.start >= zero:
                holds[(entry.token, round(entry.start, 6))] = entry.held
    held_start, held_end = [], []
    for row in frame.itertuples():
        window = next((w for (token, began), w in holds.items()
                       if token == row.token and row.start <= began <= row.end), None)
        held_start.append(None if window is None else (window[0] - zero) * 1000)
        held_end.append(None if window is None else (window[1] - zero) * 1000)
    frame = frame.assign(start=(frame["start"] - zero) * 1000, end=(frame["end"] - zero) * 1000,
                         held_start=held_start, held_end=held_end)
    return frame.sort_values(["start", "writer"], kind="stable").reset_index(drop=True)
