"""One palette for every view of a race: the table's row tints and the timeline's bars agree."""

from __future__ import annotations

# outcome kind -> (pale tint for table rows, strong colour for timeline bars, legend label)
KINDS = {
    "succeeded": ("#dff0d8", "#2e7d32", "succeeded"),
    "condition": ("#f8d7da", "#c62828", "ConditionalCheckFailedException"),
    "cancelled": ("#e8dcf5", "#6a1b9a", "TransactionCanceledException"),
    "error": ("#fff3cd", "#e0a800", "other error"),
}


def kind_of(outcome: str) -> str:
    """The palette entry for an outcome label ('succeeded' or an error code)."""
    return {"succeeded": "succeeded", "ConditionalCheckFailedException": "condition",
            "TransactionCanceledException": "cancelled"}.get(outcome, "error")
