"""Chapter 5 in JupyterLab, as a learner sees it: the two races agree on the page, PynamoDB's request is
shown as sent, and each exercise, solved the way its solution says, is judged right by its check cell."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "notebooks/05_workers_and_mappers.ipynb"
ARTIFACTS = ROOT / "test-artifacts"

CELL_TABLE_JS = """(index) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')[index].querySelectorAll(
    '.jp-OutputArea-output table tr')].map(r => [...r.cells].map(c => c.textContent.trim()))"""
RACE_TABLE_JS = """(index) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')[index].querySelectorAll(
    'table.labkit-race-table tr')].map(r => [...r.cells].map(c => c.textContent.trim()))"""
CELL_TEXT_JS = """(index) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')[index]
    .querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent).join('\\n')"""
# Type a cell's source as a learner would (the cell's model, which the editor shows) and run that cell.
RUN_CELL_JS = """async ([path, index, source]) => {
  const panel = [...jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === path);
  jupyterapp.shell.activateById(panel.id);
  const notebook = panel.content;
  if (source !== null) notebook.widgets[index].model.sharedModel.setSource(source);
  notebook.activeCellIndex = index;
  await jupyterapp.commands.execute('notebook:run-cell');
}"""


def cells() -> list[dict]:
    return json.loads((ROOT / CHAPTER).read_text())["cells"]


def index_of(start: str) -> int:
    """The index of the first cell whose source starts with ``start``."""
    return next(i for i, cell in enumerate(cells()) if "".join(cell["source"]).startswith(start))


def solution(fill_in: int) -> str:
    """The code of the collapsed solution that follows the fill-in cell and its check."""
    text = "".join(cells()[fill_in + 2]["source"])
    assert text.startswith("<details><summary>Solution</summary>"), text[:80]
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


def run_cell(chapter, index: int, source: str | None = None) -> str:
    before = chapter._tracker()["executes"]
    chapter.page.evaluate(RUN_CELL_JS, [chapter.path, index, source])
    chapter.page.wait_for_function(
        "(before) => window.__labkit.executes > before && window.__labkit.pending.size === 0", arg=before,
        timeout=30_000, polling=100)
    return chapter.page.evaluate(CELL_TEXT_JS, index)


def keep_picture(chapter, index: int, name: str) -> None:
    """A picture of one cell and its output under test-artifacts/, to look at the chapter as it renders."""
    ARTIFACTS.mkdir(exist_ok=True)
    cell = chapter.page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(ARTIFACTS / f"workers-{name}.png"))


def test_the_legacy_and_the_expression_race_agree_on_the_page(open_chapter):
    chapter = open_chapter(CHAPTER)
    index = index_of("legacy = race(")
    rows = chapter.page.evaluate(CELL_TABLE_JS, index)
    header, body = rows[0], rows[1:]
    assert header[-2:] == ["with Expected", "with ConditionExpression"]
    assert len(body) == 8 and all(row[-2] == row[-1] for row in body), body
    assert [row[-1] for row in body].count("succeeded") == 1
    keep_picture(chapter, index, "side-by-side")


def test_the_page_shows_what_pynamodb_sent(open_chapter):
    chapter = open_chapter(CHAPTER)
    conditional = chapter.page.evaluate(CELL_TEXT_JS, index_of("claim = Task("))
    keep_picture(chapter, index_of("claim = Task("), "pynamodb-request")
    assert 'ConditionExpression: "#0 = :0"' in conditional and '{"#0": "status"}' in conditional
    versioned = chapter.page.evaluate(CELL_TEXT_JS, index_of('client.put_item(TableName="Tasks", Item={"TaskId": '
                                                             '{"S": "task-42"}, "status": {"S": "READY"}, "version"'))
    assert '"version": {"N": "2"}' in versioned and '{":0": {"N": "1"}}' in versioned
    race_index = index_of('race(lab, PYNAMODB_CLAIM, writers=4, variant="guarded"')
    keep_picture(chapter, race_index, "pynamodb-race")
    rows = chapter.page.evaluate(RACE_TABLE_JS, race_index)
    header = next(i for i, row in enumerate(rows) if "outcome" in row)
    outcomes = [row[rows[header].index("outcome")] for row in rows[header + 1:]]
    assert sorted(outcomes) == ["ConditionalCheckFailedException"] * 3 + ["succeeded"], outcomes


@pytest.mark.parametrize("fill_in", ["def finish_task(", "def release_task("])
def test_an_exercise_solved_as_its_solution_says_is_judged_right(open_chapter, fill_in):
    chapter = open_chapter(CHAPTER, fresh=True)
    index = index_of(fill_in)
    assert run_cell(chapter, index + 1).startswith("Not yet:")  # as shipped, without the guard
    run_cell(chapter, index, solution(index))
    verdict = run_cell(chapter, index + 1)
    keep_picture(chapter, index + 1, f"exercise-{fill_in[4:-1]}")
    assert verdict.startswith("Right:"), verdict
