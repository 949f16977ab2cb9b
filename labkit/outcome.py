"""Run one request and keep what happened: the answer, or the error DynamoDB gave and why."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError, ParamValidationError

from .palette import KINDS, kind_of

_plain = TypeDeserializer()


def plain(item: dict | None) -> dict | None:
    """A DynamoDB-JSON item as plain Python values (what boto3's Table resource would show)."""
    return None if item is None else {k: _plain.deserialize(v) for k, v in item.items()}


@dataclass(repr=False)
class Outcome:
    """What one request did: succeeded, or which error, with the item and reasons DynamoDB sent back."""

    operation: str
    succeeded: bool
    code: str | None = None
    message: str | None = None
    item: dict | None = None
    reasons: list[str] = field(default_factory=list)
    capacity: object = None
    latency_ms: float = 0.0
    response: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "succeeded" if self.succeeded else self.code

    def _repr_html_(self) -> str:
        colour = KINDS[kind_of(self.label)][1]
        rows = [("operation", self.operation), ("outcome", self.label), ("message", self.message),
                ("item", self.item), ("cancellation reasons", self.reasons or None),
                ("consumed capacity", self.capacity), ("latency", f"{self.latency_ms:.1f} ms")]
        cells = []
        for name, value in rows:
            if value is None:
                continue
            style = f";color:{colour};font-weight:bold" if name == "outcome" else ""
            cells.append(f"<tr><th style='text-align:left'>{name}</th>"
                         f"<td style='text-align:left{style}'>{html.escape(str(value))}</td></tr>")
        body = "".join(cells)
        return f"<table class='labkit-outcome'>{body}</table>"

    def __repr__(self) -> str:
        return f"{self.operation}: {self.label}" + (f" ({self.message})" if self.message else "")


def attempt(call, *args, **kwargs) -> Outcome:
    """Call ``call(*args, **kwargs)`` (a boto3 client method or any function that makes one request)
    and return its Outcome instead of raising."""
    name = getattr(call, "__name__", "request")
    start = time.perf_counter()
    try:
        response = call(*args, **kwargs) or {}
    except ClientError as error:
        body = error.response
        reasons = body.get("CancellationReasons") or []
        return Outcome(name, False, body["Error"]["Code"], body["Error"].get("Message"), plain(body.get("Item")),
                       [r.get("Code") for r in reasons], latency_ms=(time.perf_counter() - start) * 1000, response=body)
    except ParamValidationError as error:  # botocore refused to send it at all
        return Outcome(name, False, "ParamValidationError", str(error), latency_ms=(time.perf_counter() - start) * 1000)
    item = response.get("Attributes", response.get("Item"))
    return Outcome(name, True, item=plain(item), capacity=response.get("ConsumedCapacity"),
                   latency_ms=(time.perf_counter() - start) * 1000, response=response)
