"""Stale reads, simulated: the replica lag behind DynamoDB's eventually consistent reads.

An eventually consistent read (DynamoDB's default) may not reflect a write that has just completed; read
again a little later and it does (Developer Guide, "DynamoDB read consistency").
The lab keeps one copy, so it would never show this. With the simulation on, the lab keeps, per item, the
versions that were replaced within the lag (on the lab's clock, which lessons can advance), and an
eventually consistent read of that item may see one of them instead of the current one: an older
committed version, or no item when it did not exist then. Which reads are stale, and which version each
sees, is drawn from a seeded generator, so a lesson tells the same story on every run.

What is always current, as in DynamoDB: ``ConsistentRead=True``, ``TransactGetItems``, and every
condition (they read the item as it is; this module is never asked). A read of a global secondary index
is always eventually consistent. Simulated, not measured: how long DynamoDB's copies lag is not
documented as a figure, so the lag and the share of stale reads are the lesson's choice.

Off by default; every write handler asks one cheap question (``on``) and does nothing more when it is off.
"""

from __future__ import annotations

import random
import threading
from collections import deque

from .conflicts import item_id


class StaleReads:
    """The versions replaced within the lag, and which eventually consistent reads see one of them.
    Read and changed only under the front's lock."""

    def __init__(self, clock):
        self.clock = clock
        self.on = False  # a plain attribute: the one check every write and read makes when it is off
        self.lag = 0.0
        self.share = 0.0
        self.seed: int | None = None
        self.tables: frozenset | None = None  # None: every table
        self._draw = random.Random()
        self._versions: dict[str, deque] = {}  # item -> (replaced at, the version replaced), oldest first
        self._order: deque = deque()  # (replaced at, item), every table: what to forget when the lag passes
        self._local = threading.local()  # whether the request this thread is answering was served stale

    def settings(self) -> tuple | None:
        return (self.lag, self.share, self.seed, self.tables) if self.on else None

    def switch(self, settings: tuple | None) -> None:
        """On with (lag seconds, share of reads, seed, tables or None), or off with None. Either way the
        versions kept so far are forgotten and the seed starts again: a lesson's story starts here."""
        self._versions.clear()
        self._order.clear()
        self._local = threading.local()  # no thread's mark from before carries over
        if settings is None:
            self.on, self.tables = False, None
            return
        lag, share, seed, tables = settings
        if not lag > 0:
            raise ValueError("lag_seconds must be a number of seconds, more than 0")
        if not 0 <= share <= 1:
            raise ValueError(f"share must be between 0 and 1, not {share}")
        self.lag, self.share, self.seed = float(lag), float(share), seed
        self.tables = None if tables is None else frozenset(tables)
        self._draw = random.Random(seed)
        self.on = True

    def covers(self, table_name: str) -> bool:
        return self.tables is None or table_name in self.tables

    def describe(self) -> str:
        if not self.on:
            return "stale reads: off, every read is current (lab.stale_reads() simulates replica lag)"
        where = "every table" if self.tables is None else ", ".join(sorted(self.tables))
        return (f"stale reads: on ({where}), about {self.share:.0%} of the eventually consistent reads of an item "
                f"written within the last {self.lag:g} s of the lab's clock see an older version (seed {self.seed}); "
                "ConsistentRead=True, transactions and conditions always see the current one")

    # -- writes ----------------------------------------------------------------------------------------

    def wrote(self, table_name: str, key: dict, old: dict | None) -> None:
        """``old`` (None: no item) stopped being the current version of the item just now."""
        if not self.covers(table_name):
            return
        now = self.clock.now()
        ident = item_id(table_name, key)
        self._versions.setdefault(ident, deque()).append((now, old))
        self._order.append((now, ident))
        self._forget_before(now - self.lag)

    def forget_table(self, table_name: str) -> None:
        """A deleted table's versions go with it (a new table of that name starts with none)."""
        prefix = item_id(table_name, {})[:-1]  # the table's name and the key's opening brace
        for ident in [i for i in self._versions if i.startswith(prefix)]:
            del self._versions[ident]

    def _forget_before(self, horizon: float) -> None:
        order, versions = self._order, self._versions
        while order and order[0][0] < horizon:
            _, ident = order.popleft()
            kept = versions.get(ident)
            if kept:
                kept.popleft()  # an item's versions are kept in the order they were written, as here
                if not kept:
                    del versions[ident]

    # -- reads -----------------------------------------------------------------------------------------

    def seen(self, table_name: str, key: dict, current: dict | None) -> dict | None:
        """The version of an item that one eventually consistent read sees: the current one, or, drawn
        from the seed, one that was current at some moment within the lag."""
        self._forget_before(self.clock.now() - self.lag)
        kept = self._versions.get(item_id(table_name, key))
        if not kept or self._draw.random() >= self.share:
            return current
        self._local.stale = True
        return kept[self._draw.randrange(len(kept))][1]

    def seen_in_answer(self, table, item: dict) -> dict | None:
        """An item of a Query, Scan or BatchGetItem answer as one eventually consistent read sees it: the
        same attributes (an index may project only some), from the version it sees; None: not there then."""
        key = {n: item[n] for n in (table.hash_key_attr, table.range_key_attr) if n and n in item}
        version = self.seen(table.name, key, item)
        if version is item or version is None:
            return version
        return {name: value for name, value in version.items() if name in item}

    def took_stale(self) -> bool:
        """Whether this thread's request was served a stale version (asked once per request, then reset)."""
        stale = getattr(self._local, "stale", False)
        self._local.stale = False
        return stale


class Switch:
    """A lesson's handle on the stale-read simulation: on from creation, and back to what it was before at
    ``off()`` or the end of a ``with`` block. ``stale`` is None on a backend that is not the lab's own
    DynamoDB: there nothing is simulated, and its reads are as stale as that server makes them."""

    def __init__(self, stale: StaleReads | None, lock, settings: tuple, backend: str):
        self.stale, self.lock, self.backend = stale, lock, backend
        self._before = None
        if stale is not None:
            with lock:
                self._before = stale.settings()
                stale.switch(settings)

    def off(self) -> None:
        if self.stale is not None:
            with self.lock:
                self.stale.switch(self._before)

    def __enter__(self) -> Switch:
        return self

    def __exit__(self, *exc) -> None:
        self.off()

    def __repr__(self) -> str:
        if self.stale is None:
            return f"stale reads: not simulated on the {self.backend} backend, which is not the lab's own DynamoDB"
        return ("simulated: " if self.stale.on else "") + self.stale.describe()
