"""No walls of output: every chapter after Run All, and each widget after its largest action, at 1400 px wide.

An output taller than 1,200 px is a wall the learner scrolls past to find the next lesson: a result shows its
point first and the rest in a box that scrolls inside itself, or under a disclosure. A chapter's
check-yourself quiz, a form of questions, may be longer. The chapters are measured in the pages the other
browser tests run (one Run All per chapter); the tallest outputs are kept as screenshots under
``test-artifacts/output-heights/`` and every height measured in ``test-artifacts/output-heights.json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
LIMIT_PX = 1200
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
RACE_LAB, TRANSACTIONS, EXAM_PREP = "02_race_lab.ipynb", "07_transactions.ipynb", "09_exam_prep.ipynb"
SCREENSHOTS_PER_PAGE = 3
RENDER_TIMEOUT_MS = 30_000


def walls(chapter, label: str) -> list[str]:
    """The outputs taller than the limit, tallest first; every height is recorded, and the tallest walls
    (or, with none, the tallest output) photographed."""
    heights = chapter.output_heights()
    ARTIFACTS.mkdir(exist_ok=True)
    record = ARTIFACTS / "output-heights.json"
    measured = json.loads(record.read_text()) if record.exists() else {}
    measured[label] = heights
    record.write_text(json.dumps(measured, indent=1))
    ranked = sorted(heights, key=lambda h: -h["height"])
    tall = [h for h in ranked if h["height"] > LIMIT_PX]
    for h in tall[:SCREENSHOTS_PER_PAGE] or ranked[:1]:  # the walls, or else the tallest output
        name = re.sub(r"[^\w.-]+", "_", f"{label}-cell{h['cell']}-{h['height']}px") + ".png"
        chapter.screenshot_output(h["cell"], ARTIFACTS / "output-heights" / name)
    return [f"{label}: cell {h['cell']} is {h['height']} px tall" for h in tall]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_output_of_a_chapter_is_a_wall_after_run_all(open_chapter, name):
    assert walls(open_chapter(f"notebooks/{name}"), name) == []


def test_the_measure_sees_a_wall_and_spares_a_scroll_box_and_the_quiz(jupyter_lab, open_chapter):
    """A 3,000 px output fails; the same inside a 400 px box that scrolls passes; a quiz passes at any length."""
    block = "<div style='height:3000px;background:#eee'>tall</div>"
    path = jupyter_lab.write("detector/walls.ipynb", f"from IPython.display import HTML; HTML({block!r})",
                             f"HTML(\"<div style='max-height:400px;overflow:auto'>\" + {block!r} + '</div>')",
                             "from labkit.quiz import quiz_widget; quiz_widget('start_here')")
    chapter = open_chapter(path)
    heights = {h["cell"]: h for h in chapter.output_heights()}
    assert heights[2]["quiz"] > 0, heights  # the quiz was recognised (and would be a wall if it counted)
    assert [w.split(": ", 1)[1] for w in walls(chapter, "detector")] == [f"cell 0 is {heights[0]['height']} px tall"]
    assert heights[0]["height"] >= 3000 and heights[1]["height"] < 500, heights


def _widget(kind: str) -> str:
    """Kernel code naming ``w`` the chapter's first ``kind`` widget (``labkit.views``)."""
    return (f"import ipywidgets\nfrom labkit.views import {kind}\n"
            f"w = next(x for x in list(ipywidgets.Widget.widgets.values()) if isinstance(x, {kind}))\n")


def walls_after_largest_fire(chapter, kind: str, controls: str, values: str, fire: str, table_class: str,
                             label: str) -> list[str]:
    """Set the widget's ``controls`` to ``values`` (kernel code), click its Fire (``fire``, a selector), wait
    for the new table it draws, and measure; the controls are put back after, for the tests sharing the page."""
    assert chapter.execute(_widget(kind) + f"_kept = {controls}\n{controls} = {values}") == "ok"
    try:
        chapter.page.evaluate(f"() => document.querySelectorAll('table.{table_class}')"
                              ".forEach(t => t.dataset.old = '1')")
        button = chapter.page.locator(fire).first
        button.scroll_into_view_if_needed()
        chapter.click(button)
        chapter.page.locator(f"table.{table_class}:not([data-old])").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        return walls(chapter, label)
    finally:
        chapter.execute(_widget(kind) + f"{controls} = _kept")


def test_the_race_lab_is_no_wall_after_firing_64_writers(open_chapter):
    """The largest race: 64 writers, staged, every writer retrying at once."""
    assert walls_after_largest_fire(
        open_chapter(f"notebooks/{RACE_LAB}"), "RaceLab",
        "w.scenario.value, w.variant.value, w.writers.value, w.mode.value, w.retry.value",
        "'optimistic_lock', 'guarded', 64, 'staged', 'immediate'", ".labkit-race-lab .labkit-fire",
        "labkit-race-table", f"{RACE_LAB} after Fire at 64 writers") == []


def test_the_conflict_lab_is_no_wall_at_its_largest_settings(open_chapter):
    """Every slider at its maximum, retries on."""
    sliders = ["transactions", "single_writes", "hot_items", "hold_ms"]
    assert walls_after_largest_fire(
        open_chapter(f"notebooks/{TRANSACTIONS}"), "ConflictLab",
        ", ".join(f"w.{s}.value" for s in [*sliders, "retry"]),
        ", ".join(f"w.{s}.max" for s in sliders) + ", 'backoff'",
        ".jp-Cell-outputArea:has-text('hold (ms') .labkit-fire", "labkit-conflict-table",
        f"{TRANSACTIONS} after Fire at the largest settings") == []


def test_the_mock_exam_is_no_wall_after_finish(open_chapter):
    chapter = open_chapter(f"notebooks/{EXAM_PREP}")
    exam = chapter.page.locator(".labkit-exam").first
    score = exam.locator(".labkit-exam-score").first
    if "Scaled score" not in score.inner_text():  # another test may have finished it in this page already
        chapter.click(exam.locator(".labkit-exam-finish").first)
    score.filter(has_text="Scaled score").wait_for(timeout=RENDER_TIMEOUT_MS)
    assert walls(chapter, f"{EXAM_PREP} after Finish") == []
