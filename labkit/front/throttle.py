"""Throttling, simulated: a lesson makes a share of a table's batch writes come back unprocessed.

On AWS a BatchWriteItem returns the requests that a partition could not take right now in
``UnprocessedItems``, to be retried with backoff; if it could take none of them, the whole call fails with
``ProvisionedThroughputExceededException``. Nothing on one machine runs out of capacity, so the lab draws
which requests are throttled, from a seeded random generator so that a lesson tells the same story every
run. Off by default; what it throttles is counted, so that a lesson can show it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class _Rule:
    share: float
    draw: random.Random
    throttled: int = 0


@dataclass
class Throttling:
    rules: dict = field(default_factory=dict)  # table name -> _Rule

    def set(self, table: str, share: float, seed: int | None = None) -> None:
        """Throttle about ``share`` (0 to 1) of the batch write requests to ``table``."""
        if not 0 <= share <= 1:
            raise ValueError(f"share must be between 0 and 1, not {share}")
        self.rules[table] = _Rule(share, random.Random(seed))

    def clear(self, table: str | None = None) -> None:
        """Stop throttling ``table`` (every table when None)."""
        if table is None:
            self.rules.clear()
        else:
            self.rules.pop(table, None)

    def throttled(self, table: str) -> int:
        """How many requests to ``table`` were sent back unprocessed so far."""
        rule = self.rules.get(table)
        return rule.throttled if rule else 0

    def split(self, table: str, requests: list) -> tuple[list, list]:
        """(the requests to carry out, the ones to send back in UnprocessedItems)."""
        rule = self.rules.get(table)
        if rule is None:
            return requests, []
        kept, unprocessed = [], []
        for request in requests:
            (unprocessed if rule.draw.random() < rule.share else kept).append(request)
        rule.throttled += len(unprocessed)
        return kept, unprocessed
