"""The check-yourself quiz: grading really scores, progress survives a file, the widget keeps its contract."""

from __future__ import annotations

import json

import pytest

from labkit.quiz import Quiz, Score, quiz_widget


@pytest.fixture
def quiz():
    return Quiz("race_lab")


@pytest.mark.parametrize("bank, at_least", [("race_lab", 8), ("start_here", 4)])
def test_every_bank_is_well_formed(bank, at_least):
    quiz = Quiz(bank)
    assert len(quiz.questions) >= at_least
    assert len({q.id for q in quiz.questions}) == len(quiz.questions)
    for question in quiz.questions:
        assert 0 <= question.answer < len(question.options) and len(question.options) >= 3
        assert len(question.why) > 40


def test_every_chapter_ends_with_its_scored_quiz():
    from pathlib import Path

    for notebook in sorted(Path(__file__).parent.parent.glob("notebooks/*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        quiz_cells = [c for c in cells if c["cell_type"] == "code" and "quiz_widget(" in "".join(c["source"])]
        assert quiz_cells, f"{notebook.name} has no check-yourself quiz"
        bank = "".join(quiz_cells[-1]["source"]).split('quiz_widget("')[1].split('"')[0]
        assert Quiz(bank).questions


def test_grade_counts_right_answers_only(quiz):
    right = {q.id: q.answer for q in quiz.questions}
    wrong = {q.id: (q.answer + 1) % len(q.options) for q in quiz.questions}
    total = len(quiz.questions)
    assert quiz.grade(right) == Score(total, total)
    assert quiz.grade(wrong) == Score(0, total)
    assert quiz.grade({}) == Score(0, total)
    first, second = quiz.questions[:2]
    mixed = {first.id: first.answer, second.id: first.options[0] if first.answer else second.options[-1]}
    assert quiz.grade({first.id: first.answer}).correct == 1
    assert quiz.grade({first.id: first.options[first.answer]}).correct == 1  # by the option's text too
    assert str(quiz.grade({first.id: first.answer})) == f"Score: 1 / {total}"
    assert quiz.grade(mixed).correct in (1, 2)


def test_one_winner_question_says_exactly_one(quiz):
    question = quiz.question("one-winner")
    assert question.options[question.answer] == "Exactly one"


def test_progress_is_saved_and_loaded(quiz, tmp_path):
    first = quiz.questions[0]
    quiz.answer(first.id, first.answer)
    quiz.answer(quiz.questions[1].id, (quiz.questions[1].answer + 1) % len(quiz.questions[1].options))
    path = quiz.save(tmp_path / "progress.json")
    assert json.loads(path.read_text())["bank"] == "race_lab"
    again = Quiz("race_lab")
    assert again.load(path) == Score(1, len(quiz.questions))
    assert [q.id for q in again.missed()] == [q.id for q in quiz.questions[1:]]


def test_progress_for_another_bank_is_refused(quiz, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"bank": "other", "answers": {}}))
    with pytest.raises(ValueError, match="other"):
        quiz.load(path)


def test_a_wrong_option_is_refused(quiz):
    with pytest.raises(ValueError):
        quiz.answer("one-winner", "Maybe")


def test_only_the_first_answer_is_scored(quiz):
    first = quiz.questions[0]
    assert quiz.answer(first.id, (first.answer + 1) % len(first.options)) is False
    with pytest.raises(ValueError, match="first answer is the one scored"):
        quiz.answer(first.id, first.answer)
    assert quiz.grade().correct == 0


def test_widget_checks_explains_and_scores(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    widget = quiz_widget(progress_file="p.json")
    boxes = [c for c in widget.children if "labkit-quiz-question" in c._dom_classes]
    assert len(boxes) == len(widget.quiz.questions)
    assert "labkit-quiz-score" in widget.score._dom_classes
    total = len(widget.quiz.questions)
    assert f"Score: 0 / {total}" in widget.score.value
    question = widget.quiz.question("one-winner")
    check = widget.checks["one-winner"]
    assert check.description == "Check" and "labkit-quiz-check" in check._dom_classes
    widget.choices["one-winner"].index = (question.answer + 1) % len(question.options)  # wrong
    check.click()
    assert "Not quite" in widget.feedback["one-winner"].value
    assert question.why[:30] in widget.feedback["one-winner"].value.replace("&#x27;", "'")
    assert check.disabled and widget.choices["one-winner"].disabled  # explained: the first answer stands
    widget.choices["one-winner"].index = question.answer  # changed after the explanation showed...
    check.click()
    assert "Not quite" in widget.feedback["one-winner"].value  # ...and still scored as first answered
    assert "first answer is the one scored" in widget.panels["one-winner"].notice.value
    assert f"Score: 0 / {total}" in widget.score.value
    assert widget.panels["one-winner"].show_me.layout.display == "none"  # a plain chapter question has no proof
    other = widget.quiz.questions[1]
    widget.choices[other.id].index = other.answer
    widget.checks[other.id].click()
    assert "Right" in widget.feedback[other.id].value and f"Score: 1 / {total}" in widget.score.value
    widget.save()
    restored = quiz_widget(progress_file="p.json")
    restored.load()
    assert f"Score: 1 / {total}" in restored.score.value
    wrong = (question.answer + 1) % len(question.options)
    assert restored.choices["one-winner"].index == wrong and restored.checks["one-winner"].disabled


def test_each_chapter_saves_its_own_progress_file(tmp_path, monkeypatch):
    """Saving the start chapter's check and then the race lab's keeps both: one file per bank by default."""
    monkeypatch.chdir(tmp_path)
    start, race = quiz_widget("start_here"), quiz_widget("race_lab")
    for widget in (start, race):
        first = widget.quiz.questions[0]
        widget.choices[first.id].index = first.answer
        widget.checks[first.id].click()
        widget.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race_lab_progress.json", "start_here_progress.json"]
    for bank in ("start_here", "race_lab"):
        again = quiz_widget(bank)
        again.load()
        assert "Loaded 1 answers" in again.status.value and "Score: 1 /" in again.score.value


def test_saving_where_nothing_can_be_written_says_so_and_still_offers_the_download(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    widget = quiz_widget("start_here", progress_file="no-such-folder/p.json")
    widget.save()
    assert "Could not save" in widget.files.status.value and "No such file" in widget.files.status.value
    assert "labkit-download" in widget.files.link.value


def test_a_multiple_response_question_is_checked_all_or_nothing(tmp_path):
    from labkit.quiz.questions import by_ref, pool
    from labkit.quiz.widget import MultipleChoice, QuestionPanel

    question = by_ref(pool())["exam/cw-which-functions"]
    panel = QuestionPanel(question)
    assert isinstance(panel.choice, MultipleChoice) and len(panel.choice.boxes) == 6
    panel.choice.boxes[0].value = panel.choice.boxes[2].value = True  # two of the three keys
    assert panel.check() is False and "Not quite" in panel.feedback.value
    again = QuestionPanel(question)
    for index in (0, 2, 4):
        again.choice.boxes[index].value = True
    assert again.check() is True and "Right" in again.feedback.value
    assert "Choose three." in panel.children[0].value
