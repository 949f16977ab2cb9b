"""The exam-prep chapter's exercises: each check says "Not yet" with the reason to plausible wrong answers,
accepts the solution the chapter reveals, and does so whatever ran before it (other exercises, wrong answers)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import nbformat
import pytest

from labkit.quiz import pool

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "09_exam_prep.ipynb"


def _cell(containing: str) -> str:
    sources = [cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells if containing in cell.source]
    assert len(sources) == 1, f"{len(sources)} cells contain {containing!r}"
    return sources[0]


def _solution(containing: str) -> str:
    found = re.findall(r"```python\n(.*?)```", _cell(containing), re.S)
    assert len(found) == 1
    return found[0]


# exercise -> the text that finds its check cell and its solution, and wrong answers with the reason each gets
EXERCISES = {
    1: ("picked = None if MY_CHOICE is None", "```python\nMY_CHOICE = [", "MY_CHOICE", [
        (None, "Not yet: set MY_CHOICE"),
        ([1, 2, 3], "Not yet: if_not_exists: "),  # two update-expression functions among them
        ([0, 2], "Not yet: you picked 2 options; the question asks for three"),
        ([0, 2, 4, 5], "Not yet: you picked 4 options"),
        ([0, 0, 2], "is not a list of different option numbers"),
        ([0, 2, 9], "is not a list of different option numbers"),
    ]),
    2: ("topics = sorted({q.topic", "```python\nMY_TOPICS = [", "MY_TOPICS", [
        ([], "Not yet: put two topic names in MY_TOPICS"),
        (["transactions"], "Not yet: that is 1 different topic(s); the round is on two"),
        (["transactions", "idempotency", "capacity"], "Not yet: that is 3 different topic(s)"),
        (["transactions", "transactions"], "Not yet: that is 1 different topic(s)"),
        (["transaction", "capacity"], "Not yet: no topic is called transaction."),
        ("transactions", "Not yet: MY_TOPICS is a list of two topic names"),
        (["exam-method", "capacity"], "Not yet: no topic is called exam-method."),
    ]),
}


def run_check(exercise: int, answer_source: str, capsys) -> str:
    check, _, _, _ = EXERCISES[exercise]
    namespace: dict = {}
    exec(answer_source, namespace)
    exec(_cell(check), namespace)
    return capsys.readouterr().out


@pytest.mark.parametrize("exercise", EXERCISES)
def test_wrong_answers_get_not_yet_with_the_reason_then_the_solution_passes(exercise, capsys):
    _, solution, name, wrong = EXERCISES[exercise]
    for answer, why in wrong:
        said = run_check(exercise, f"{name} = {answer!r}", capsys)
        assert said.startswith("Not yet: ") and why in said, (answer, said)
        assert "Traceback" not in said
    said = run_check(exercise, _solution(solution), capsys)  # after the wrong answers
    assert said.startswith("Right: "), said


def test_each_solution_passes_after_the_other_exercise_ran(capsys):
    for first, then in ((1, 2), (2, 1)):
        run_check(first, _solution(EXERCISES[first][1]), capsys)
        assert run_check(then, _solution(EXERCISES[then][1]), capsys).startswith("Right: ")


def test_the_fill_in_cells_start_with_no_answer():
    assert "MY_CHOICE = None" in _cell("MY_CHOICE = None")
    assert "MY_TOPICS = []" in _cell("MY_TOPICS = []")


def test_exercise_2_exports_a_round_on_both_topics_whichever_two_are_picked(capsys):
    """Any two topics will do, the solution says: the round must then hold questions on both. A round drawn at
    random from the two topics together held only one of them for 13 pairs (``batch-writes`` and ``dax``: five
    batch-writes questions), and the check called that right; ``global-tables`` and ``streams`` have four
    questions between them, which the check must say."""
    topics = sorted({q.topic for q in pool()} - {"exam-method"})
    for pair in itertools.combinations(topics, 2):
        said = run_check(2, f"MY_TOPICS = {list(pair)!r}", capsys)
        counts = dict((topic, int(n)) for n, topic in re.findall(r"(\d+) on ([\w-]+)", said))
        assert said.startswith("Right: ") and set(counts) == set(pair) and all(counts.values()), said
        available = sum(q.topic in pair for q in pool())
        assert sum(counts.values()) == min(5, available), said
        assert ("all the bank has on them" in said) == (available < 5), said
