"""The mock exam in a real JupyterLab, taken as a learner takes it: Start, answer, flag a question, go back to
it with the navigator, confirm Finish, and read the score on the page; practice as a learner meets it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from labkit.quiz import scaled_score
from labkit.quiz.exam import exam_pool
from labkit.quiz.questions import pool

pytestmark = pytest.mark.browser

EXAM_PREP = "notebooks/09_exam_prep.ipynb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shown_question(panel, questions):
    """The question a panel shows, found by its prompt (the page shows no id) and the options it lists."""
    text = panel.inner_text()
    found = [q for q in questions if q.prompt in text and all(o in text for o in q.options)]
    assert len(found) == 1, text
    return found[0]


def tick(panel, question, indices) -> None:
    """Tick the options with the bank's ``indices``, wherever this attempt shows them, as a learner clicks."""
    inputs = panel.locator("input[type=checkbox]" if question.multiple else "input[type=radio]")
    labels = [inputs.nth(n).locator("xpath=..").inner_text().strip() for n in range(inputs.count())]
    assert sorted(labels) == sorted(question.options)
    for index in indices:
        inputs.nth(labels.index(question.options[index])).check()


def wrong(question) -> list[int]:
    return [next(i for i in range(len(question.options)) if i not in question.keys)]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_a_mock_exam_with_a_flagged_question_and_the_navigator(open_chapter):
    chapter = open_chapter(EXAM_PREP)
    page, questions = chapter.page, exam_pool()
    exam = page.locator(".labkit-exam").first
    expect(exam).to_contain_text("covers one slice of DVA-C02")
    chapter.click(exam.locator(".labkit-exam-start").first)
    expect(exam).to_contain_text("Question 1 of 65")
    plan = ["right", "right", "flag and wrong", "right"]  # questions 1-4
    for number, what in enumerate(plan, 1):
        expect(exam).to_contain_text(f"Question {number} of 65")
        panel = exam.locator(".labkit-exam-question").first
        question = shown_question(panel, questions)
        tick(panel, question, wrong(question) if "wrong" in what else question.keys)
        if "flag" in what:
            chapter.click(exam.locator(".labkit-exam-flag").first)
            expect(exam).to_contain_text("flagged for review")
            flagged = question
        chapter.click(exam.locator(".labkit-exam-next").first)
    seen = exam.inner_text()
    assert not [q.ref for q in pool() if q.ref in seen]  # no id anywhere on the exam's page
    navigator = exam.locator(".labkit-exam-navigator").first
    buttons = navigator.locator(".labkit-exam-nav")
    expect(buttons).to_have_count(65)
    for number, state in [(1, "answered"), (2, "answered"), (3, "flagged"), (4, "answered"), (5, "unanswered")]:
        expect(buttons.nth(number - 1)).to_have_class(re.compile(f"labkit-exam-nav-{state}"))
    navigator.scroll_into_view_if_needed()
    screenshot(page, "exam-navigator.png")
    chapter.click(buttons.nth(2))  # back to the flagged question
    expect(exam).to_contain_text("Question 3 of 65")
    assert shown_question(exam.locator(".labkit-exam-question").first, questions) == flagged
    chapter.click(exam.locator(".labkit-exam-finish").first)
    confirm = exam.locator(".labkit-exam-confirm-box").first
    expect(confirm).to_contain_text("61 unanswered, 1 flagged for review")
    expect(exam.locator(".labkit-exam-score").first).to_have_text("")  # asked, not finished
    screenshot(page, "exam-confirm-finish.png")
    chapter.click(confirm.locator(".labkit-exam-confirm").first)
    score = exam.locator(".labkit-exam-score").first
    expect(score).to_contain_text("Scaled score")
    text = score.inner_text()
    assert f"Scaled score: {scaled_score(3, 65)} / 1000" in text and "3 of 65 right, 4 answered" in text, text
    assert "FAIL" in text and "approximation" in text and "By topic" in text
    expect(exam).to_contain_text("To review (62)")
    review = exam.locator(".labkit-exam-review").first
    height, scrolls = review.evaluate("box => [box.clientHeight, box.scrollHeight]")
    assert height <= 1500 < scrolls  # the 62 missed questions scroll inside the box
    score.scroll_into_view_if_needed()
    screenshot(page, "exam-mock-finished.png")


