"""The patterns chapter's stale-read section: its two exercises accept the solutions they reveal, after Run All
and after wrong answers, and say "Not yet" with the reason to two plausible wrong answers each."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "04_patterns.ipynb"


def _cells() -> list:
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _cell(containing: str) -> str:
    sources = [cell.source for cell in _cells() if containing in cell.source]
    assert len(sources) == 1, f"{len(sources)} cells contain {containing!r}"
    return sources[0]


def _by_id(cell_id: str) -> str:
    [source] = [cell.source for cell in _cells() if cell.get("id") == cell_id]
    return source


def _solution(containing: str) -> str:
    [solution] = re.findall(r"```python\n(.*?)```", _cell(containing), re.S)[:1]
    return solution


def _run(namespace: dict, *sources: str) -> None:
    for source in sources:
        exec(source, namespace)


@pytest.fixture(scope="module")
def chapter(lab):
    """A namespace that has run the chapter from its start to the end of the stale-read section (Run All)."""
    namespace: dict = {}
    cells = [c for c in _cells() if c.cell_type == "code"]
    last = next(i for i, c in enumerate(cells) if "DEPOSIT_CONDITION is None" in c.source)
    _run(namespace, *(c.source for c in cells[:last + 1]))
    return namespace


READ_FILL_IN, READ_CHECK = "a7c3e2bc", "def one_deposit_after_another("  # the fill-in cell by its id
CONDITION_FILL_IN, CONDITION_CHECK = "DEPOSIT_CONDITION = None", "def deposit_with_your_condition("


def _printed(capsys) -> str:
    return capsys.readouterr().out


def test_the_section_sits_between_sections_2_and_3_and_says_it_simulates():
    headings = [c.source.splitlines()[0] for c in _cells() if c.cell_type == "markdown" and c.source.startswith("## ")]
    at = headings.index("## 2b. The stale read")
    assert headings[at - 1].startswith("## 2. ") and headings[at + 1].startswith("## 3. ")
    demo = next(c for c in _cells() if "lab.stale_reads(lag_seconds=1.0, seed=1" in c.source and "print(simulation)" in c.source)
    assert "".join(o.get("text", "") for o in demo.outputs).startswith("simulated: stale reads: on (Wallets)")


def test_after_run_all_both_checks_say_not_yet(chapter, capsys):
    _run(chapter, _by_id(READ_FILL_IN), _cell(READ_CHECK))
    assert _printed(capsys).startswith("Not yet: with seed")
    _run(chapter, _cell(CONDITION_FILL_IN), _cell(CONDITION_CHECK))
    assert _printed(capsys).startswith("Not yet: set DEPOSIT_CONDITION")


@pytest.mark.parametrize("wrong, why", [
    ("ConsistentRead=False", "Not yet: with seed"),  # said out loud, still the default
    ('ConsistentRead="true"', "Not yet: DynamoDB refused the read: ParamValidationError"),
])
def test_exercise_2b_1_says_why_a_wrong_read_is_wrong_then_takes_the_solution(chapter, capsys, wrong, why):
    fill_in = _by_id(READ_FILL_IN)
    wrong_read = fill_in.replace('"w-1"}})', '"w-1"}}, ' + wrong + ')')
    assert wrong_read != fill_in
    _run(chapter, wrong_read, _cell(READ_CHECK))
    assert _printed(capsys).startswith(why)
    _run(chapter, _solution("Ask for a strongly consistent read"), _cell(READ_CHECK))
    assert _printed(capsys).startswith("Right")


@pytest.mark.parametrize("wrong, why", [
    ("attribute_exists(version)", "Not yet: DynamoDB refused the request: ValidationException: Value provided in "
                                  "ExpressionAttributeValues unused in expressions: keys: {:expected}"),
    ("version >= :expected", "Not yet: with seed 0, "),
])
def test_exercise_2b_2_says_why_a_wrong_condition_is_wrong_then_takes_the_solution(chapter, capsys, wrong, why):
    _run(chapter, _cell(CONDITION_FILL_IN), f"DEPOSIT_CONDITION = {wrong!r}", _cell(CONDITION_CHECK))
    assert _printed(capsys).startswith(why)
    _run(chapter, _cell(CONDITION_FILL_IN), _solution("Demand the version that was read"), _cell(CONDITION_CHECK))
    assert _printed(capsys).startswith("Right")


def test_each_solution_passes_after_the_other_exercises_solution(chapter, capsys):
    _run(chapter, _cell(CONDITION_FILL_IN), _solution("Demand the version that was read"), _cell(CONDITION_CHECK),
         _solution("Ask for a strongly consistent read"), _cell(READ_CHECK), _cell(CONDITION_CHECK))
    assert _printed(capsys).splitlines() == [
        "Right: three races, every deposit counted, the stale ones refused and retried.",
        "Right: eight deposits, each read saw the one before it, and each balance is 20.",
        "Right: three races, every deposit counted, the stale ones refused and retried."]
