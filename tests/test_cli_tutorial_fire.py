"""The Fire widget of the CLI tutorial: a click sends the chapter's request from N writers at once, for real,
and the table it draws is the lab's verdict, one winner for a guarded put, not a foregone conclusion."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat

import pytest
from bs4 import BeautifulSoup

import labkit
from labkit.race.report import ATTEMPTS_HEIGHT_PX
from labkit.views import FIRE_CLASS, fire_widget

CHAPTER = Path(__file__).resolve().parents[1] / "notebooks" / "01_cli_tutorial.ipynb"
PNG = b"\x89PNG\r\n\x1a\n"
WRITERS = 12


def chapter_code() -> dict:
    """What the chapter's code cells that define the Fire requests and their scenes leave behind."""
    namespace = {"labkit": labkit}
    for cell in nbformat.read(CHAPTER, as_version=4).cells:
        if cell.cell_type == "code" and ("def register_alice(" in cell.source or "def promote_alice(" in cell.source):
            exec(cell.source, namespace)
    return namespace


def outcomes(table_html: str) -> list[str]:
    """The 'outcome' column of the race table as the widget draws it."""
    table = BeautifulSoup(table_html, "html.parser").find("table", class_="labkit-race-table")
    headers = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    column = headers.index("outcome")
    return [row.find_all("td")[column].get_text(strip=True) for row in table.tbody.find_all("tr")]


@pytest.fixture
def registration(lab):
    chapter = chapter_code()
    widget = fire_widget(lab, chapter["register_alice"], setup=chapter["nobody_is_alice_yet"], tables=("Users",))
    widget.writers.value = WRITERS
    return widget


def test_the_fire_button_is_the_one_the_browser_tests_click(registration):
    assert registration.fire.description == "Fire" and FIRE_CLASS in registration.fire._dom_classes


def test_a_click_sends_n_real_simultaneous_puts_and_the_table_shows_one_winner(lab, registration):
    assert registration.picture.layout.display == "none"  # no timeline before the first Fire
    began = time.perf_counter()
    registration.fire.click()
    puts = lab.front.since(began, "PutItem")
    # every writer's request reached the lab, each from a thread of its own
    assert len(puts) == WRITERS
    assert len({entry.thread for entry in puts}) == WRITERS
    assert all(entry.thread.startswith("labkit-writer-") for entry in puts)
    cells = outcomes(registration.table.value)
    assert sorted(cells) == ["ConditionalCheckFailedException"] * (WRITERS - 1) + ["succeeded"]
    winner = registration.last.winners
    assert len(winner) == 1 and registration.last.mode == "threads"
    stored = lab.client.get_item(TableName="Users", Key={"Username": {"S": "alice"}})["Item"]
    assert stored["Email"] == {"S": f"alice.{winner[0]}@example.com"}
    assert "HELD" in registration.summary.value and f"ConditionalCheckFailedException: <b>{WRITERS - 1}</b>" in registration.summary.value
    assert bytes(registration.picture.value).startswith(PNG) and registration.picture.layout.display is None


def test_without_the_condition_every_writer_succeeds_and_the_summary_says_so(lab):
    chapter = chapter_code()

    def register_blindly(writer, client):
        return client.put_item(TableName="Users", Item={"Username": {"S": "alice"}, "Email": {"S": f"{writer}"}})

    widget = fire_widget(lab, register_blindly, setup=chapter["nobody_is_alice_yet"], writers=6)
    widget.fire.click()
    assert outcomes(widget.table.value) == ["succeeded"] * 6
    assert "BROKEN" in widget.summary.value


def without_the_condition_line(source: str) -> str:
    """The cell as the chapter's "try it" asks: its ConditionExpression line deleted (and the line of the value
    only the condition used, which DynamoDB would refuse as unused)."""
    lines = source.splitlines()
    kept = [line for line in lines if "ConditionExpression=" not in line and '":expected"' not in line]
    assert len(lines) - len(kept) in (1, 2)
    return "\n".join(kept)


@pytest.mark.parametrize("name, scene", [("register_alice", "nobody_is_alice_yet"), ("promote_alice", "alice_is_a_member")])
def test_try_it_fire_sends_the_function_as_its_cell_was_run_last(lab, name, scene):
    chapter = chapter_code()
    widget = fire_widget(lab, chapter[name], setup=chapter[scene], tables=("Users",), writers=6)
    cell = next(c.source for c in nbformat.read(CHAPTER, as_version=4).cells
                if c.cell_type == "code" and f"def {name}(" in c.source)
    exec(without_the_condition_line(cell), chapter)  # the learner edits the cell and runs it again
    widget.fire.click()
    assert outcomes(widget.table.value) == ["succeeded"] * 6 and "BROKEN" in widget.summary.value
    exec(cell, chapter)  # and puts the condition back
    widget.fire.click()
    assert sorted(outcomes(widget.table.value)) == ["ConditionalCheckFailedException"] * 5 + ["succeeded"]


def test_the_attempts_of_a_fire_at_64_writers_scroll_in_a_box_under_the_summary(lab):
    chapter = chapter_code()
    widget = fire_widget(lab, chapter["register_alice"], setup=chapter["nobody_is_alice_yet"], tables=("Users",))
    widget.writers.value = 64
    widget.fire.click()
    box = BeautifulSoup(widget.table.value, "html.parser").find("div", class_="labkit-scroll-box")
    assert f"max-height:{ATTEMPTS_HEIGHT_PX}px" in box["style"] and "overflow:auto" in box["style"]
    assert len(outcomes(widget.table.value)) == 64


def test_the_guarded_update_of_step_5_has_one_winner_too(lab):
    chapter = chapter_code()
    widget = fire_widget(lab, chapter["promote_alice"], setup=chapter["alice_is_a_member"], tables=("Users",), writers=8)
    widget.fire.click()
    assert sorted(outcomes(widget.table.value)) == ["ConditionalCheckFailedException"] * 7 + ["succeeded"]
    role = lab.client.get_item(TableName="Users", Key={"Username": {"S": "alice"}})["Item"]["Role"]
    assert role == {"S": f"owner-{widget.last.winners[0]}"}


def test_a_failing_scene_is_shown_in_the_widget_not_raised(lab):
    def broken_scene(client, writers):
        client.delete_item(TableName="NoSuchTable", Key={"Username": {"S": "alice"}})

    widget = fire_widget(lab, lambda writer, client: None, setup=broken_scene)
    assert widget.fire_once() is None
    assert "ResourceNotFoundException" in widget.summary.value and widget.table.value == ""
