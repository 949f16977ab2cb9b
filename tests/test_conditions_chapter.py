"""Chapter 3 as shipped: every construct shown passing and failing, and exercises whose checks are right.

nbval proves that each saved output is what the cell gives; this proves that the outputs, taken together,
cover what the chapter promises, and that each exercise's check accepts its solution and explains a
wrong answer.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

CHAPTER = Path(__file__).parent.parent / "notebooks" / "03_condition_expressions.ipynb"
CCF = "ConditionalCheckFailedException"
CELLS = json.loads(CHAPTER.read_text())["cells"]


def _text(output) -> str:
    text = output.get("text") or output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def evidence() -> list[tuple[str, set]]:
    """(what was asked, outcomes seen): a one-request cell's source and its outcome, or a table row."""
    found = []
    for cell in CELLS:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for output in map(_text, cell.get("outputs", [])):
            single = re.fullmatch(r"put_item: (\w+)(?: \(.*\))?", output.strip(), re.S)
            if single:
                found.append((source + " " + output, {single.group(1)}))
            else:
                found += [(line, set(re.findall(r"\b(succeeded|\w+Exception)\b", line)))
                          for line in output.splitlines()]
    return found


CONSTRUCTS = {
    "attribute_exists": r"(?<!not_)attribute_exists\(", "attribute_not_exists": r"attribute_not_exists\(",
    "attribute_type": r"attribute_type\(", "begins_with": r"begins_with\(",
    "contains on a string": r"contains\(customer\.tier", "contains on a set": r"contains\((tags|couponValues)",
    "size": r"size\(", "=": r"\w = :", "<>": r"\w <> :", "<": r"\w < :", "<=": r"\w <= :", ">": r"\w > :",
    ">=": r"\w >= :", "BETWEEN": r" BETWEEN ", "IN": r" IN \(", "AND": r" AND ", "OR": r" OR ", "NOT": r"NOT ",
    "nested path": r"[\w\]]\.\w+ = :", "list index": r"\[\d\]", "#name": r"#\w+ = :", "missing attribute": r"discount",
}


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_every_construct_is_shown_passing_and_failing(construct):
    outcomes = set().union(*(seen for asked, seen in evidence() if re.search(CONSTRUCTS[construct], asked)))
    assert {"succeeded", CCF} <= outcomes, f"{construct}: only {outcomes or 'nothing'}"


def test_attribute_type_succeeds_for_each_of_the_ten_types_and_size_for_each_sized_type():
    lines = [asked for asked, seen in evidence() if seen == {"succeeded"}]
    for kind in ("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"):
        assert any(f", '{kind}')" in line for line in lines), kind
    for path in ("customer.tier", "signature", "tags", "couponValues", "thumbprints", "lineItems", "customer"):
        assert any(f"size({path}) = " in line for line in lines), path  # S, B, SS, NS, BS, L, M


def test_reserved_words_and_placeholders_get_dynamodbs_messages():
    refused = " ".join(asked for asked, seen in evidence() if seen == {"ValidationException"})
    for message in ("reserved keyword: status", "unused in expressions: keys: {:unused}",
                    "attribute value used in expression is not defined; attribute value: :pending",
                    "function is not allowed in a condition expression; function: if_not_exists"):
        assert message in refused


def _is_check(source: str) -> bool:
    return source.lstrip().startswith(("check_answer(", "city = "))


def _run_chapter() -> dict:
    """Run the chapter's code cells in this process, all but the widgets and the exercises' check cells."""
    namespace: dict = {}
    for cell in CELLS:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "playground(" in source or "quiz_widget(" in source or _is_check(source):
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, "chapter cell", "exec"), namespace)  # noqa: S102 (the chapter's own code)
    return namespace


def _solution(variable: str) -> str:
    """The code of the <details> solution that sets ``variable``."""
    for cell in CELLS:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "<summary>Solution</summary>" in text and f"{variable} =" in text:
            return re.search(r"```python\n(.*?)```", text, re.S).group(1)
    raise AssertionError(f"no solution sets {variable}")


def _check(variable: str, namespace: dict) -> str:
    check = next("".join(c["source"]) for c in CELLS if c["cell_type"] == "code"
                 and _is_check("".join(c["source"])) and variable in "".join(c["source"]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(check, "check cell", "exec"), namespace)  # noqa: S102
    return out.getvalue()


@pytest.fixture(scope="module")
def chapter():
    return _run_chapter()


@pytest.mark.parametrize("variable", ["ship_condition", "refund_condition"])
def test_as_shipped_each_check_says_not_yet(chapter, variable):
    assert _check(variable, {**chapter, variable: None}).startswith("Not yet")


@pytest.mark.parametrize("variable", ["ship_condition", "refund_condition"])
def test_each_solution_passes_its_check(chapter, variable):
    namespace = dict(chapter)
    exec(_solution(variable), namespace)  # noqa: S102
    assert _check(variable, namespace).startswith("Right:")


@pytest.mark.parametrize("variable, wrong, why", [
    ("refund_condition", ("refund < :limit", {":limit": {"N": "20"}}), "ex2-never (no refund yet"),
    ("refund_condition", ("attribute_not_exists(refund) OR refund <= :limit", {":limit": {"N": "20"}}), "ex2-at-limit"),
    ("ship_condition", ("#s = :pending AND paid = :yes", {":pending": {"S": "pending"}, ":yes": {"BOOL": True}}),
     "ex1-no-city (no city)"),
])
def test_a_wrong_answer_is_told_why(chapter, variable, wrong, why):
    prefix = variable.split("_")[0]
    condition, values = wrong
    namespace = {**chapter, variable: condition, f"{prefix}_values": values,
                 f"{prefix}_names": {"#s": "status"} if "#s" in condition else {}}
    with pytest.raises(AssertionError, match=re.escape(why)):
        _check(variable, namespace)
