"""Chapter 4 in JupyterLab: its race lab fires the unique-email race with real threads, naive then guarded, and
stays within one screen at its largest races."""

from __future__ import annotations

import pytest

from .test_chapters_in_browser import fire
from .test_output_heights import LIMIT_PX, RENDER_TIMEOUT_MS, _widget

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


# The largest races the chapter's race lab offers: the summaries that grow with the writers (the items a race
# leaves, the moves it makes) and the stale-read race in each variant and mode; the stale-read fires come last,
# when the history of the earlier runs has filled its box.
LARGEST = [("unique_email", "naive", "staged"), ("payment_transitions", "naive", "staged"),
           *[("stale_balance", variant, mode) for variant in ("naive", "guarded", "consistent")
             for mode in ("threads", "staged")]]
CONTROLS = "w.scenario.value, w.variant.value, w.writers.value, w.mode.value, w.retry.value"


def test_the_race_lab_stays_within_one_screen_at_64_writers_in_every_stale_read_variant(open_chapter):
    chapter = open_chapter(CHAPTER)
    cell = next(i for i, c in enumerate(chapter.notebook["cells"]) if "race_lab(lab" in "".join(c["source"]))
    fire = chapter.page.locator(".labkit-race-lab .labkit-fire").first
    assert chapter.execute(_widget("RaceLab") + f"_kept = {CONTROLS}") == "ok"
    heights = {}
    try:
        for scenario, variant, mode in LARGEST:
            assert chapter.execute(_widget("RaceLab") + f"{CONTROLS} = {scenario!r}, {variant!r}, 64, {mode!r}, "
                                                        "'immediate'") == "ok"
            fire.scroll_into_view_if_needed()
            chapter.click(fire)
            chapter.page.locator(".labkit-race-lab .labkit-race-summary", has_text=f"{variant}, 64 writers, {mode}") \
                .first.wait_for(timeout=RENDER_TIMEOUT_MS)
            heights[(scenario, variant, mode)] = {h["cell"]: h["height"] for h in chapter.output_heights()}[cell]
    finally:
        chapter.execute(_widget("RaceLab") + f"{CONTROLS} = _kept")
    assert max(heights.values()) <= LIMIT_PX, heights
