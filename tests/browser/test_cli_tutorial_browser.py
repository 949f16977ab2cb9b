"""The CLI tutorial in a real JupyterLab: Run All draws every command's terminal, and both Fire buttons
(step 3's registration, step 5's role update) fire real writers with one winner, read back from the page."""

from __future__ import annotations

import pytest

from .test_chapters_in_browser import assert_one_winner, fire

pytestmark = pytest.mark.browser

CHAPTER = "notebooks/01_cli_tutorial.ipynb"

# Each command's output as the page draws it: the terminal column's text, and what it shows from stderr.
TERMINALS_JS = """() => [...document.querySelectorAll('table.labkit-cli')].map(t => ({
  terminal: t.querySelector('td pre').textContent,
  stderr: [...t.querySelectorAll('.labkit-stderr')].map(s => s.textContent).join('')}))"""
STEP_3_FIRE_ASIDE_JS = "() => document.querySelector('.labkit-fire').classList.replace('labkit-fire', 'labkit-fire-aside')"
STEP_3_FIRE_BACK_JS = "() => document.querySelector('.labkit-fire-aside').classList.replace('labkit-fire-aside', 'labkit-fire')"


def test_every_step_shows_the_cli_terminal_beside_boto3(open_chapter):
    chapter = open_chapter(CHAPTER)
    assert chapter.problems() == []
    terminals = chapter.page.evaluate(TERMINALS_JS)
    assert len(terminals) >= 12
    refused = [t for t in terminals if "ConditionalCheckFailedException" in t["stderr"]]
    assert refused and all(t["terminal"].rstrip().endswith("$ echo $?\n255") for t in refused)
    assert any("reserved keyword: Role" in t["stderr"] for t in terminals)
    assert chapter.page.locator("table.labkit-cli th", has_text="boto3").count() >= 12


def test_step_3_fire_registers_alice_once(open_chapter):
    chapter = open_chapter(CHAPTER)
    assert_one_winner(fire(chapter))
    assert chapter.page.locator("table.labkit-race-table[id^='T_race-register_alice-']").count() == 1


def test_step_5_fire_promotes_alice_once(open_chapter):
    chapter = open_chapter(CHAPTER)
    # fire() clicks the page's first Fire button; step 3's steps aside (in the page only) for step 5's
    chapter.page.evaluate(STEP_3_FIRE_ASIDE_JS)
    try:
        assert_one_winner(fire(chapter))
        assert chapter.page.locator("table.labkit-race-table[id^='T_race-promote_alice-']").count() == 1
    finally:
        chapter.page.evaluate(STEP_3_FIRE_BACK_JS)
