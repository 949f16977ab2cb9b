"""The exercises of chapters 0-2 never lie: every plausible wrong answer gets "Not yet" with its real reason
(DynamoDB's own, when DynamoDB refused), never a traceback; and the solution passes after Run All, after
wrong answers and after the chapter's other exercises, because each check sets up its own scene.

Chapters run in this process (see exercise_harness), a few seconds each."""

from __future__ import annotations

import pytest

from exercise_harness import answer, exercises, run_all, run_cell

START, CLI, RACE = "00_start_here.ipynb", "01_cli_tutorial.ipynb", "02_race_lab.ipynb"
CHAPTERS = [START]

# (chapter, exercise number, a wrong answer, what "Not yet" must say)
WRONG = [
    (START, 0, 'CONDITION = "attribute_exists(Username)"',
     "bob is new, so his first sign-up must succeed, but DynamoDB refused the request: "
     "ConditionalCheckFailedException: The conditional request failed"),
    (START, 0, 'CONDITION = "attribute_not_exists(Bob)"',
     "bob exists now, so a second sign-up must be refused, but it succeeded"),
    (START, 0, 'CONDITION = "attribute_not_exists(#user)"',
     "DynamoDB refused the request: ValidationException: "),
    (START, 1, 'MUST_EXIST = "attribute_not_exists(Username)"',  # creates alcie: the next answer must not care
     "there is no account 'alcie', so the put must be refused, but it succeeded"),
    (START, 1, 'MUST_EXIST = "attribute_exists(alice)"',
     "alice exists, so the put must replace her account, but DynamoDB refused the request: "
     "ConditionalCheckFailedException"),
    (START, 1, 'MUST_EXIST = "Username = :alice"',
     "DynamoDB refused the request: ValidationException: "),
]

_ran: dict[str, dict] = {}


def after_run_all(chapter: str) -> dict:
    """The chapter's namespace after one Run All as shipped, shared by this module's tests of the chapter (each
    test leaves the exercises solved, as a learner would)."""
    if chapter not in _ran:
        _ran[chapter] = run_all(chapter)
    return _ran[chapter]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_placeholder_is_told_what_to_do(chapter):
    namespace = after_run_all(chapter)
    for exercise in exercises(chapter):
        shown = answer(namespace, exercise, exercise.fill_in)
        assert shown.startswith("Not yet: ") and "Traceback" not in shown, shown


@pytest.mark.parametrize("chapter, number, code, why", WRONG, ids=[f"{c[:2]}-E{n + 1}-{i}" for i, (c, n, _, _) in enumerate(WRONG)])
def test_a_wrong_answer_is_told_why_and_the_solution_passes_after_it(chapter, number, code, why):
    namespace = after_run_all(chapter)
    exercise = exercises(chapter)[number]
    shown = answer(namespace, exercise, code)
    assert shown.startswith("Not yet: ") and why in shown, shown
    assert answer(namespace, exercise, exercise.solution).startswith("Right: ")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_solution_passes_after_run_all_and_after_the_other_exercises(chapter):
    chapter_exercises = exercises(chapter)
    namespace = run_all(chapter)  # Run All as shipped, then every exercise solved, in order and in reverse
    for exercise in chapter_exercises + chapter_exercises[::-1]:
        assert answer(namespace, exercise, exercise.solution).startswith("Right: ")
    # Run All with each answer written into its cell (after the cell's own code, which the answer may redefine)
    solved = run_all(chapter, replace={e.fill_in: f"{e.fill_in}\n{e.solution}" for e in chapter_exercises})
    for exercise in chapter_exercises:
        assert run_cell(exercise.check, solved).startswith("Right: ")
