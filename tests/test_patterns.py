"""The patterns chapter's scenarios: each naive version breaks its invariant, each guarded one keeps it, and
keeps it because of its conditions (the same writers with their conditions stripped break it)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from labkit.race import get_scenario, race
from labkit.race import patterns  # registers the scenarios of seed 001's patterns

NEW = ["payment_transitions", "role_grant", "order_cleanup", "unique_email"]
GUARDED = [(name, variant) for name in NEW for variant in get_scenario(name).variants if variant != "naive"]
SIZES = (2, 3, 4, 8, 32)
_PLACEHOLDER = re.compile(r"[:#][A-Za-z0-9_]+")


@pytest.mark.parametrize("name", NEW)
def test_naive_version_breaks_in_staged_mode(lab, name):
    kept = [(writers, seed) for writers in SIZES for seed in range(3)
            if race(lab, name, writers=writers, variant="naive", mode="staged", seed=seed).held]
    assert kept == []


@pytest.mark.parametrize("name, variant", GUARDED)
def test_guarded_version_holds_in_staged_mode(lab, name, variant):
    broken = [(writers, seed, result.verdict.numbers) for writers in (1, *SIZES) for seed in range(3)
              if not (result := race(lab, name, writers=writers, variant=variant, mode="staged", seed=seed)).held]
    assert broken == []


@pytest.mark.parametrize("name, variant", GUARDED)
def test_guarded_version_holds_in_every_threaded_run(lab, name, variant):
    broken = [r.verdict.numbers for r in (race(lab, name, writers=16, variant=variant) for _ in range(20)) if not r.held]
    assert broken == []


@pytest.mark.parametrize("name", NEW)
def test_naive_version_breaks_in_most_threaded_runs(lab, name):
    assert sum(not race(lab, name, writers=32, variant="naive").held for _ in range(20)) >= 10


class _Unconditional:
    """A boto3 client that sends every write without its condition (and without the placeholders only the
    condition used): the guarded writers as they would be had their author left the guard out."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name not in ("put_item", "update_item", "delete_item", "transact_write_items"):
            return method

        def call(**params):
            if "TransactItems" in params:
                params["TransactItems"] = [{kind: _strip(body) for kind, body in action.items()}
                                           for action in params["TransactItems"]]
                return method(**params)
            return method(**_strip(params))

        return call


def _strip(params: dict) -> dict:
    params = {k: v for k, v in params.items() if k not in ("ConditionExpression", "ReturnValuesOnConditionCheckFailure")}
    used = set(_PLACEHOLDER.findall(params.get("UpdateExpression", "")))
    for name in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        kept = {k: v for k, v in params.pop(name, {}).items() if k in used}
        if kept:
            params[name] = kept
    return params


class _LabWithoutConditions:
    def __init__(self, lab):
        self.client = lab.client
        self._lab = lab

    def clients(self, n):
        return [_Unconditional(c) for c in self._lab.clients(n)]


@pytest.mark.parametrize("name, variant", GUARDED)
def test_the_condition_is_what_keeps_the_invariant(lab, name, variant):
    assert race(lab, name, writers=4, variant=variant, mode="staged").held
    assert not race(_LabWithoutConditions(lab), name, writers=4, variant=variant, mode="staged").held


def test_a_condition_on_email_sees_only_the_new_users_own_item(lab):
    result = race(lab, "unique_email", writers=5, variant="naive", mode="staged")
    assert set(result.frame["outcome"]) == {"succeeded"}
    members = [item for item in result.final["Members"] if item["email"] == patterns.EMAIL]
    assert sorted(item["userId"] for item in members) == [f"u-{n}" for n in range(1, 6)]


def test_the_email_sentinel_lets_exactly_one_sign_up_through(lab):
    result = race(lab, "unique_email", writers=5, mode="staged")
    assert len(result.winners) == 1
    winner = f"u-{result.winners[0]}"
    losers = result.frame[result.frame["outcome"] != "succeeded"]
    assert set(losers["outcome"]) == {"TransactionCanceledException"}
    assert set(losers["reasons"]) == {"None, ConditionalCheckFailed"}  # the user is new; the email is not
    assert {"pk": f"EMAIL#{patterns.EMAIL}", "userId": winner} in result.final["Members"]
    assert len(result.final["Members"]) == 2  # the winner and its sentinel: no loser's user item was written


