"""The race lab's views: Fire fills the table, summary and timeline; the DOM contract other tests rely on."""

from __future__ import annotations

import re
from html import unescape

import pytest

import struct
import sys
from pathlib import Path

import nbformat
import numpy as np

from labkit.palette import KINDS
from labkit.race import race
from labkit.views import widget as views_widget
from labkit.views import RaceLab, race_lab, race_table, summary_html, timeline
from labkit.race.report import ATTEMPTS_HEIGHT_PX, SUMMARY_VALUE_CHARS, table_html
from labkit.views.timeline import PIXEL_RATIO, WIDTH_PX, height_px
from labkit.views.widget import HISTORY_HEIGHT_PX, STALE_CLASS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import strip_widget_state  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

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


def test_every_scenario_is_labelled_with_the_chapter_that_teaches_it_and_hides_the_engine(widget):
    from labkit.race import scenarios

    labels = dict((name, label) for label, name in widget.scenario.options)
    assert set(labels) == set(scenarios()) == set(views_widget.TAUGHT_IN)
    for name, (notebook, chapter) in views_widget.TAUGHT_IN.items():
        assert (ROOT / "notebooks" / notebook).exists() and notebook.startswith(chapter.split(".")[0].zfill(2))
        assert labels[name].endswith(f"(chapter {chapter.split('.')[0]})")
        widget.scenario.value = name
        assert f"<a href='{notebook}'>" in widget.story.value
    widget.scenario.value, widget.variant.value = "role_change", "guarded"
    shown, hidden = widget.code.value.split("<details>")
    assert "client.update_item(" in shown and "yield" not in shown and "yield read(read_role)" in hidden


def test_the_race_lab_chapter_races_only_its_own_scenarios_and_links_the_others_to_their_chapters():
    from labkit.race import scenarios

    chapter = nbformat.read(ROOT / "notebooks" / "02_race_lab.ipynb", as_version=4).cells
    code = "\n".join(c.source for c in chapter if c.cell_type == "code")
    rows = {line.split("|")[1].strip(): line for c in chapter if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("| ")}
    for name, scenario in scenarios().items():
        notebook, title = views_widget.TAUGHT_IN[name]
        if notebook == "02_race_lab.ipynb":
            assert f'race(lab, "{name}"' in code
        else:
            assert f'"{name}"' not in code, f"{name} is raced in {title}"
            assert f"[{title}]({notebook})" in rows[scenario.title]


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


def legend(picture) -> list[str]:
    return [t.get_text() for t in picture.figure.legends[0].get_texts()]


def test_timeline_draws_one_lane_per_writer_with_a_legend_of_what_it_drew(lab):
    result = race(lab, "optimistic_lock", writers=5, variant="guarded", mode="staged", retry="immediate")
    picture = timeline(result)
    axes = picture.figure.axes[0]
    assert axes.get_ylim() == (5.6, 0.4)
    assert legend(picture) == ["write: succeeded", "write: ConditionalCheckFailedException", "read"]
    read_swatch = picture.figure.legends[0].get_lines()[0]
    assert (read_swatch.get_color(), read_swatch.get_alpha()) == (KINDS["succeeded"][1], 0.45)  # as the read bars
    drawn = sum(len(c.get_paths()) for c in axes.collections)
    assert drawn == len(result.frame)
    registration = timeline(race(lab, "registration", writers=4, mode="staged"))
    assert legend(registration) == ["write: succeeded", "write: ConditionalCheckFailedException"]  # no reads


def test_timeline_is_drawn_for_the_size_it_is_shown_at(lab):
    picture = timeline(race(lab, "registration", writers=4, mode="staged"))
    png, metadata = picture._repr_png_()
    assert png.startswith(PNG) and metadata == {"width": WIDTH_PX}
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (WIDTH_PX * PIXEL_RATIO, height_px(4) * PIXEL_RATIO)
    assert height_px(64) <= 460


def test_in_a_long_race_every_winner_is_drawn_on_top_and_wide_enough_to_see(lab):
    result = race(lab, "optimistic_lock", writers=64, mode="staged", retry="immediate")  # 968 one-tick requests
    axes = timeline(result).figure.axes[0]
    winners = axes.collections[-1]
    assert len(winners.get_paths()) == len(result.winners) == 8
    assert winners.get_zorder() == max(c.get_zorder() for c in axes.collections)
    widths = [np.ptp(axes.transData.transform(path.vertices)[:, 0]) / PIXEL_RATIO for path in winners.get_paths()]
    assert min(widths) >= 2.9  # CSS pixels; a tick is about a third of one here


# -- a widget that stays readable --------------------------------------------------------------------------


def test_the_attempts_scroll_in_a_bounded_box_one_line_each(lab):
    result = race(lab, "registration", writers=8, mode="staged")
    html = table_html(result)
    box = re.search(r"<div class='labkit-scroll-box labkit-race-attempts' style='([^']*)'>", html).group(1)
    assert f"max-height:{ATTEMPTS_HEIGHT_PX}px" in box and "overflow:auto" in box
    assert re.search(r"\S+ td \{[^}]*white-space: nowrap", html)  # an item never wraps to three lines
    assert re.search(r"thead th \{[^}]*position: sticky", html)  # the header stays in view while it scrolls
    assert re.search(r">\{Email: alice\.\d@example\.com, Username: alice\}<", html)  # the item, compactly
    assert "reasons" not in re.findall(r'class="col_heading[^"]*"[^>]*>([^<]*)<', html)  # no transaction here
    assert "reasons" in race_table(race(lab, "bank_transfer", writers=5, mode="staged", seed=1)).to_html()


