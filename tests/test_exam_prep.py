"""Exam prep as a learner and a facilitator use it: the mock exam, spaced repetition, study-group rounds."""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta, timezone

import pytest

from labkit.quiz import (MockExam, MockExamWidget, Progress, Round, export_round, facilitator, mock_exam, practice, round_results,
                         round_widget, scaled_score)
from labkit.quiz.exam import EXAM_QUESTIONS, PASSING
from labkit.quiz.questions import by_ref, pool
from labkit.quiz.rounds import MemberAnswers
from labkit.quiz import prep

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def right_choice(question):
    return question.keys if question.multiple else question.answer


def wrong_choice(question):
    return (question.keys[0] + 1) % len(question.options) if not question.multiple else question.keys[:1]


# -- the mock exam ---------------------------------------------------------------------------------

def test_a_mock_exam_draws_65_questions_across_every_topic():
    exam = MockExam(seed=3)
    assert len(exam.questions) == EXAM_QUESTIONS == 65
    assert len({q.ref for q in exam.questions}) == 65
    topics = {q.topic for q in exam.questions}
    assert {"transactions", "conflicts", "idempotency", "capacity", "dax", "streams", "global-tables"} <= topics
    assert "exam-method" not in topics
    assert [q.ref for q in MockExam(seed=3).questions] == [q.ref for q in exam.questions]  # seeded
    assert [q.ref for q in MockExam(seed=4).questions] != [q.ref for q in exam.questions]


def test_an_attempt_shows_options_in_its_own_seeded_order_and_replays_by_its_seed():
    exam, again, other = MockExam(seed=11), MockExam(seed=11), MockExam(seed=12)
    orders = [exam.order(q) for q in exam.questions]
    assert orders == [again.order(q) for q in again.questions]  # a saved attempt replays
    assert any(exam.order(q) != other.order(q) for q in exam.questions if q in other.questions)
    assert sum(order != tuple(range(len(order))) for order in orders) > 50  # shuffled, not the bank's order
    question = exam.questions[0]
    shown = exam.options(question)
    assert sorted(i for i, _ in shown) == list(range(len(question.options)))
    assert all(question.options[i] == text for i, text in shown)
    assert isinstance(MockExam().seed, int)


def test_the_exam_refuses_what_it_cannot_do():
    exam = MockExam(count=5, seed=1)
    outside = next(q for q in pool() if q not in exam.questions)
    with pytest.raises(ValueError, match="not part of this exam"):
        exam.answer(outside, right_choice(outside))
    with pytest.raises(ValueError, match="cannot be drawn"):
        MockExam(count=500)


def test_the_clock_starts_at_start_and_a_finished_exam_stays_finished():
    now = [0.0]
    exam = MockExam(count=5, seed=1, minutes=1, clock=lambda: now[0])
    now[0] = 1000.0  # the cell ran long ago; the learner starts now
    assert exam.remaining() == 60 and not exam.over
    exam.start()
    now[0] = 1061.0
    first = exam.finish()
    assert first.timed_out
    now[0] = 5000.0
    assert exam.finish() is first and exam.finish().timed_out


def test_scaled_score_is_the_stated_approximation():
    assert scaled_score(0, 65) == 100 and scaled_score(65, 65) == 1000
    assert scaled_score(45, 65) == 723 >= PASSING > scaled_score(44, 65) == 709


def test_multiple_response_is_all_or_nothing():
    question = next(q for q in pool() if q.multiple and len(q.keys) == 2)
    exam = MockExam(questions=[question], count=1)
    assert exam.answer(question, question.keys) is True
    assert exam.answer(question, question.keys[:1]) is False  # one of two keys: no partial credit
    extra = next(i for i in range(len(question.options)) if i not in question.keys)
    assert exam.answer(question, (*question.keys, extra)) is False
    assert exam.finish().right == 0


def test_the_clock_ends_the_exam():
    now = [0.0]
    exam = MockExam(count=5, seed=1, minutes=1, clock=lambda: now[0])
    first, second = exam.questions[:2]
    exam.answer(first, right_choice(first))
    now[0] = 61.0
    with pytest.raises(RuntimeError, match="over"):
        exam.answer(second, right_choice(second))
    result = exam.finish()
    assert result.timed_out and (result.right, result.answered) == (1, 1)


