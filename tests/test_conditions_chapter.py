"""Chapter 3 as shipped: every construct shown passing and failing, and exercises whose checks are right.

nbval proves that each saved output is what the cell gives; this proves that the outputs, taken together,
cover what the chapter promises, and that each exercise's check accepts its solution and explains a
wrong answer.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from exercise_harness import exec_showing_a_verdict as _exec_showing_a_verdict

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


def test_reserved_words_placeholders_and_size_get_dynamodbs_messages():
    refused = " ".join(asked for asked, seen in evidence() if seen == {"ValidationException"})
    for message in ("reserved keyword: status", "unused in expressions: keys: {:unused}",
                    "attribute value used in expression is not defined; attribute value: :pending",
                    "Expression size has exceeded the maximum allowed size"):
        assert message in refused


def test_a_pasted_name_rewrites_the_condition_and_a_placeholder_does_not():
    said = {asked.split("\n")[-1]: seen for asked, seen in evidence() if "write_if_unchanged" in asked}
    pasted, placeholder = [seen for asked, seen in said.items() if "attribute_exists(orderId) OR" in asked]
    assert (pasted, placeholder) == ({"succeeded"}, {CCF})


def _is_check(source: str) -> bool:
    return source.lstrip().startswith(("check_answer(", "city = "))


def _run_chapter() -> dict:
    """Run All, as a learner would: every code cell but the widgets (the exercises' checks say "Not yet")."""
    namespace: dict = {}
    for cell in CELLS:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "playground(" in source or "quiz_widget(" in source:
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
    """Run the exercise's check cell in ``namespace``: what it printed (an exception fails the test)."""
    check = next("".join(c["source"]) for c in CELLS if c["cell_type"] == "code"
                 and _is_check("".join(c["source"])) and variable in "".join(c["source"]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _exec_showing_a_verdict(check, namespace, "check cell")
    return out.getvalue()


@pytest.fixture(scope="module")
def chapter():
    return _run_chapter()


EXERCISES = ["ship_condition", "refund_condition"]
SHIP = {"#s": "status"}
SHIP_VALUES = {":pending": {"S": "pending"}, ":yes": {"BOOL": True}}
REFUSED = "Not yet: DynamoDB refused the request: ValidationException: "
# exercise -> plausible wrong answers (condition, names, values) and the start of what the check must say
WRONG = {
    "ship_condition": [
        (("status = :pending AND paid = :yes AND attribute_exists(customer.address.city)", {}, SHIP_VALUES),
         REFUSED + "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"),
        (("#s = :pending AND paid = :yes", SHIP, SHIP_VALUES), "Not yet: ex1-no-city (no city)"),
        (("#s = :pending AND paid = :yes AND customer.address.city <> :none", SHIP, {**SHIP_VALUES, ":none": {"S": ""}}),
         "Not yet: ex1-no-city (no city)"),
        (("#s = :pending AND paid = :yes AND attribute_exists(customer.address.city)", SHIP,
          {":pending": {"S": "pending"}, ":yes": {"S": "true"}}), "Not yet: ex1-ready (pending, paid, with a city)"),
        (("#s = :pending AND attribute_exists(customer.address.city)", SHIP, SHIP_VALUES),
         REFUSED + "Value provided in ExpressionAttributeValues unused in expressions: keys: {:yes}"),
    ],
    "refund_condition": [
        (("refund < :limit", {}, {":limit": {"N": "20"}}), "Not yet: ex2-never (no refund yet"),
        (("attribute_not_exists(refund) OR refund <= :limit", {}, {":limit": {"N": "20"}}), "Not yet: ex2-at-limit"),
        (("attribute_exists(refund) AND refund < :limit", {}, {":limit": {"N": "20"}}), "Not yet: ex2-never"),
        (("attribute_not_exists(refund) OR refund < 20", {}, {}), REFUSED + 'Invalid ConditionExpression: Syntax error; token: "20"'),
    ],
}


def _answer(namespace: dict, variable: str, answer: tuple) -> dict:
    prefix = variable.split("_")[0]
    condition, names, values = answer
    return {**namespace, variable: condition, f"{prefix}_names": names, f"{prefix}_values": values}


def _solved(namespace: dict, variable: str) -> dict:
    namespace = dict(namespace)
    exec(_solution(variable), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("variable", EXERCISES)
def test_as_shipped_each_check_says_not_yet(chapter, variable):
    assert _check(variable, {**chapter, variable: None}).startswith("Not yet")


@pytest.mark.parametrize("variable", EXERCISES)
def test_each_solution_passes_its_check_after_run_all(chapter, variable):
    assert _check(variable, _solved(chapter, variable)).startswith("Right:")


@pytest.mark.parametrize("variable, answer, said", [(v, a, s) for v, cases in WRONG.items() for a, s in cases],
                         ids=[f"{v}-{i}" for v, cases in WRONG.items() for i in range(len(cases))])
def test_a_wrong_answer_is_told_why_with_dynamodbs_reason(chapter, variable, answer, said):
    printed = _check(variable, _answer(chapter, variable, answer))
    assert printed.startswith(said), printed
    assert printed.count("\n") == 1  # one line: the first reason, no traceback


@pytest.mark.parametrize("variable", EXERCISES)
def test_the_solution_passes_after_every_wrong_answer_and_the_other_exercise(chapter, variable):
    other = next(v for v in EXERCISES if v != variable)
    for answer, _ in WRONG[variable] + WRONG[other]:
        _check(variable, _answer(chapter, variable, answer))
        _check(other, _answer(chapter, other, answer))
    assert _check(other, _solved(chapter, other)).startswith("Right:")
    assert _check(variable, _solved(chapter, variable)).startswith("Right:")


@pytest.mark.parametrize("variable", EXERCISES)
def test_the_check_sets_up_its_own_table(chapter, variable):
    """Whatever happened to the scratch table before (gone, or holding other orders), the check builds its own."""
    import labkit

    client = chapter["client"]
    labkit.reset_table(client, "OrderChecks", "orderId")
    client.put_item(TableName="OrderChecks", Item={"orderId": {"S": "ex1-ready"}, "status": {"S": "shipped"}})
    assert _check(variable, _solved(chapter, variable)).startswith("Right:")
    labkit.drop_table(client, "OrderChecks")
    assert _check(variable, _solved(chapter, variable)).startswith("Right:")


def _playground_tries() -> tuple[dict, list[tuple[str, dict, dict]]]:
    """The playground's cell (its item and its preset names and values) and every condition section 16's
    "Things to try" asks the learner to type, with the names and values the bullet says (or, when it says
    none, the preset ones the boxes still hold)."""
    cell = next(c for c in CELLS if c["cell_type"] == "code" and "".join(c["source"]).startswith("playground("))
    call = ast.parse("".join(cell["source"])).body[0].value
    preset = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("names", "values")}
    prose = next("".join(c["source"]) for c in CELLS if c["cell_type"] == "markdown" and "Things to try" in "".join(c["source"]))
    tries = []
    for bullet in re.split(r"\n- ", prose.split("Things to try", 1)[1])[1:]:
        bullet = " ".join(bullet.split())
        for condition in re.findall(r"`([^`]*(?:\w\(|\s(?:=|<>|<=|>=|<|>)\s)[^`]*)`", bullet):
            given = {box: json.loads(m.group(1)) for box in ("names", "values")
                     if (m := re.search(rf"\*{box}\* `([^`]*)`", bullet))}
            tries.append((condition, given.get("names", preset["names"]), given.get("values", preset["values"])))
    return preset, tries


def test_each_condition_the_playground_asks_you_to_try_is_answered_by_its_condition():
    """A try typed as the chapter says is decided by its condition, not refused for a placeholder left over
    in the boxes (the tries once left the preset names and values in, and DynamoDB refused every one)."""
    import labkit
    from labkit.views import check_condition

    _, tries = _playground_tries()
    assert len(tries) >= 2, tries
    lab = labkit.connect("embedded")
    order = {"orderId": {"S": "order-123"}, "status": {"S": "pending"}, "paid": {"BOOL": False}}
    for condition, names, values in tries:
        used = set(re.findall(r"[#:]\w+", condition))
        assert used == set(names) | set(values), (condition, names, values)
        for stored in (True, False):
            label = check_condition(lab, order, condition, names, values, stored=stored, key="orderId").label
            assert label in ("succeeded", CCF), (condition, stored, label)


def test_the_articles_batch_claim_is_corrected_where_batches_are_taught():
    """One home per correction: the expressions article's "a condition per batch item" is corrected by chapter 6,
    which teaches batches (and which the myths chapter links); this chapter once corrected it in full too."""
    import nbformat

    homes = {path.name for path in sorted(CHAPTER.parent.glob("*.ipynb"))
             for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "markdown" and "A source corrected" in cell.source
             and "BatchWriteItem" in cell.source and "expressions article" in cell.source}
    assert homes == {"06_batches_and_retries.ipynb"}, homes
