"""The transactions chapter as a learner runs it: Run All in JupyterLab, then the conflict lab fired, first
under heavy contention, then with retries switched on, reading the outcome table from the page."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

CHAPTER = "notebooks/07_transactions.ipynb"
RENDER_TIMEOUT_MS = 15_000
TABLE = "table.labkit-conflict-table"


def fire(chapter) -> dict[str, dict[str, int]]:
    """Click Fire; return the outcome table the click drew: kind of writer -> how they ended -> how many."""
    chapter.page.locator(TABLE).evaluate_all("tables => tables.forEach(t => t.dataset.drawn = 'before')")
    chapter.click(chapter.page.locator(".labkit-fire").first)
    drawn = chapter.page.locator(f"{TABLE}:not([data-drawn])")
    try:
        drawn.wait_for(timeout=RENDER_TIMEOUT_MS)
    except PlaywrightTimeout as error:
        raise AssertionError("clicking Fire drew no outcome table") from error
    header, *rows = [row.locator("th, td").all_inner_texts() for row in drawn.locator("tr").all()]
    return {row[0]: {column: int(count) for column, count in zip(header[1:], row[1:]) if int(count)} for row in rows}


def kernel_agrees(chapter, condition: str, timeout_s: float = 15) -> None:
    """Wait until the kernel sees what the page did (a toggle's new value travels as a comm message)."""
    deadline = time.monotonic() + timeout_s
    while chapter.execute(f"assert {condition}") != "ok":
        assert time.monotonic() < deadline, f"the kernel never saw {condition}"
        time.sleep(0.2)  # polling a real condition: the widget's value in the kernel


def test_the_conflict_lab_shows_conflicts_then_every_writer_committing_with_retries(open_chapter):
    chapter = open_chapter(CHAPTER)
    assert chapter.problems() == []
    # heavy contention: twelve transactions and four single writes on two items, each transaction holding 40 ms
    assert chapter.execute("w = conflict_widget; w.transactions.value, w.single_writes.value = 12, 4; "
                           "w.hot_items.value, w.hold_ms.value = 2, 40") == "ok"
    crowded = fire(chapter)
    assert sum(crowded["transaction"].values()) == 12 and sum(crowded["single write"].values()) == 4, crowded
    assert crowded["transaction"].get("cancelled: TransactionConflict", 0) > 0, crowded
    assert set(crowded["transaction"]) <= {"succeeded", "cancelled: TransactionConflict"}, crowded
    assert set(crowded["single write"]) <= {"succeeded", "TransactionConflictException"}, crowded
    assert "HELD" in chapter.page.locator(".labkit-conflict-summary").last.inner_text()

    chapter.page.get_by_role("button", name="backoff + same token").click()  # as the learner switches retries on
    kernel_agrees(chapter, "conflict_widget.retry.value == 'backoff'")
    retried = fire(chapter)
    assert retried == {"transaction": {"succeeded": 12}, "single write": {"succeeded": 4}}, retried
    assert "HELD" in chapter.page.locator(".labkit-conflict-summary").last.inner_text()
