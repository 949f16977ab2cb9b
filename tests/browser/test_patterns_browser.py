"""Chapter 4 in JupyterLab: its race lab fires the unique-email race with real threads, naive then guarded."""

from __future__ import annotations

import pytest

from .test_chapters_in_browser import fire

pytestmark = pytest.mark.browser

CHAPTER = "notebooks/04_patterns.ipynb"


def test_unique_email_race_lets_every_writer_in_naive_and_one_guarded(open_chapter):
    chapter = open_chapter(CHAPTER)
    naive = fire(chapter)  # the widget opens on the naive variant
    assert len(naive) >= 2 and set(naive) == {"succeeded"}, naive
    chapter.page.locator(".widget-toggle-button", has_text="guarded").first.click()
    guarded = fire(chapter)
    assert guarded.count("succeeded") == 1, guarded
    assert set(guarded) == {"succeeded", "TransactionCanceledException"}, guarded
