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
