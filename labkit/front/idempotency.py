"""ClientRequestToken, as the TransactWriteItems API reference describes it.

A token is remembered for 10 minutes after its request completes. Within that window a replay with the
same parameters changes nothing and succeeds; the same token with other parameters is an
``IdempotentParameterMismatchException``. The window runs on the lab's clock, which a lesson can advance
instead of waiting ten real minutes.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .errors import idempotent_mismatch

TOKEN_LIFETIME_SECONDS = 600


class Clock:
    """Wall-clock time plus an offset that lessons can advance.

    Whatever waits on the lab's clock (a simulated transaction holding its items) wakes when the time it
    waits for has passed, in real time or because a lesson moved the clock on.
    """

    def __init__(self):
        self.offset = 0.0
        self._moved = threading.Condition()

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        with self._moved:
            self.offset += seconds + 60 * minutes
            self._moved.notify_all()

    def wake(self) -> None:
        """Make every waiter look at its deadline again (it may have moved)."""
        with self._moved:
            self._moved.notify_all()

    def wait_until(self, deadline: Callable[[], float]) -> None:
        """Block until the clock reaches ``deadline()``, read again whenever the clock moves or ``wake`` is called."""
        with self._moved:
            while (left := deadline() - self.now()) > 0:
                self._moved.wait(left)


class OwnTime:
    """The time of a DynamoDB that is not the lab's own (an endpoint, AWS): a lesson cannot advance it."""

    def __init__(self, backend: str):
        self.backend = backend

    def now(self) -> float:
        return time.time()

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        print(f"(the {self.backend} backend keeps its own time: the lab cannot move it on, so its "
              "windows close only as real time passes)")


@dataclass
class _Entry:
    fingerprint: str
    keys: list  # (table, key) of every item the transaction wrote: what a replay reads again
    completed_at: float


class Tokens:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._entries: dict[str, _Entry] = {}

    @staticmethod
    def fingerprint(params: dict) -> str:
        return json.dumps({k: v for k, v in params.items() if k != "ClientRequestToken"}, sort_keys=True, default=str)

    def replay(self, token: str, params: dict) -> list | None:
        """The keys the first request wrote, for a replay; None for a new token; raises on a mismatch."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        if self.clock.now() - entry.completed_at > TOKEN_LIFETIME_SECONDS:
            del self._entries[token]
            return None
        if entry.fingerprint != self.fingerprint(params):
            raise idempotent_mismatch()
        return entry.keys

    def remember(self, token: str, params: dict, keys: list) -> None:
        self._entries[token] = _Entry(self.fingerprint(params), keys, self.clock.now())
