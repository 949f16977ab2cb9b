"""The expression playground in JupyterLab: edit the condition, press Check, read the explanation off the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHAPTER = "notebooks/03_condition_expressions.ipynb"
RENDER_TIMEOUT_MS = 15_000
CCF = "ConditionalCheckFailedException"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# The explanation table as drawn: one row a sub-expression, [kind, depth, sub-expression, value].
ROWS_JS = """() => [...document.querySelectorAll('.labkit-playground table.labkit-explanation tr.labkit-step')]
  .map(r => [r.className.replace('labkit-step labkit-', ''), Number(r.dataset.depth),
             r.cells[0].textContent.trim(), r.cells[1].textContent.trim()])"""


def check(chapter, condition: str, root: str | None) -> tuple[str, list]:
    """Type ``condition`` into the playground, press Check, and wait for the explanation whose first row is
    ``root`` (None: no wait for a table): (the answer's text, the table's rows)."""
    playground = chapter.page.locator(".labkit-playground").first
    playground.locator(".labkit-playground-condition textarea").fill(condition)
    chapter.click(playground.locator(".labkit-check"))
    answer = playground.locator(".labkit-answer")
    expect(answer).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    if root is not None:
        chapter.page.wait_for_function(f"() => {{ const r = ({ROWS_JS})(); return r.length && r[0][2] === {root!r}; }}",
                                       timeout=RENDER_TIMEOUT_MS)
    return answer.inner_text(), chapter.page.evaluate(ROWS_JS)


def test_editing_a_condition_in_the_playground_explains_the_new_answer(open_chapter):
    chapter = open_chapter(CHAPTER)

    parenthesised = "(#s = :pending OR #s = :shipped) AND paid = :yes AND size(lineItems) <= :max"
    answer, rows = check(chapter, parenthesised, parenthesised)
    assert answer.startswith(CCF) and "decided by: paid = :yes is false" in answer
    assert rows[0] == ["false", 0, parenthesised, "false"]
    assert ["false", 1, "paid = :yes", "false"] in rows
    assert ["operand", 2, "paid", '{"BOOL": false}'] in rows

    # Without the parentheses AND binds first: the pending clause alone makes the whole condition true.
    bare = "#s = :pending OR #s = :shipped AND paid = :yes AND size(lineItems) <= :max"
    answer, rows = check(chapter, bare, bare)
    assert answer.startswith("succeeded")
    assert [r[:3] for r in rows if r[1] == 1] == [
        ["true", 1, "#s = :pending"], ["false", 1, "#s = :shipped AND paid = :yes AND size(lineItems) <= :max"]]
    assert ["operand", 3, "size(lineItems)", '{"N": "2"}'] in rows
    ARTIFACTS.mkdir(exist_ok=True)  # to look at what the learner sees
    chapter.page.locator(".labkit-playground").first.screenshot(path=str(ARTIFACTS / "playground.png"))

    # A reserved word: DynamoDB refuses the request, and nothing is evaluated.
    check(chapter, "status = :pending AND paid = :yes AND size(lineItems) <= :max", None)
    expect(chapter.page.locator(".labkit-playground .labkit-answer")).to_contain_text(
        "reserved keyword: status", timeout=RENDER_TIMEOUT_MS)
    expect(chapter.page.locator(".labkit-playground .labkit-explanation")).to_contain_text(
        "nothing was evaluated", timeout=RENDER_TIMEOUT_MS)
    assert chapter.page.evaluate(ROWS_JS) == []

