"""The race lab's views: Fire fills the table, summary and timeline; the DOM contract other tests rely on."""

from __future__ import annotations

import re

import pytest

from labkit.race import race
from labkit.views import widget as views_widget
from labkit.views import RaceLab, race_lab, race_table, summary_html, timeline

PNG = b"\x89PNG\r\n\x1a\n"


def outcomes(table: str) -> list[str]:
    """The cells of the 'outcome' column of a race table's HTML."""
    headers = re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', table)
    column = headers.index("outcome")
    return re.findall(rf'<td [^>]*class="data row\d+ col{column}[^"]*"[^>]*>([^<]*)</td>', table)


@pytest.fixture
def widget(lab):
    return race_lab(lab)


def test_fire_button_keeps_its_dom_contract(widget):
    assert widget.fire.description == "Fire"
    assert "labkit-fire" in widget.fire._dom_classes


def test_default_fire_shows_one_success_and_the_rest_failed_conditions(widget):
    widget.fire.click()
    assert re.search(r'<table id="T_race-registration-guarded-threads-8-\d+" class="labkit-race-table">',
                     widget.table.value)
    cells = outcomes(widget.table.value)
    assert len(cells) == widget.writers.value == 8
    assert sorted(cells) == ["ConditionalCheckFailedException"] * 7 + ["succeeded"]
    assert 'class="labkit-race-summary"' in widget.summary.value and "HELD" in widget.summary.value
    assert bytes(widget.picture.value).startswith(PNG)


def test_rows_are_told_apart_by_outcome_class(widget):
    widget.fire.click()
    table = widget.table.value
    assert len(re.findall(r'class="data row\d+ col0 labkit-succeeded"', table)) == 1
    assert len(re.findall(r'class="data row\d+ col0 labkit-condition"', table)) == 7
    assert re.search(r"\.labkit-succeeded \{\s*background-color: #\w+", table)


def test_fire_again_keeps_a_history_newest_first(widget):
    widget.fire.click()
    widget.variant.value = "naive"
    widget.mode.value = "staged"
    widget.fire.click()
    assert [run["invariant"] for run in widget.runs] == ["held", "BROKEN"]
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>", widget.history.value)
    assert rows == ["2", "1"]
    assert "BROKEN" in widget.summary.value and "labkit-race-summary" in widget.summary.value


def test_switching_scenario_offers_its_variants_and_shows_its_code(widget):
    widget.scenario.value = "task_claim"
    assert widget.variant.options == ("naive", "guarded", "legacy")
    widget.variant.value = "legacy"
    assert "Expected=" in widget.code.value and "put_item" in widget.code.value
    widget.scenario.value = "bank_transfer"
    assert widget.variant.value == "naive"  # legacy is not one of its variants
    widget.variant.value = "guarded"
    assert "transact_write_items" in widget.code.value
    widget.writers.value = 4
    widget.fire.click()
    assert set(outcomes(widget.table.value)) <= {"succeeded", "TransactionCanceledException"}


def test_an_error_is_shown_in_the_summary_not_raised(lab, monkeypatch):
    widget = RaceLab(lab)

    def failing_race(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(views_widget, "race", failing_race)
    assert widget.fire_once() is None
    assert "boom" in widget.summary.value


def test_staged_views_are_identical_every_run(lab):
    first, second = (race(lab, "inventory", writers=6, variant="naive", mode="staged") for _ in range(2))
    assert race_table(first).to_html() == race_table(second).to_html()
    assert summary_html(first) == summary_html(second)
    assert "start (tick)" in race_table(first).to_html()


def test_timeline_draws_one_lane_per_writer_with_a_legend(lab):
    result = race(lab, "optimistic_lock", writers=5, variant="guarded", mode="staged", retry="immediate")
    picture = timeline(result)
    axes = picture.figure.axes[0]
    assert axes.get_ylim() == (5.6, 0.4)
    labels = [t.get_text() for t in axes.get_legend().get_texts()]
    assert labels == ["succeeded", "ConditionalCheckFailedException", "read (thin, pale)", "write"]
    drawn = sum(len(c.get_paths()) for c in axes.collections)
    assert drawn == len(result.frame)
    assert picture._repr_png_().startswith(PNG)