def test_the_transition_condition_is_built_from_the_table():
    assert patterns.transition_condition("refunded") == (
        "#state IN (:from0, :from1)", {":from0": {"S": "captured"}, ":from1": {"S": "settled"}})
    assert patterns.transition_condition("captured") == ("#state IN (:from0)", {":from0": {"S": "authorized"}})
    with pytest.raises(ValueError, match="no state may move to 'pending'"):
        patterns.transition_condition("pending")


def test_the_table_condition_admits_any_allowed_state_and_the_seeds_only_the_one_read(lab):
    """A refund prepared while the payment was captured, sent after it was settled: still allowed."""
    client = lab.client
    get_scenario("payment_transitions").setup(client, 1)
    client.update_item(TableName="Payments", Key={"PaymentId": {"S": "pay-1"}}, UpdateExpression="SET #s = :s",
                       ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":s": {"S": "settled"}})
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        patterns.set_state_if_unchanged(client, "captured", "refunded", 9)
    old = patterns.set_state_if_allowed(client, "refunded", 9)["Attributes"]
    assert old["state"] == {"S": "settled"}
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        patterns.set_state_if_allowed(client, "settled", 9)  # refunded is final


def test_naive_payment_services_apply_transitions_the_table_forbids(lab):
    numbers = race(lab, "payment_transitions", writers=4, variant="naive", mode="staged", seed=6).verdict.numbers
    assert numbers["transitions the table forbids"] == "captured -> declined"


def test_a_role_granted_twice_is_held_once_and_billed_twice_without_the_guard(lab):
    naive = race(lab, "role_grant", writers=3, variant="naive", mode="staged")
    assert naive.final["Users"] == [{"Username": "bob", "licences": 3, "roles": {"editor"}}]
    guarded = race(lab, "role_grant", writers=3, mode="staged")
    assert guarded.final["Users"] == [{"Username": "bob", "licences": 1, "roles": {"editor"}}]
    losers = guarded.frame[guarded.frame["outcome"] != "succeeded"]
    assert all(item["roles"] == {"editor"} for item in losers["item"])  # ALL_OLD: why the condition failed


def test_the_guarded_clean_up_leaves_a_restored_order_alone(lab):
    naive = race(lab, "order_cleanup", writers=4, variant="naive", mode="staged")
    assert naive.verdict.numbers["order-123 now"] == "gone"
    assert naive.verdict.numbers["customer told 'order restored'"] == "yes"
    guarded = race(lab, "order_cleanup", writers=4, mode="staged")
    assert guarded.verdict.numbers["order-123 now"] == "pending"
    refused = guarded.frame[(guarded.frame["request"] == "delete_item")]
    assert set(refused["outcome"]) == {"ConditionalCheckFailedException"}
    assert {item["status"] for item in refused["item"]} == {"pending"}


def test_scenario_code_shows_the_requests_the_writers_make():
    code = get_scenario("unique_email").code("guarded")
    assert "client.transact_write_items(" in code and 'f"EMAIL#{EMAIL}"' in code
    code = get_scenario("payment_transitions").code("guarded")
    assert "def transition_condition" in code and "def allowed_from" in code
    assert "NOT contains(#roles, :role)" in get_scenario("role_grant").code("guarded")


# -- the chapter's exercises: each check accepts the solution the chapter reveals and says why a wrong answer is wrong

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "04_patterns.ipynb"


def _cell(containing: str) -> str:
    sources = [cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells if containing in cell.source]
    assert len(sources) == 1, f"{len(sources)} cells contain {containing!r}"
    return sources[0]


