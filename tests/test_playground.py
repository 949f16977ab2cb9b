"""The expression playground: DynamoDB's answer from a real write, and an explanation that agrees with it."""

from __future__ import annotations

import collections
import importlib
import re

import pytest

import labkit
from condition_gen import SIZED, TYPES, cases
from labkit.front import expr_eval
from labkit.views import CHECK_CLASS, check_condition, playground

CCF = "ConditionalCheckFailedException"
playground_module = importlib.import_module("labkit.views.playground")  # the package's name is the function


def disagreements(lab, generated) -> tuple[list, collections.Counter, list]:
    """Check every case through the lab: (cases whose explanation disagrees, outcomes, verdicts)."""
    wrong, outcomes, verdicts = [], collections.Counter(), []
    for case in generated:
        verdict = check_condition(lab, case.item, case.condition, case.names, case.values)
        outcomes[verdict.label] += 1
        verdicts.append(verdict)
        decided = verdict.outcome.succeeded or verdict.outcome.code == CCF
        if not decided or verdict.explanation is None or verdict.explanation.value != verdict.outcome.succeeded:
            wrong.append((case, verdict.label, verdict.explanation and verdict.explanation.value))
    return wrong, outcomes, verdicts


def coverage(verdicts) -> collections.Counter:
    """What the explanations went through: functions, comparators, keywords, types, nested and missing paths."""
    seen = collections.Counter()
    for verdict in verdicts:
        for _, step in verdict.explanation.walk():
            node = step.node
            name = type(node).__name__
            if name == "Func":
                seen[node.name] += 1
                if node.name == "attribute_type" and step.value:
                    seen["attribute_type true for " + step.children[1].value["S"]] += 1
                if node.name == "size" and step.value is not None:
                    seen["size of " + next(iter(step.children[0].value))] += 1
            elif name == "Compare":
                seen[node.op] += 1
            elif name == "Path":
                seen["missing path" if step.value is None else "present path"] += 1
                seen["nested path" if len(node.elements) > 1 else "top-level path"] += 1
                seen["list index"] += any(isinstance(e, int) for e in node.elements)
            else:
                seen[name] += 1
            if step.is_condition:
                seen[step.value] += 1
    return seen


@pytest.mark.slow
def test_the_explanation_never_disagrees_with_the_lab_on_generated_conditions(lab):
    wrong, outcomes, verdicts = disagreements(lab, cases(240, 2024))
    assert wrong == []
    assert outcomes["succeeded"] >= 60 and outcomes[CCF] >= 60, outcomes  # both answers, many times
    seen = coverage(verdicts)
    everything = ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size",
                  "=", "<>", "<", "<=", ">", ">=", "Between", "In", "And", "Or", "Not",
                  "missing path", "nested path", "list index"]
    everything += [f"attribute_type true for {t}" for t in TYPES] + [f"size of {t}" for t in SIZED]
    assert [what for what in everything if seen[what] == 0] == []


def wrong_about_missing(condition, item, names, values):
    """An explainer with a common belief built in: a missing attribute is never unequal to anything."""
    original = expr_eval._compare
    try:
        expr_eval._compare = lambda op, left, right: (False if op == "<>" and None in (left, right)
                                                      else original(op, left, right))
        return expr_eval.explain(condition, item, names, values)
    finally:
        expr_eval._compare = original


@pytest.mark.slow
def test_an_explanation_from_another_evaluator_would_be_caught(lab, monkeypatch):
    """The agreement test can fail: the same cases, explained by a subtly different evaluator, disagree."""
    monkeypatch.setattr(playground_module, "explain", wrong_about_missing)
    wrong, _, _ = disagreements(lab, cases(240, 2024))
    assert len(wrong) >= 3


@pytest.mark.slow
def test_the_explanation_agrees_on_the_server_backend():
    lab = labkit.connect("server", port=0)
    try:
        assert lab.endpoint_url.startswith("http://127.0.0.1:")
        wrong, outcomes, _ = disagreements(lab, cases(40, 77))
        assert wrong == [] and outcomes["succeeded"] and outcomes[CCF]
    finally:
        lab.server.stop()


ORDER = {"pk": {"S": "order-123"}, "status": {"S": "pending"}, "amount": {"N": "42"}}


def test_a_refused_request_gets_dynamodbs_message_and_no_explanation(lab):
    verdict = check_condition(lab, ORDER, "status = :p", values={":p": {"S": "pending"}})
    assert verdict.label == "ValidationException"
    assert verdict.outcome.message == ("Invalid ConditionExpression: Attribute name is a reserved keyword; "
                                       "reserved keyword: status")
    assert verdict.explanation is None
    assert "nothing was evaluated" in repr(verdict)


