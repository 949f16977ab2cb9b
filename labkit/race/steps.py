"""What a writer yields: one step, a read or a write, made by a plain boto3 request function.

A request function takes a client (and whatever the writer decided) and makes exactly one boto3 call, so
the code a learner reads is the code they would write at work. The engine hands it a client that notes
which operation it called and under which condition, for the race table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

STALE_READ = "stale (simulated)"  # the attempts table's mark on a read that saw an older version of its item


@dataclass(frozen=True)
class Step:
    kind: str  # "read" or "write"
    request: Callable  # request(client, *args) makes one boto3 call
    args: tuple = ()


def read(request: Callable, *args) -> Step:
    """A step that reads: its outcome is sent back into the writer, which decides from it."""
    return Step("read", request, args)


def write(request: Callable, *args) -> Step:
    """A step that writes: the writer's last write decides whether it won."""
    return Step("write", request, args)


def condition_of(params: dict) -> str:
    """The condition a request carries, as the learner wrote it ('' when it has none)."""
    if params.get("ConditionExpression"):
        return params["ConditionExpression"]
    if params.get("Expected"):
        return "Expected " + json.dumps(params["Expected"], sort_keys=True)
    actions = params.get("TransactItems")
    if actions:
        return " | ".join(condition_of(body) or "-" for action in actions for body in action.values())
    return ""


class RecordingClient:
    """A boto3 client that remembers the operation and condition of the call made through it."""

    def __init__(self, client):
        self._client = client
        self.operation = ""
        self.condition = ""

    def __getattr__(self, name: str):
        method = getattr(self._client, name)
        if not callable(method) or name.startswith("_"):
            return method

        def call(*args, **kwargs):
            self.operation, self.condition = name, condition_of(kwargs)
            return method(*args, **kwargs)

        call.__name__ = name
        return call