def test_the_mock_exam_widget_as_a_learner_uses_it():
    widget = mock_exam(seed=7)
    exam = widget.exam
    assert "approximation" in widget.children[0].value and "covers one slice of DVA-C02" in widget.children[0].value
    widget.start_button.click()
    assert "Question 1 of 65" in widget.header.value
    for position in range(10):  # ten right, one at a time, moving on with Next
        widget.choose(right_choice(exam.questions[position]))
        widget.next_button.click()
    assert "Question 11 of 65" in widget.header.value
    widget.choose(wrong_choice(exam.questions[10]))
    widget.previous_button.click()
    assert widget.position == 9 and widget.panel(9).indices == exam.questions[9].keys  # the answer is kept
    assert widget.score.value == ""  # feedback at the end: nothing yet
    widget.finish_button.click()
    assert "Finish the exam?" in widget.confirm_text.value and widget.score.value == ""  # asked, not finished
    widget.confirm_button.click()
    expected = scaled_score(10, 65)
    assert f"Scaled score: {expected} / 1000" in widget.score.value and "10 of 65 right, 11 answered" in widget.score.value
    assert "FAIL" in widget.score.value and "approximation" in widget.score.value
    assert exam.questions[10].prompt[:30].replace("'", "&#x27;") in widget.review.value  # the missed ones, explained
    assert widget.next_button.disabled


def test_immediate_feedback_explains_every_option_at_once():
    widget = mock_exam(seed=2, feedback="immediate")
    widget.start()
    question = next(q for q in widget.exam.questions[:20] if q.explanations)
    position = widget.exam.questions.index(question)
    widget.go(position)
    widget.choose(wrong_choice(question))
    widget.panel(position).check_button.click()
    shown = widget.panel(position).feedback.value
    assert "Not quite" in shown
    for i in range(len(question.options)):
        assert question.explain(i)[:25].replace("'", "&#x27;") in shown


def test_show_me_runs_the_proof_and_shows_what_the_lab_did():
    from labkit.quiz.widget import QuestionPanel

    question = by_ref(pool())["exam/lim-transaction-actions"]
    panel = QuestionPanel(question)
    panel.choice.index = 1
    panel.check()
    assert panel.show_me.layout.display is None  # offered once answered
    panel.show_me.click()
    assert "actions -&gt; accepted: {10: True, 25: True, 100: True, 101: False}" in panel.proof.value
    assert "The lab agrees with the key." in panel.proof.value
    conflicts = QuestionPanel(by_ref(pool())["exam/cf-two-transactions"])
    conflicts.prove()  # a transaction in flight, on the lab's conflict simulation, and said to be simulated
    assert "simulated: transaction conflicts: on" in conflicts.proof.value
    assert "reasons [None, TransactionConflict]" in conflicts.proof.value
    assert "The lab agrees with the key." in conflicts.proof.value


# -- spaced repetition -----------------------------------------------------------------------------

def test_missed_questions_come_back_first():
    clock = [T0]
    progress = Progress("ana", clock=lambda: clock[0])
    first_three = progress.next_questions(3)
    assert all(q.ref not in progress.records for q in first_three)  # new questions while nothing is due
    a, b, c = first_three
    progress.record(a, right_choice(a))
    progress.record(b, wrong_choice(b))
    progress.record(c, right_choice(c))
    assert progress.next_questions(1)[0].ref not in {a.ref, b.ref, c.ref}  # nothing due a moment later
    clock[0] = T0 + timedelta(minutes=5)
    assert progress.next_questions(1)[0] == b  # the missed one returns within minutes
    clock[0] = T0 + timedelta(minutes=30)
    assert progress.next_questions(3)[:3] == [b, a, c]  # missed first, then the others that are due
    d = next(q for q in progress.next_questions() if q.ref not in progress.records)
    progress.record(d, wrong_choice(d))  # missed at 9:30, due again after a and c
    clock[0] = T0 + timedelta(minutes=45)
    assert progress.due_at(d.ref) > progress.due_at(a.ref)
    assert progress.next_questions(4)[:4] == [b, d, a, c]  # every missed one before those answered right
    for _ in range(3):  # answered right again and again, a returns later each time
        clock[0] = progress.due_at(a.ref)
        progress.record(a, right_choice(a))
    assert progress.due_at(a.ref) - clock[0] >= timedelta(days=2)


