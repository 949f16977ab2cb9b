"""The mock exam in a real JupyterLab: a learner answers questions, finishes, and reads the score on the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from labkit.quiz import scaled_score
from labkit.quiz.questions import by_ref, pool

pytestmark = pytest.mark.browser

EXAM_PREP = "notebooks/09_exam_prep.ipynb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RIGHT, WRONG = 3, 1  # questions answered right, then wrong, before Finish


def select(exam, question, indices) -> None:
    """Tick the options at ``indices`` in the question shown, as a learner clicks them."""
    shown = exam.locator(".labkit-exam-question").first
    kind = "checkbox" if question.multiple else "radio"
    inputs = shown.locator(f"input[type={kind}]")
    assert inputs.count() == len(question.options)
    for index in indices:
        inputs.nth(index).check()


def test_answering_the_mock_exam_gives_the_score_on_the_page(open_chapter):
    chapter = open_chapter(EXAM_PREP)
    exam = chapter.page.locator(".labkit-exam").first
    expect(exam).to_be_visible()
    known = by_ref(pool())
    for number in range(RIGHT + WRONG):
        header = exam.locator(".labkit-exam-ref").first
        expect(header).to_be_visible()
        question = known[header.inner_text().strip()]
        keys = list(question.keys)
        wrong = [next(i for i in range(len(question.options)) if i not in keys)]
        select(exam, question, keys if number < RIGHT else wrong)
        chapter.click(exam.locator(".labkit-exam-next").first)
        expect(exam).to_contain_text(f"Question {number + 2} of 65")
    chapter.click(exam.locator(".labkit-exam-finish").first)
    score = exam.locator(".labkit-exam-score").first
    expect(score).to_contain_text("Scaled score")
    text = score.inner_text()
    assert f"Scaled score: {scaled_score(RIGHT, 65)} / 1000" in text, text
    assert re.search(rf"{RIGHT} of 65 right, {RIGHT + WRONG} answered", text), text
    assert "FAIL" in text and "approximation" in text
    expect(exam).to_contain_text("To review (62)")  # the wrong one and the 61 never answered, explained
    ARTIFACTS.mkdir(exist_ok=True)
    score.scroll_into_view_if_needed()
    chapter.page.screenshot(path=str(ARTIFACTS / "exam-mock-finished.png"))


def shown_ref(practice) -> str:
    return re.search(r"question (\S+) ·", practice.inner_text()).group(1)


def test_practice_explains_every_option_in_the_page(open_chapter):
    chapter = open_chapter(EXAM_PREP)
    practice = chapter.page.locator(".labkit-practice").first
    first = shown_ref(practice)
    question = by_ref(pool())[first]
    panel = practice.locator(".labkit-practice-question").first
    kind = "checkbox" if question.multiple else "radio"
    for index in question.keys:
        panel.locator(f"input[type={kind}]").nth(index).check()
    chapter.click(panel.locator(".labkit-quiz-check").first)
    expect(panel).to_contain_text("Right.")
    for option in question.options:
        expect(panel).to_contain_text(option)
    chapter.click(practice.locator(".labkit-practice-next").first)
    assert shown_ref(practice) != first
