"""Every chapter, run the way a learner runs it: JupyterLab in a browser, Run All Cells, then the widgets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RENDER_TIMEOUT_MS = 15_000  # what the kernel sent after a click, drawn by the page
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
RACE_LAB = "notebooks/02_race_lab.ipynb"
SCORE = re.compile(r"Score: (\d+) / (\d+)")


def _mentions_quiz(name: str) -> bool:
    cells = json.loads((ROOT / "notebooks" / name).read_text())["cells"]
    return any("quiz" in "".join(c["source"]).lower() for c in cells if c["cell_type"] == "code")


QUIZ_NOTEBOOKS = [name for name in NOTEBOOKS if _mentions_quiz(name)]
needs_race_lab = pytest.mark.skipif(not (ROOT / RACE_LAB).exists(), reason="the race lab is not written yet")

# The race table as the page draws it: every row's cell texts. The header row is the one naming "outcome".
# Tables drawn before the click are marked first, so that only the table the click produced is read.
MARK_OLD_TABLES_JS = "() => document.querySelectorAll('table.labkit-race-table').forEach(t => t.dataset.labkitOld = '1')"
NEW_TABLE_JS = """() => { const t = document.querySelector('table.labkit-race-table:not([data-labkit-old])');
  return t && [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim())); }"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_runs_without_errors(open_chapter, name):
    assert open_chapter(f"notebooks/{name}").problems() == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_opened_before_running_shows_its_widgets_as_text_not_errors(open_unrun, name):
    shown = open_unrun(f"notebooks/{name}").widget_outputs()
    assert [text for text in shown if "Error displaying widget" in text] == []
    assert all(text.startswith("Run this cell") for text in shown), shown


def fire(chapter) -> list[str]:
    """Click Fire and return the outcome column of the race table the click drew."""
    chapter.page.evaluate(MARK_OLD_TABLES_JS)
    chapter.click(chapter.page.locator(".labkit-fire").first)
    try:
        chapter.page.wait_for_function(NEW_TABLE_JS, timeout=RENDER_TIMEOUT_MS)
    except PlaywrightTimeout as error:
        raise AssertionError("clicking Fire drew no race table") from error
    rows = chapter.page.evaluate(NEW_TABLE_JS)
    header = next((i for i, row in enumerate(rows) if "outcome" in [c.lower() for c in row]), None)
    assert header is not None, f"the race table has no 'outcome' column: {rows[:2]}"
    column = [c.lower() for c in rows[header]].index("outcome")
    return [row[column] for row in rows[header + 1:] if len(row) == len(rows[header])]


def assert_one_winner(outcomes: list[str]) -> None:
    assert len(outcomes) >= 2, f"a race needs at least two writers: {outcomes}"
    assert outcomes.count("succeeded") == 1, f"{outcomes.count('succeeded')} writers succeeded: {outcomes}"
    assert set(outcomes) == {"succeeded", "ConditionalCheckFailedException"}, outcomes


@needs_race_lab
def test_fire_shows_exactly_one_winner(open_chapter):
    assert_one_winner(fire(open_chapter(RACE_LAB)))


# Broken on purpose in a running race lab's kernel: each must make the check above fail, or it proves nothing.
CONDITIONS_IGNORED = """from labkit.front import writes
_kept_check = writes.check
writes.check = lambda write: None"""
CONDITIONS_RESTORED = "writes.check = _kept_check"
FIRE_DISCONNECTED = """import ipywidgets
fire_buttons = [w for w in list(ipywidgets.Widget.widgets.values())
                if isinstance(w, ipywidgets.Button) and 'labkit-fire' in w._dom_classes]
assert fire_buttons, 'no Fire button in the kernel'
for button in fire_buttons:
    button._click_handlers.callbacks.clear()"""


