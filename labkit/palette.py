"""One palette for every outcome shown: an Outcome, the race table's row tints and the timeline's bars agree.

Plain data with no imports, so that any layer can colour an outcome without loading a view.
"""

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


def in_outcome_order(outcomes) -> list[str]:
    """Outcome labels in the one order every summary lists them: succeeded, failed conditions, cancelled
    transactions, then any other error by name."""
    kinds = list(KINDS)
    return sorted(set(outcomes), key=lambda outcome: (kinds.index(kind_of(outcome)), outcome))