def test_the_widget_says_what_to_do_when_saved_without_its_state(widget):
    assert widget._repr_mimebundle_()["text/plain"] == "Run this cell to get the race lab."
    assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_no_picture_until_the_first_race(widget):
    assert widget.picture.layout.display == "none"  # an empty Image shows a broken-image icon
    widget.fire.click()
    assert widget.picture.layout.display is None and bytes(widget.picture.value).startswith(PNG)
    assert widget.picture.layout.width == f"{WIDTH_PX}px"  # shown at the size it was drawn for


def test_changing_the_controls_marks_the_results_as_the_previous_run(widget):
    widget.fire.click()
    assert widget.stale.value == "" and STALE_CLASS not in widget.results._dom_classes
    widget.scenario.value = "bank_transfer"
    assert "the previous run (Duplicate registration" in widget.stale.value
    assert STALE_CLASS in widget.results._dom_classes
    widget.fire.click()
    assert widget.stale.value == "" and STALE_CLASS not in widget.results._dom_classes
    assert "Bank transfers" in widget.summary.value


def test_a_retry_policy_that_cannot_apply_is_switched_off_and_says_why(widget):
    widget.scenario.value = "optimistic_lock"
    widget.variant.value = "guarded"
    widget.retry.value = "backoff"
    assert not widget.retry.disabled and widget.settings()["retry"] == "backoff"
    widget.variant.value = "naive"
    assert widget.retry.disabled and widget.settings()["retry"] == "none"
    assert "none ever learns that it lost" in widget.retry_note.value
    widget.scenario.value = "registration"
    widget.variant.value = "guarded"
    assert widget.retry.disabled and "final answer" in widget.retry_note.value


def test_staged_runs_take_the_seed_from_its_control_not_from_the_run_count(widget):
    widget.mode.value = "staged"
    widget.scenario.value = "optimistic_lock"
    assert not widget.seed.disabled
    first = widget.fire_once()
    second = widget.fire_once()
    assert first.seed == second.seed == 0 and first.frame.equals(second.frame)
    widget.seed.value = 7
    assert widget.fire_once().seed == 7
    assert [run["seed"] for run in widget.runs] == [0, 0, 7]
    widget.mode.value = "threads"
    assert widget.seed.disabled


def test_history_follows_the_attempts_box_and_scrolls_in_its_own(widget):
    widget.fire.click()
    children = list(widget.children)
    assert children.index(widget.history) == children.index(widget.results) + 1
    assert list(widget.results.children) == [widget.summary, widget.picture, widget.table]
    assert f"max-height:{HISTORY_HEIGHT_PX}px;overflow:auto" in widget.history.value


def test_the_widget_style_is_one_well_formed_sheet_whose_rules_all_apply():
    """A stray brace once swallowed the rule after it: the story's paragraphs kept ipywidgets' 28 px lines."""
    sheet = views_widget._STYLE.removeprefix("<style>").removesuffix("</style>")
    depth = 0
    for char in sheet:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth in (0, 1), sheet
    assert depth == 0 and ".labkit-race-lab p { line-height: 1.4; margin: 2px 0; }" in sheet


@pytest.mark.parametrize("scenario, long_value, entries", [
    ("unique_email", "final Members", 64),  # 64 items left in the table
    ("payment_transitions", "transitions applied", 32),  # 32 moves made
])
def test_a_summary_of_64_writers_shows_the_first_entries_and_how_many_there_are(lab, scenario, long_value, entries):
    result = race(lab, scenario, writers=64, variant="naive", mode="staged")
    text = unescape(re.sub(r"<[^>]+>", "", summary_html(result).replace("</div>", "\n").replace(" · ", "\n")))
    [line] = [line for line in text.splitlines() if line.startswith(long_value)]
    assert line.endswith(f" … ({entries} in all)"), line
    assert len(line) < len(long_value) + SUMMARY_VALUE_CHARS + 20, line  # instead of a wall of 64 entries


# -- notebooks shipped without widget state -----------------------------------------------------------------


def widget_cell_notebook():
    output = nbformat.v4.new_output("execute_result", data={
        "text/plain": "QuizWidget(children=(HTML(value='<h4>Check…",
        "application/vnd.jupyter.widget-view+json": {"version_major": 2, "version_minor": 0, "model_id": "abc"}})
    own = nbformat.v4.new_output("execute_result", data={
        "text/plain": "Run this cell to get the race lab.",
        "application/vnd.jupyter.widget-view+json": {"version_major": 2, "version_minor": 0, "model_id": "def"}})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("quiz()", outputs=[output]),
                                               nbformat.v4.new_code_cell("race_lab(lab)", outputs=[own])])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return notebook


def test_strip_widget_state_leaves_each_widget_a_line_of_text(tmp_path):
    path = tmp_path / "chapter.ipynb"
    nbformat.write(widget_cell_notebook(), path)
    assert strip_widget_state.main(["--check", str(path)]) == 1
    assert strip_widget_state.main([str(path)]) == 0
    notebook = nbformat.read(path, as_version=4)
    assert "widgets" not in notebook.metadata
    assert [cell.outputs[0].data for cell in notebook.cells] == [
        {"text/plain": strip_widget_state.SAVED_TEXT}, {"text/plain": "Run this cell to get the race lab."}]
    assert strip_widget_state.main(["--check", str(path)]) == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapters_are_shipped_without_widget_state(path):
    notebook = nbformat.read(path, as_version=4)
    assert strip_widget_state.strip(notebook) == 0, f"run: python tools/strip_widget_state.py {path}"
