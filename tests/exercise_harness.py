"""Run a chapter as a learner would, in this process, and answer its exercises: the exercise tests' tools.

A chapter's exercise is three tagged cells: ``exercise`` (the fill-in), ``check`` (ends with ``check(...)``,
whose value the learner sees) and ``solution`` (markdown holding the answer in a ```python block)."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass
class Exercise:
    fill_in: str
    check: str
    solution: str


def run_cell(source: str, namespace: dict) -> str:
    """Run one code cell as the kernel would: what it printed, then its last expression's value, if any."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(tree, "<cell>", "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None
    return printed.getvalue() + ("" if value is None else repr(value))


def run_all(chapter: str, replace: dict[str, str] | None = None, shown: dict[str, str] | None = None) -> dict:
    """Every code cell of the chapter, in order (Run All), in a new namespace; ``replace`` swaps a cell's
    source for another (an exercise's answer); ``shown`` collects what each cell showed, by its source.
    Returns the namespace."""
    namespace = {"display": lambda *_, **__: None}
    for cell in nbformat.read(NOTEBOOKS / chapter, as_version=4).cells:
        if cell.cell_type == "code":
            try:
                text = run_cell((replace or {}).get(cell.source, cell.source), namespace)
            except Exception as error:  # a cell the chapter shows failing on purpose, as the kernel shows it
                if "raises-exception" not in cell.metadata.get("tags", []):
                    raise
                text = f"{type(error).__name__}: {error}"
            if shown is not None:
                shown[cell.source] = text
    return namespace


def exercises(chapter: str) -> list[Exercise]:
    cells = nbformat.read(NOTEBOOKS / chapter, as_version=4).cells
    tagged = {tag: [c.source for c in cells if tag in c.metadata.get("tags", [])]
              for tag in ("exercise", "check", "solution")}
    solutions = [re.search(r"```python\n(.*?)```", text, re.S)[1] for text in tagged["solution"]]
    assert len(tagged["exercise"]) == len(tagged["check"]) == len(solutions) >= 2
    return [Exercise(*parts) for parts in zip(tagged["exercise"], tagged["check"], solutions)]


def answer(namespace: dict, exercise: Exercise, code: str) -> str:
    """Run ``code`` in place of the fill-in cell, then the check cell; what the check shows."""
    run_cell(code, namespace)
    return run_cell(exercise.check, namespace)


def exec_showing_a_verdict(source: str, namespace: dict, name: str = "chapter cell") -> None:
    """Run a cell as Jupyter would; a check's verdict (its last expression, a Checked) is printed, as shown."""
    from labkit.exercises import Checked

    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)  # noqa: S102 (the chapter's own code)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)  # noqa: S307
        if isinstance(value, Checked):
            print(value)


def exercise_tests(wrong_answers: dict, unanswered: list[str]):
    """The three tests of a chapter with two exercises, for its test module to name (its fixture ``chapter`` is
    ``(namespace, shown, exercises)`` after Run All): both ship unanswered; each wrong answer (``(number,
    name) -> (code, a part of its reason)``) gets "Not yet" with its reason and the solution passes after it;
    each solution passes after the other's and twice, and leaves no simulation on."""
    cases = list(wrong_answers)

    def test_the_exercises_ship_unanswered(chapter):
        _, shown, (first, second) = chapter
        assert [shown[first.check], shown[second.check]] == unanswered

    @pytest.mark.parametrize("number, wrong", cases, ids=[f"{n}-{w}" for n, w in cases])
    def test_a_wrong_answer_gets_its_reason_and_the_solution_passes_after_it(chapter, number, wrong):
        namespace, _, exercise = chapter
        code, reason = wrong_answers[number, wrong]
        said = answer(namespace, exercise[number - 1], code)
        assert said.startswith("Not yet: ") and "\n" not in said and reason in said, said
        said = answer(namespace, exercise[number - 1], exercise[number - 1].solution)
        assert said.startswith("Right: "), said

    def test_each_exercise_passes_after_the_other_and_twice(chapter):
        namespace, _, exercise = chapter
        for number in (1, 2, 2, 1):
            said = answer(namespace, exercise[number - 1], exercise[number - 1].solution)
            assert said.startswith("Right: "), (number, said)
        front = namespace["lab"].front
        assert not front.conflicts.on and not front.throttling.rules

    return (test_the_exercises_ship_unanswered, test_a_wrong_answer_gets_its_reason_and_the_solution_passes_after_it,
            test_each_exercise_passes_after_the_other_and_twice)
