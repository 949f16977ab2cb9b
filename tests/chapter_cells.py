"""Run a chapter's code cells in this process, as Run All would, keeping what each printed and the names it
left; and submit an exercise answer to a check cell, reading the one line the check printed."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


@dataclass
class Ran:
    source: str
    printed: str
    value: object
    namespace: dict  # the chapter's names after this cell (the one namespace of the run)


def run(source: str, namespace: dict) -> tuple[str, object]:
    """Run a cell as a kernel would: what it printed, and the value of its last expression."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exec(compile(tree, "chapter", "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), "chapter", "eval"), namespace) if last else None
    return printed.getvalue(), value


def run_chapter(name: str, skip: tuple[str, ...] = ("quiz_widget(",)) -> list[Ran]:
    """Every code cell of ``notebooks/<name>`` but those whose source holds one of ``skip`` (widgets)."""
    from IPython.display import display

    namespace: dict = {"display": display}
    ran = []
    for cell in nbformat.read(NOTEBOOKS / name, as_version=4).cells:
        if cell.cell_type != "code" or any(s in cell.source for s in skip):
            continue
        try:
            printed, value = run(cell.source, namespace)
        except Exception as error:  # a cell the chapter shows failing on purpose
            if "raises-exception" not in cell.metadata.get("tags", []):
                raise
            printed, value = "", error
        ran.append(Ran(cell.source, printed, value, namespace))
    return ran


def cell(ran: list[Ran], snippet: str) -> Ran:
    """The first cell whose source contains ``snippet``."""
    return next(c for c in ran if snippet in c.source)


def solution(name: str, number: int) -> str:
    """The code of exercise ``number``'s solution, from its collapsed <details> cell."""
    cells = nbformat.read(NOTEBOOKS / name, as_version=4).cells
    revealed = [c.source for c in cells if c.cell_type == "markdown" and "<summary>Solution</summary>" in c.source]
    return re.search(r"```python\n(.*?)```", revealed[number - 1], re.S).group(1)


def submit(namespace: dict, answer: str, check: str) -> str:
    """Run an answer's code, then the check cell's source: the one line the check printed."""
    exec(answer, namespace)
    printed, _ = run(check, namespace)
    assert printed.count("\n") == 1 and printed.startswith(("Right: ", "Not yet: ")), printed
    return printed