def test_practice_explains_every_option_and_fits_1024_px_with_the_file_browser(open_chapter):
    chapter = open_chapter(EXAM_PREP)
    page = chapter.page
    practice = page.locator(".labkit-practice").first
    panel = practice.locator(".labkit-practice-question").first
    question = shown_question(panel, pool())
    assert question.ref not in practice.inner_text()
    tick(panel, question, question.keys)
    chapter.click(panel.locator(".labkit-quiz-check").first)
    expect(panel).to_contain_text("Right.")
    for option in question.options:
        expect(panel).to_contain_text(option)
    chapter.click(practice.locator(".labkit-practice-next").first)
    assert shown_question(practice.locator(".labkit-practice-question").first, pool()) != question
    page.set_viewport_size({"width": 1024, "height": 800})
    if not page.locator("#filebrowser").is_visible():
        page.locator("[data-id='filebrowser']").first.click()
    expect(page.locator("#filebrowser")).to_be_visible()
    cell = practice.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' jp-Cell ')][1]")
    edge = cell.bounding_box()  # the cell, which the notebook shows whole at this width
    edge = edge["x"] + edge["width"]
    for control in [*practice.locator("button:visible").all(), *practice.locator("input[type=text]:visible").all()]:
        box = control.bounding_box()
        assert box and box["x"] + box["width"] <= edge, control.inner_text()
        assert control.evaluate("c => c.scrollWidth <= c.clientWidth"), control.inner_text()  # not squeezed
    holder = practice.locator("table").first.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' widget-html ')][1]")
    box = holder.bounding_box()
    assert box["x"] + box["width"] <= edge  # the table's box fits the cell...
    assert holder.evaluate("h => h.scrollWidth > h.clientWidth && getComputedStyle(h).overflowX === 'auto'")
    # ...and the table scrolls inside it, not the whole practice widget
    holder.scroll_into_view_if_needed()
    screenshot(page, "exam-practice-1024.png")
    page.set_viewport_size({"width": 1400, "height": 1000})  # the page is shared: as the session opened it


def test_the_facilitator_with_the_chapters_answer_files_is_no_wall(open_chapter, jupyter_lab):
    """The walk-through's round, its three members' answer files and dan's broken one, uploaded as a facilitator
    on Binder does: the results (tables, the most missed questions explained, the chart) stay within the output
    height limit (1,794 px before they scrolled in boxes of their own)."""
    from .test_output_heights import walls

    chapter = open_chapter(EXAM_PREP)
    page = chapter.page
    uploads = jupyter_lab.root / "facilitator-uploads"
    code = f"import shutil\nshutil.copytree(folder, {str(uploads)!r}, dirs_exist_ok=True)"
    assert chapter.execute(code) == "ok"
    files = sorted(str(p) for p in uploads.glob("round1-*.json"))
    assert len(files) == 4, files  # ana, ben, cy, and dan's file cut short
    area = page.locator(".jp-Cell-outputArea", has_text="upload the members' answer files").first
    area.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        area.get_by_role("button", name=re.compile("Answer files")).click()
    chooser.value.set_files(files)
    results = page.locator(".labkit-round-results").filter(has_text="Most missed").first
    results.wait_for(timeout=30_000)
    expect(results).to_contain_text("round1-dan.json: not JSON")
    assert walls(chapter, f"{EXAM_PREP} after the facilitator's upload") == []


OPTIONS_JS = """() => [...document.querySelectorAll('.labkit-quiz-question')].map(panel =>
  [...panel.querySelectorAll('input[type=radio], input[type=checkbox]')].map(input => input.closest('label')).map(l => {
    const r = l.getBoundingClientRect(), box = l.querySelector('input').getBoundingClientRect();
    return {text: l.innerText.trim(), top: r.top, bottom: r.bottom, cut: l.scrollWidth > l.clientWidth + 1
            || l.scrollHeight > l.clientHeight + 1, first: box.left <= r.left + 4};
  }))"""


def test_every_option_of_the_longest_questions_is_read_whole(jupyter_lab, open_page):
    """ipywidgets draws a radio label one line high (a long option wrapped over the next) and a checkbox label
    on one line cut with an ellipsis: the longest single-answer and multiple-response questions of the exam pool,
    at 1400 px, show every option whole, one under the other, its button before its text."""
    questions = exam_pool()
    longest = [max((q for q in questions if q.multiple == multiple), key=lambda q: max(map(len, q.options)))
               for multiple in (False, True)]
    source = ("from labkit.quiz.exam import exam_pool\nfrom labkit.quiz.widget import QuestionPanel\nimport ipywidgets\n"
              f"shown = {[q.id for q in longest]!r}\n"
              "ipywidgets.VBox([QuestionPanel(q) for i in shown for q in exam_pool() if q.id == i])")
    chapter = open_page(jupyter_lab.write("options/longest.ipynb", source))
    assert chapter.run_all().problems() == []
    boxes = chapter.page.evaluate(OPTIONS_JS)
    chapter.page.screenshot(path=str(ARTIFACTS / "exam-longest-options.png"), full_page=True)
    assert [sorted(o["text"] for o in box) for box in boxes] == [sorted(q.options) for q in longest]
    for box in boxes:
        assert not any(option["cut"] for option in box) and all(option["first"] for option in box), box
        assert all(a["bottom"] <= b["top"] + 1 for a, b in zip(box, box[1:])), box  # none over the next
