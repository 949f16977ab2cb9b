"""What a writer does after losing a retryable race: give up, try again at once, or back off with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How often a writer may try its whole program (read, decide, write), and how long it waits between.

    Pauses are counted in ``base_seconds`` units: real sleeps in threads mode, skipped rounds in staged mode.
    """

    name: str
    max_attempts: int
    backoff: bool = False
    base_seconds: float = 0.001
    cap: int = 32

    def pause(self, retry: int, rng: random.Random) -> float:
        """Units to wait before retry number ``retry`` (1, 2, ...): full jitter, as AWS's SDKs do it."""
        if not self.backoff:
            return 0.0
        return rng.uniform(0, min(self.cap, 2 ** retry))


RETRY_POLICIES = {
    "none": RetryPolicy("none", max_attempts=1),
    "immediate": RetryPolicy("immediate", max_attempts=8),
    "backoff": RetryPolicy("backoff", max_attempts=8, backoff=True),
}


def retry_policy(policy: str | RetryPolicy) -> RetryPolicy:
    if isinstance(policy, RetryPolicy):
        return policy
    try:
        return RETRY_POLICIES[policy]
    except KeyError:
        raise ValueError(f"unknown retry policy {policy!r}: choose one of {', '.join(RETRY_POLICIES)}") from None