def _solutions(containing: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", _cell(containing), re.S)


def _run(namespace: dict, *sources: str) -> None:
    for source in sources:
        exec(source, namespace)


@pytest.fixture
def chapter(lab, capsys):
    """A namespace that has run the chapter's setup cell, and a function that returns what was printed."""
    namespace: dict = {}
    _run(namespace, _cell("lab = labkit.connect()"))
    return namespace, lambda: capsys.readouterr().out


# exercise -> the scenario whose table it uses, and text that finds its fill-in cell, its check cell, its solutions
EXERCISES = {
    1: ("retry_counter", "RETRY_CONDITION = None", "if RETRY_CONDITION is None", 'Say "missing"'),
    2: ("unique_email", "raise NotImplementedError", "def two_members(", "return client.transact_write_items("),
}


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercise_check_says_not_yet_then_accepts_the_solutions(chapter, exercise):
    scenario, fill_in, check, solutions = EXERCISES[exercise]
    namespace, printed = chapter
    get_scenario(scenario).setup(namespace["client"], 6)
    _run(namespace, _cell(fill_in), _cell(check))
    assert printed().startswith("Not yet")
    assert _solutions(solutions)
    for solution in _solutions(solutions):
        _run(namespace, _cell(fill_in), solution, _cell(check))
        assert printed().startswith("Right")


@pytest.mark.parametrize("wrong, why", [
    ("retry_count < max_retries", "No retry was counted"),
    ("attribute_not_exists(retry_count) OR retry_count <= max_retries", "4 retries counted"),
    ("attribute_not_exists(retry_count) OR retry_count < :max", "DynamoDB refused the request"),
])
def test_exercise_1_check_says_why_an_answer_is_wrong(chapter, wrong, why):
    namespace, _ = chapter
    get_scenario("retry_counter").setup(namespace["client"], 6)
    with pytest.raises(AssertionError, match=why):
        _run(namespace, _cell("RETRY_CONDITION = None"), f"RETRY_CONDITION = {wrong!r}",
             _cell("if RETRY_CONDITION is None"))


TWO_REQUESTS = '''
def change_email(client, user_id, old_email, new_email):
    client.put_item(TableName="Members", Item={"pk": {"S": f"EMAIL#{new_email}"}, "userId": {"S": user_id}},
                    ConditionExpression="attribute_not_exists(pk)")
    client.update_item(TableName="Members", Key={"pk": {"S": f"USER#{user_id}"}}, UpdateExpression="SET email = :new",
                       ConditionExpression="email = :old",
                       ExpressionAttributeValues={":new": {"S": new_email}, ":old": {"S": old_email}})
    client.delete_item(TableName="Members", Key={"pk": {"S": f"EMAIL#{old_email}"}})
'''


EMAIL_SET_OUTSIDE = '''
def change_email(client, user_id, old_email, new_email):
    client.update_item(TableName="Members", Key={"pk": {"S": f"USER#{user_id}"}}, UpdateExpression="SET email = :new",
                       ExpressionAttributeValues={":new": {"S": new_email}})
    client.transact_write_items(TransactItems=[
        {"Delete": {"TableName": "Members", "Key": {"pk": {"S": f"EMAIL#{old_email}"}},
                    "ConditionExpression": "userId = :me", "ExpressionAttributeValues": {":me": {"S": user_id}}}},
        {"Put": {"TableName": "Members", "Item": {"pk": {"S": f"EMAIL#{new_email}"}, "userId": {"S": user_id}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
'''


@pytest.mark.parametrize("wrong, why", [
    ("\n".join(line for line in TWO_REQUESTS.splitlines() if "delete_item" not in line), "the old sentinel is still there"),
    (TWO_REQUESTS, "u-2 could take an email"),
    (EMAIL_SET_OUTSIDE, "a refused change still altered the table"),
])
def test_exercise_2_check_says_why_an_answer_is_wrong(chapter, wrong, why):
    namespace, _ = chapter
    get_scenario("unique_email").setup(namespace["client"], 1)
    with pytest.raises(AssertionError, match=why):
        _run(namespace, wrong, _cell("def two_members("))