@needs_race_lab
def test_the_race_check_fails_when_the_lab_breaks(open_chapter):
    chapter = open_chapter(RACE_LAB, fresh=True)
    assert chapter.execute(CONDITIONS_IGNORED) == "ok"
    with pytest.raises(AssertionError, match="writers succeeded"):
        assert_one_winner(fire(chapter))
    assert chapter.execute(CONDITIONS_RESTORED) == "ok"
    assert_one_winner(fire(chapter))  # healthy again: the failure above was the sabotage's
    assert chapter.execute(FIRE_DISCONNECTED) == "ok"
    with pytest.raises(AssertionError, match="drew no race table"):
        fire(chapter)


def test_the_error_check_sees_tracebacks_and_skipped_cells(jupyter_lab, open_chapter):
    """A chapter with an expected error (tagged), an unexpected one, and a cell that never runs after it."""
    import nbformat

    path = jupyter_lab.write(
        "detector/broken.ipynb", "print('fine')",
        nbformat.v4.new_code_cell("raise ValueError('taught on purpose')", metadata={"tags": ["raises-exception"]}),
        "raise RuntimeError('the lab broke')", "print('never runs')")
    problems = open_chapter(path).problems()
    assert [p.split("\n")[0] for p in problems] == [
        "detector/broken.ipynb cell 2 shows an error:", "detector/broken.ipynb cell 3 did not run (prompt '[ ]:')"]
    assert "RuntimeError: the lab broke" in problems[0]


# In the page, before JupyterLab starts: every execute_reply the kernel sends reaches JupyterLab 1.5 s late,
# after the cell's idle status, as happens on a loaded machine where the shell and iopub channels race.
LATE_REPLIES_JS = """(() => {
  const Native = window.WebSocket;
  const late = data => (typeof data === 'string' ? data : new TextDecoder().decode(data)).includes('execute_reply');
  window.WebSocket = class extends Native {
    set onmessage(handler) {
      super.onmessage = event => late(event.data) ? setTimeout(() => handler(event), 1500) : handler(event);
    }
    get onmessage() { return super.onmessage; }
  };
})();"""


def test_run_all_waits_for_the_page_to_draw_what_the_kernel_answered(jupyter_lab, open_page):
    """A clean clone's run once read a chapter's last prompt as ``[*]`` although the kernel had answered: the
    test had taken the idle status for the end. Here every reply comes late; every prompt must still be read
    numbered and every output drawn."""
    path = jupyter_lab.write("detector/late_replies.ipynb",
                             *(f"import ipywidgets; ipywidgets.HTML('<b>cell {n}</b>')" for n in range(6)))
    chapter = open_page(path, init_script=LATE_REPLIES_JS)
    assert chapter.run_all().problems() == []
    assert [o["text"] for c in chapter.shown() for o in c["outputs"]] == [f"cell {n}" for n in range(6)]


@pytest.mark.parametrize("name", QUIZ_NOTEBOOKS)
def test_answering_a_quiz_question_changes_the_score(open_chapter, name):
    chapter = open_chapter(f"notebooks/{name}")
    score = chapter.page.locator(".labkit-quiz-score").first
    before = score.inner_text()
    assert SCORE.search(before), before
    questions = score.locator("xpath=..").locator(".labkit-quiz-question")  # this check's own questions
    assert questions.count() >= 1
    # The first answer is the one scored, so the keyed option is chosen first: the kernel, which knows the key,
    # selects it in the chapter's check (the page shows the selection), and the learner's click on Check scores it.
    assert chapter.execute(
        "import ipywidgets\nfrom labkit.quiz.widget import QuizWidget\n"
        "w = [x for x in list(ipywidgets.Widget.widgets.values()) if isinstance(x, QuizWidget)][-1]\n"
        "first = w.quiz.questions[0]\nw.panels[first.id].select(first.answer)") == "ok"
    chapter.click(questions.first.locator(".labkit-quiz-check"))
    expect(score).not_to_have_text(before, timeout=10_000)
    assert SCORE.search(score.inner_text()), score.inner_text()