def test_progress_survives_a_file_and_shows_every_chapter(tmp_path):
    progress = Progress("ben", clock=lambda: T0)
    start_here = [q for q in progress.questions if q.bank == "start_here"]
    for question in start_here[:3]:  # 3 of 4 right: the check is passed at 60%
        progress.record(question, right_choice(question))
    race_lab = [q for q in progress.questions if q.bank == "race_lab"]
    progress.record(race_lab[0], right_choice(race_lab[0]))
    path = progress.save(tmp_path / "ben_exam_progress.json")
    again = Progress.load(path, clock=lambda: T0)
    assert again.learner == "ben" and again.records == progress.records
    table = again.table().set_index("bank")
    assert table.loc["start_here", "check passed"] and not table.loc["race_lab", "check passed"]
    assert table.loc["start_here", "chapter"] == "00_start_here" and table.loc["start_here", "due today"] == 3
    assert {"start_here", "race_lab", "exam"} <= set(table.index)


def test_a_chapters_saved_check_joins_the_progress(tmp_path):
    from labkit.quiz import Quiz

    quiz = Quiz("start_here")
    for question in quiz.questions:
        quiz.answer(question.id, question.answer)
    quiz.save(tmp_path / "start_here_progress.json")
    progress = Progress("cy", clock=lambda: T0)
    assert progress.absorb_chapter_files(tmp_path) == len(quiz.questions)
    assert progress.table().set_index("bank").loc["start_here", "check passed"]
    assert progress.absorb_chapter_files(tmp_path) == 0  # once only


def test_the_practice_widget_serves_the_schedule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    widget = practice("dee")
    first = widget.question
    assert widget.answer(wrong_choice(first)) is False
    assert "Not quite" in widget.panel.feedback.value
    widget.next_button.click()
    assert widget.question != first
    assert widget.progress.last_right(first.ref) is False
    widget.files.save()
    saved = json.loads((tmp_path / "dee_exam_progress.json").read_text())
    assert saved["records"][first.ref]["answers"][0]["right"] is False
    assert "download=" in widget.files.link.value
    assert "00_start_here" in widget.table.value


# -- study-group rounds ----------------------------------------------------------------------------

