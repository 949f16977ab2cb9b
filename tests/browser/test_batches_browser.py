"""Chapter 6 as a learner sees it in JupyterLab after Run All: the races, the retry loop's table and its plot."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHAPTER = "notebooks/06_batches_and_retries.ipynb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Every race table on the page, as rows of cell texts, in page order.
RACE_TABLES_JS = """() => [...document.querySelectorAll('table.labkit-race-table')].map(
  t => [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim())))"""


def outcomes(rows: list[list[str]]) -> list[str]:
    header = next(i for i, row in enumerate(rows) if "outcome" in [c.lower() for c in row])
    column = [c.lower() for c in rows[header]].index("outcome")
    return [row[column] for row in rows[header + 1:] if len(row) == len(rows[header])]


def output_of(chapter, snippet: str):
    """The output area of the first code cell whose source contains the one-line ``snippet``."""
    cell = chapter.page.locator(".jp-CodeCell").filter(has=chapter.page.locator(".jp-InputArea", has_text=snippet))
    return cell.first.locator(".jp-OutputArea")


def test_the_page_shows_batches_overwriting_and_a_transaction_refusing(open_chapter):
    chapter = open_chapter(CHAPTER)
    batch_race, transaction_race = chapter.page.evaluate(RACE_TABLES_JS)
    assert outcomes(batch_race) == ["succeeded"] * 3, "every loader's batch should be written over the others"
    assert sorted(outcomes(transaction_race)) == ["TransactionCanceledException"] * 2 + ["succeeded"]
    refusal = output_of(chapter, "except ParamValidationError as error:").inner_text()
    assert 'Unknown parameter in RequestItems.Orders[0].PutRequest: "ConditionExpression"' in refusal


def test_the_retry_loop_converges_on_the_page_and_its_plot_is_drawn(open_chapter):
    chapter = open_chapter(CHAPTER)
    table = output_of(chapter, 'calls = write_all(client, {"Orders": order_puts(1, 25)}')
    rows = [[c.inner_text().strip() for c in row.locator("th, td").all()] for row in table.locator("tbody tr").all()]
    assert [int(row[2]) for row in rows] == [9, 3, 1, 1, 0], rows  # sent back, call by call: down to nothing
    plot = output_of(chapter, "fig, (pending_ax, waited_ax)").locator("img")
    assert plot.count() == 1 and plot.bounding_box()["width"] > 400
    ARTIFACTS.mkdir(exist_ok=True)
    plot.screenshot(path=ARTIFACTS / "06_retry_loop_plot.png")
    table.screenshot(path=ARTIFACTS / "06_retry_loop_table.png")