def test_deciding_names_the_clauses_that_settled_the_answer(lab):
    verdict = check_condition(lab, ORDER, "#s = :p AND amount > :big OR attribute_exists(cancelled)",
                              {"#s": "status"}, {":p": {"S": "pending"}, ":big": {"N": "100"}})
    assert verdict.label == CCF
    assert [(s.text, s.value) for s in verdict.deciding()] == [("amount > :big", False),
                                                               ("attribute_exists(cancelled)", False)]
    assert repr(verdict).splitlines()[:3] == [
        "put_item: ConditionalCheckFailedException (The conditional request failed)",
        "false  #s = :p AND amount > :big OR attribute_exists(cancelled)",
        "  false  #s = :p AND amount > :big"]
    assert '      #s (status) = {"S": "pending"}' in repr(verdict).splitlines()


def test_no_item_under_the_key(lab):
    verdict = check_condition(lab, ORDER, "attribute_not_exists(pk)", stored=False)
    assert verdict.label == "succeeded" and verdict.item is None and verdict.explanation.value is True


def test_an_item_without_its_key_is_refused_as_dynamodb_refuses_it(lab):
    verdict = check_condition(lab, {"status": {"S": "x"}}, "attribute_exists(pk)")
    assert verdict.label == "ValidationException"
    assert verdict.outcome.message == "One or more parameter values were invalid: Missing the key pk in the item"


@pytest.fixture
def widget(lab):
    return playground(lab, item={"pk": "order-123", "status": "pending", "tags": {"gift"}, "photo": b"\x01\x02"},
                      condition="#s = :p", names={"#s": "status"}, values={":p": "pending"})


def test_the_widget_writes_items_as_dynamodb_json_and_checks_them(widget):
    assert '"tags": {"SS": ["gift"]}' in widget.item.value and '"photo": {"B": "AQI="}' in widget.item.value
    assert CHECK_CLASS in widget.check._dom_classes
    widget.check.click()
    assert widget.last.label == "succeeded"
    assert widget.last.item["photo"] == {"B": b"\x01\x02"} and widget.last.item["tags"] == {"SS": ["gift"]}
    assert "succeeded" in widget.answer.value
    assert re.findall(r"<tr class='labkit-step labkit-(\w+)' data-depth='(\d)'", widget.explanation.value) == [
        ("true", "0"), ("operand", "1"), ("operand", "1")]


def test_editing_the_condition_changes_the_verdict(widget):
    widget.condition.value = "#s = :p AND contains(tags, :t)"
    widget.values.value = '{":p": {"S": "pending"}, ":t": {"S": "express"}}'
    widget.check.click()
    assert widget.last.label == CCF
    assert "decided by: <code>contains(tags, :t)</code> is false" in widget.answer.value


def test_plain_json_values_and_binary_in_base64(widget):
    widget.names.value = ""
    widget.condition.value = "photo = :b AND size(photo) = :two"
    widget.values.value = '{":b": {"B": "AQI="}, ":two": {"N": "2"}}'
    assert widget.check_once().label == "succeeded"
    widget.values.value = '{":b": "AQI=", ":two": 2}'  # plain JSON: the text is a string, not binary
    assert widget.check_once().label == CCF


@pytest.mark.parametrize("box, text, said", [
    ("item", "{not json", "the item is not valid JSON"),
    ("values", '{":b": {"B": "%%%"}}', "a binary value must be base64 text"),
    ("names", '["#s"]', "the names must be a JSON object"),
])
def test_what_cannot_be_sent_is_said_without_a_traceback(widget, box, text, said):
    getattr(widget, box).value = text
    assert widget.check_once() is None
    assert "Not sent" in widget.answer.value and said in widget.answer.value


def test_a_clause_that_did_not_decide_is_greyed_with_everything_under_it(lab):
    verdict = check_condition(lab, ORDER, "amount > :big OR #s = :p", {"#s": "status"},
                              {":big": {"N": "100"}, ":p": {"S": "pending"}})
    rows = re.findall(r"data-depth='(\d)' style='([^']*)'", playground_module.explanation_html(verdict))
    assert rows == [("0", ""), ("1", ";opacity:0.5"), ("2", ";opacity:0.5"), ("2", ";opacity:0.5"),
                    ("1", ""), ("2", ""), ("2", "")]
