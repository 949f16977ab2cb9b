"""The evaluator's explain mode: every sub-expression's value, recorded by the code that decides."""

from __future__ import annotations

import pytest

from condition_gen import cases
from labkit.front.expr_eval import source
from labkit.front.expr_parse import parse
from labkit.front.expressions import evaluate, explain, validate_request

ITEM = {"pk": {"S": "k"}, "status": {"S": "pending"}, "amount": {"N": "42"},
        "customer": {"M": {"address": {"M": {"city": {"S": "Lyon"}}}}},
        "basket": {"L": [{"M": {"sku": {"S": "A-1"}}}]}, "tags": {"SS": ["gift", "express"]}}


def tree(condition: str, names=None, values=None):
    params = {"ConditionExpression": condition}
    if names:
        params["ExpressionAttributeNames"] = names
    if values:
        params["ExpressionAttributeValues"] = values
    return validate_request("PutItem", params).condition


def rows(step) -> list[tuple]:
    return [(depth, s.text, s.value, s.decided) for depth, s in step.walk()]


def generated(count: int, seed: int):
    for case in cases(count, seed):
        yield case, tree(case.condition, case.names, case.values)


def test_the_explanation_root_is_the_decision_on_generated_conditions():
    seen = {True: 0, False: 0}
    for case, condition in generated(1000, 3):
        decided = evaluate(condition, case.item, case.names, case.values)
        explained = explain(condition, case.item, case.names, case.values)
        assert explained.value is decided, case
        seen[decided] += 1
    assert min(seen.values()) > 200  # both answers well represented


def test_every_clause_is_recorded_with_its_operands():
    values = {":p": {"S": "pending"}, ":min": {"N": "50"}, ":c": {"S": "Lyon"}}
    step = explain(tree("#s = :p OR amount > :min AND customer.address.city = :c", {"#s": "status"}, values),
                   ITEM, {"#s": "status"}, values)
    # AND binds tighter than OR: the tree shows the precedence DynamoDB applied
    assert rows(step) == [
        (0, "#s = :p OR amount > :min AND customer.address.city = :c", True, True),
        (1, "#s = :p", True, True),
        (2, "#s", {"S": "pending"}, True),
        (2, ":p", {"S": "pending"}, True),
        (1, "amount > :min AND customer.address.city = :c", False, False),  # a false clause of a true OR
        (2, "amount > :min", False, True),
        (3, "amount", {"N": "42"}, True),
        (3, ":min", {"N": "50"}, True),
        (2, "customer.address.city = :c", True, False),  # a true clause of a false AND
        (3, "customer.address.city", {"S": "Lyon"}, True),
        (3, ":c", {"S": "Lyon"}, True),
    ]


def test_missing_attributes_and_size_show_what_the_evaluator_saw():
    values = {":n": {"N": "2"}, ":x": {"S": "x"}}
    step = explain(tree("size(basket[3]) < :n OR nothing <> :x OR NOT contains(tags, :x)", values=values),
                   ITEM, None, values)
    assert rows(step) == [
        (0, "size(basket[3]) < :n OR nothing <> :x OR NOT contains(tags, :x)", True, True),
        (1, "size(basket[3]) < :n", False, False),
        (2, "size(basket[3])", None, True),  # no size: missing
        (3, "basket[3]", None, True),
        (2, ":n", {"N": "2"}, True),
        (1, "nothing <> :x", True, True),  # a missing attribute is unequal to anything
        (2, "nothing", None, True),
        (2, ":x", {"S": "x"}, True),
        (1, "NOT contains(tags, :x)", True, True),
        (2, "contains(tags, :x)", False, True),
        (3, "tags", {"SS": ["gift", "express"]}, True),
        (3, ":x", {"S": "x"}, True),
    ]


def test_no_item_is_explained_as_every_attribute_missing():
    step = explain(tree("attribute_not_exists(pk) AND NOT attribute_exists(amount)"), None, None, None)
    assert [(s.text, s.value) for _, s in step.walk()] == [
        ("attribute_not_exists(pk) AND NOT attribute_exists(amount)", True),
        ("attribute_not_exists(pk)", True), ("pk", None),
        ("NOT attribute_exists(amount)", True), ("attribute_exists(amount)", False), ("amount", None)]


@pytest.mark.parametrize("condition", [
    "a BETWEEN :lo AND :hi", "a IN (:x, :y, :z)", "(a = :x OR b = :y) AND NOT (c < :z)",
    "attribute_type(#t, :x) AND begins_with(m.l[0].#t, :y)", "NOT NOT a = :x", "((a = :x) OR b = :y) AND c = :z",
])
def test_source_writes_a_sub_expression_as_it_was_written(condition):
    assert source(parse("condition", condition).tree) == condition


def test_source_round_trips_every_generated_condition():
    for case, condition in generated(300, 5):
        assert source(condition) == case.condition