def test_a_study_group_round_with_three_members(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # the facilitator: one call
    round_ = export_round("round1.json", topics=["transactions", "idempotency"], questions=6, seed=5)
    assert len(round_.refs) == 6 and {q.topic for q in round_.questions} <= {"transactions", "idempotency"}
    # each member, in their own notebook: open the file, answer, save
    plans = {"ana": "all right", "ben": "first three right", "cy": "all wrong"}
    for member, plan in plans.items():
        widget = round_widget("round1.json", member)
        for n, panel in enumerate(widget.panels):
            good = plan == "all right" or (plan == "first three right" and n < 3)
            panel.choice.index = right_choice(panel.question) if good else wrong_choice(panel.question)
        widget.save_button.click()
        assert (tmp_path / f"round1-{member}.json").exists() and "download=" in widget.status.value
        assert "Documentation" in widget.panels[0].feedback.value  # explained once sent
    # the facilitator again: one call
    results = round_results("round1.json", "round1-*.json")
    members = results.per_member().set_index("member")["right"].to_dict()
    assert members == {"ana": 6, "ben": 3, "cy": 0}
    per_question = results.per_question()
    assert list(per_question["right"]) == [2, 2, 2, 1, 1, 1]
    missed = results.most_missed(3)
    assert [n for _, n in missed] == [2, 2, 2] and missed[0][0].ref == round_.refs[3]
    page = results._repr_html_()
    assert "Most missed" in page and "data:image/png;base64," in page and missed[0][0].explain(0)[:20].replace(
        "'", "&#x27;") in page
    chart = results.chart()
    assert [bar.get_height() for bar in chart.figure.axes[0].patches] == [2, 2, 2, 1, 1, 1]
    assert chart._repr_png_().startswith(b"\x89PNG")
    # or with the files uploaded into one widget
    widget = facilitator("round1.json")
    shown = widget.show([(f"round1-{m}.json", (tmp_path / f"round1-{m}.json").read_bytes()) for m in plans])
    assert shown.per_member()["right"].tolist() == [6, 3, 0] and "Most missed" in widget.results.value


def test_the_next_round_targets_the_groups_weakest_topics(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    transactions = [q for q in pool() if q.topic == "transactions"][:3]
    limits = [q for q in pool() if q.topic == "limits"][:3]
    round_ = Round("warmup", tuple(q.ref for q in transactions + limits))
    answers = {q.ref: list(q.keys) for q in limits} | {q.ref: [(q.keys[0] + 1) % len(q.options)] for q in transactions}
    MemberAnswers(round_, "ana", answers).save(tmp_path / "warmup-ana.json")
    following = export_round("round2.json", weakest=["warmup-ana.json"], questions=4)
    assert {q.topic for q in following.questions} == {"transactions"}  # limits were all right
    assert not set(following.refs) & set(round_.refs)  # not the questions already asked


def test_an_answer_file_for_another_round_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    export_round("a.json", questions=2)
    other = export_round("b.json", questions=2, seed=1)
    widget = round_widget("b.json", "eve")
    widget.save()
    results = round_results("a.json", ["b-eve.json"])
    assert results.problems == ["b-eve.json: it answers round 'b', not 'a': left out."] and not results.members
    assert other.name == "b"


def test_a_finished_mock_exam_joins_the_learners_schedule():
    progress = Progress("eve", clock=lambda: T0)
    widget = mock_exam(seed=9, progress=progress)
    widget.start()
    first, second = widget.exam.questions[:2]
    widget.choose(right_choice(first))
    widget.next_button.click()
    widget.choose(wrong_choice(second))
    widget.finish_button.click()
    widget.confirm_button.click()
    assert set(progress.records) == {first.ref, second.ref}
    assert (progress.last_right(first.ref), progress.last_right(second.ref)) == (True, False)


def test_progress_comes_back_from_an_uploaded_file(tmp_path, monkeypatch):
    """On Binder the file comes back through the upload button, not a path."""
    monkeypatch.chdir(tmp_path)
    widget = practice("fay")
    question = widget.question
    widget.answer(right_choice(question))
    content = json.dumps(widget.progress.dump()).encode()
    again = practice("fay")
    assert question.ref not in again.progress.records
    again.files.upload.value = ({"name": "fay_exam_progress.json", "type": "application/json", "size": len(content),
                                 "content": memoryview(content), "last_modified": T0},)
    assert again.progress.last_right(question.ref) is True
    assert "Loaded 1 questions' progress for fay" in again.files.status.value


# -- exam mode as the real exam's interface ---------------------------------------------------------

def visible_text(widget) -> str:
    """Every text a learner can see in a widget tree: HTML values, labels, options and button captions."""
    import ipywidgets as widgets

    parts = []
    if isinstance(widget, widgets.HTML):
        parts.append(widget.value)
    for attribute in ("description", "tooltip", "placeholder"):
        parts.append(str(getattr(widget, attribute, "") or ""))
    parts.extend(str(o) for o in getattr(widget, "options", ()) or ())
    for child in getattr(widget, "children", ()):
        parts.append(visible_text(child))
    return "\n".join(parts)


def test_the_exam_shows_no_question_id_or_topic():
    widget = mock_exam(seed=11)
    widget.start()
    for position, question in enumerate(widget.exam.questions):
        widget.go(position)
        shown = visible_text(widget)
        assert f"Question {position + 1} of 65" in widget.header.value
        assert question.ref not in shown and question.id not in widget.header.value
        assert question.topic not in widget.header.value
    assert "labkit-exam-ref" not in visible_text(widget)


def test_the_exam_shows_options_in_the_attempts_order_and_scores_what_was_clicked():
    widget = mock_exam(seed=3)
    widget.start()
    exam = widget.exam
    shuffled = next(p for p, q in enumerate(exam.questions)
                    if not q.multiple and q.explanations and exam.order(q).index(q.answer) != q.answer)
    widget.go(shuffled)
    question, panel = exam.questions[shuffled], widget.panel(shuffled)
    assert list(panel.choice.options) == [text for _, text in exam.options(question)]
    panel.choice.index = exam.order(question).index(question.answer)  # the learner clicks the key where it is shown
    widget.next_button.click()
    assert exam.answers[question.ref] == (question.answer,)
    widget.finish()
    shown = panel.feedback.value
    positions = [shown.index(html.escape(text)) for _, text in exam.options(question)]
    assert positions == sorted(positions)  # explained in the order the attempt showed


def test_the_clock_starts_at_start_not_when_the_cell_runs():
    now = [0.0]
    widget = MockExamWidget(MockExam(count=5, seed=1, minutes=10, clock=lambda: now[0]))
    now[0] = 300.0  # five minutes reading the instructions
    assert widget.exam.remaining() == 600 and widget.taking.layout.display == "none"
    widget.go(3)
    assert widget.position == 0 and not widget.exam.answers  # nothing moves before Start
    widget.start_button.click()
    assert widget.taking.layout.display is None and "time left 10 min 00 s" in widget.header.value
    now[0] = 360.0
    widget.next_button.click()
    assert widget.exam.remaining() == 540 and "time left 9 min 00 s" in widget.header.value


def test_flag_for_review_and_the_navigator():
    widget = mock_exam(seed=5)
    widget.start()
    exam = widget.exam
    assert len(widget.nav_buttons) == 65 and [b.description for b in widget.nav_buttons[:3]] == ["1", "2", "3"]
    widget.choose(right_choice(exam.questions[0]))
    widget.next_button.click()
    widget.flag_button.click()
    assert "flagged for review" in widget.header.value and widget.flag_button.description == "Remove flag"
    widget.nav_buttons[29].click()  # straight to question 30
    assert widget.position == 29 and "Question 30 of 65" in widget.header.value
    classes = [b._dom_classes for b in widget.nav_buttons]
    assert "labkit-exam-nav-answered" in classes[0] and "labkit-exam-nav-flagged" in classes[1]
    assert all("labkit-exam-nav-unanswered" in c for c in classes[2:])
    assert "answered</span> 1" in widget.legend.value and "flagged</span> 1" in widget.legend.value
    assert "unanswered</span> 63" in widget.legend.value
    widget.nav_buttons[1].click()
    widget.flag_button.click()  # the flag taken off again
    assert "labkit-exam-nav-unanswered" in widget.nav_buttons[1]._dom_classes
    assert "labkit-exam-nav-flagged" not in widget.nav_buttons[1]._dom_classes


def test_finish_asks_first_and_the_result_puts_the_score_first():
    widget = mock_exam(seed=6)
    widget.start()
    widget.flag_button.click()
    widget.finish_button.click()
    assert widget.confirm.layout.display is None
    assert "65 unanswered, 1 flagged for review" in widget.confirm_text.value and widget.exam.finished_at is None
    widget.cancel_button.click()
    assert widget.confirm.layout.display == "none" and not widget.next_button.disabled
    widget.finish_button.click()
    widget.confirm_button.click()
    assert widget.exam.finished_at is not None and widget.confirm.layout.display == "none"
    assert widget.children.index(widget.score) < widget.children.index(widget.review)
    assert widget.taking.layout.display == "none"  # nothing above the score but the exam's note
    assert "Scaled score: 100 / 1000" in widget.score.value and "By topic" in widget.score.value
    assert "To review (65)" in widget.review.value
    assert f"class='labkit-exam-review' style='max-height:{prep.REVIEW_MAX_PX}px;overflow-y:auto'" in widget.review.value
    assert prep.REVIEW_MAX_PX <= 1500
    assert all(b.disabled for b in widget.nav_buttons)


def test_a_finished_exam_stays_as_it_was_finished():
    now = [0.0]
    widget = MockExamWidget(MockExam(count=4, seed=2, minutes=1, clock=lambda: now[0]))
    widget.start()
    first = widget.exam.questions[0]
    widget.choose(right_choice(first))
    now[0] = 61.0
    widget.next_button.click()  # time ran out: the move finishes the exam
    headline = widget.score.value
    assert "(time ran out)" in headline and "0 of 4 right, 0 answered" in headline  # the late answer did not count
    assert widget.finish().timed_out and widget.score.value == headline  # a second finish keeps what it said
    assert widget.exam.finish().timed_out and "(time ran out)" in widget.exam.finish().headline()
    panel = widget.panel(0)
    panel.check_button.disabled = False  # even if a click got through
    panel.check()
    assert "The exam is over" in panel.notice.value and not widget.exam.answers
    with pytest.raises(RuntimeError, match="over"):
        widget.exam.answer(first, right_choice(first))


def test_asking_for_more_questions_than_the_pool_holds_says_so():
    widget = mock_exam(seed=1, count=500)
    size = len(widget.exam.questions)
    assert size < 500 and widget.notice == f"count=500: the pool holds {size} distinct questions, so this exam has {size}."
    assert widget.notice in widget.children[0].value and f"{size} questions" in widget.children[0].value
    assert mock_exam(seed=1).notice == ""
    with pytest.raises(ValueError, match="cannot be drawn"):  # one more than the pool holds
        MockExam(count=size + 1, seed=1)


def test_practice_skips_ahead_without_answering(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    widget = practice("gus")
    seen = [widget.question.ref]
    for _ in range(6):
        widget.next_button.click()
        seen.append(widget.question.ref)
    assert len(set(seen)) == 7  # seven different questions, not two in turn
    assert not widget.progress.records
    assert all(ref not in widget.header.value for ref in seen)

def test_questions_tied_to_their_chapter_stay_out_of_the_exam_and_a_group_is_drawn_once():
    from labkit.quiz.exam import exam_pool

    standalone = {q.ref for q in exam_pool()}
    for ref in ("patterns/sentinel-loser", "myths/action-limit", "race_lab/both-pass",
                "cli_tutorial/fire-one-winner", "myths/batch-condition"):
        assert ref in {q.ref for q in pool()} and ref not in standalone
    grouped = [q for q in pool() if q.group]
    for seed in range(20):
        groups = [q.group for q in MockExam(seed=seed).questions if q.group]
        assert len(groups) == len(set(groups))
    assert any(sum(p.group == q.group for p in grouped) > 1 for q in grouped)  # not vacuous


def test_a_rounds_results_scroll_in_boxes_so_a_large_group_stays_one_screen(tmp_path, monkeypatch):
    """Walked in the browser, the facilitator's widget after the chapter's four answer files was 1,794 px tall
    at 1400 px wide (the limit is 1,200): the most missed questions, each with every option explained, under two
    tables that grow with the round and the group. Each now scrolls in a box of its own."""
    import re

    from labkit.quiz import rounds

    monkeypatch.chdir(tmp_path)
    round_ = export_round("big.json", questions=10, seed=3)
    for n in range(30):
        answers = MemberAnswers(round_, f"member-{n}", {})
        for question in round_.questions:
            answers.answer(question, wrong_choice(question) if n % 3 else right_choice(question))
        answers.save()
    page = round_results("big.json", "big-*.json")._repr_html_()
    boxes = dict(re.findall(r"<div class='labkit-scroll-box labkit-round-(\w+)-box' style='max-height:(\d+)px;overflow:auto", page))
    assert boxes == {"questions": str(rounds.TABLE_MAX_PX), "members": str(rounds.TABLE_MAX_PX),
                     "missed": str(rounds.MISSED_MAX_PX)}, boxes
    missed = page.split("labkit-round-missed-box")[1]
    assert missed.count("labkit-round-missed'") == 3 and "member-29" in page.split("labkit-round-members-box")[1]
