"""The patterns chapter's scenarios: each naive version breaks its invariant, each guarded one keeps it, and
keeps it because of its conditions (the same writers with their conditions stripped break it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from labkit.race import get_scenario, race
from labkit.race import patterns  # registers the scenarios of seed 001's patterns
from exercise_harness import exec_showing_a_verdict as _exec_showing_a_verdict

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


# -- the chapter's exercises: each check sets up its own table, accepts the solutions the chapter reveals after
# Run All, after wrong answers and after the other exercise, and says "Not yet" with the reason for a wrong answer

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "04_patterns.ipynb"
CELLS = nbformat.read(NOTEBOOK, as_version=4).cells


def _cell(containing: str) -> str:
    sources = [cell.source for cell in CELLS if containing in cell.source]
    assert len(sources) == 1, f"{len(sources)} cells contain {containing!r}"
    return sources[0]


def _solutions(containing: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", _cell(containing), re.S)


def _run(namespace: dict, *sources: str) -> None:
    for source in sources:
        _exec_showing_a_verdict(source, namespace)


@pytest.fixture(scope="module")
def run_all(lab):
    """The chapter after Run All, as a learner would click it (widgets aside): its namespace."""
    namespace: dict = {}
    for cell in CELLS:
        if cell.cell_type == "code" and "race_lab(" not in cell.source and "quiz_widget(" not in cell.source:
            _run(namespace, cell.source)
    return namespace


@pytest.fixture
def chapter(run_all, capsys):
    """The Run All namespace, and a function that returns what was printed since it was last called."""
    capsys.readouterr()
    return dict(run_all), lambda: capsys.readouterr().out


RETRY_FILL_IN, RETRY_CHECK = "RETRY_CONDITION = None", "def six_failed_runs("
EMAIL_FILL_IN, EMAIL_CHECK = "raise NotImplementedError", "def move_ann_then_two_refused_changes("
VALUES = '{":zero": {"N": "0"}, ":one": {"N": "1"}}'

RETRY_WRONG = [
    ("retry_count < max_retries", VALUES, "Not yet: no retry was counted"),
    ("attribute_not_exists(retry_count) OR retry_count <= max_retries", VALUES, "Not yet: 4 retries counted"),
    ("attribute_not_exists(retry_count) OR retry_count < :max", VALUES,
     "Not yet: DynamoDB refused the request: ValidationException: Invalid ConditionExpression: An expression "
     "attribute value used in expression is not defined; attribute value: :max"),
    ("if_not_exists(retry_count, :zero) < :max_retries", VALUES[:-1] + ', ":max_retries": {"N": "3"}}',
     "Not yet: DynamoDB refused the request: ValidationException: Invalid ConditionExpression: The function is "
     "not allowed in a condition expression; function: if_not_exists"),
]

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
    return client.transact_write_items(TransactItems=[
        {"Delete": {"TableName": "Members", "Key": {"pk": {"S": f"EMAIL#{old_email}"}},
                    "ConditionExpression": "userId = :me", "ExpressionAttributeValues": {":me": {"S": user_id}}}},
        {"Put": {"TableName": "Members", "Item": {"pk": {"S": f"EMAIL#{new_email}"}, "userId": {"S": user_id}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
'''


def _email_solution() -> str:
    [solution] = _solutions("return client.transact_write_items(")
    return solution


EMAIL_WRONG = [
    ("\n".join(line for line in TWO_REQUESTS.splitlines() if "delete_item" not in line),
     "Not yet: the old sentinel is still there"),
    (TWO_REQUESTS, "Not yet: u-2 could take an email that u-1 owns"),
    (EMAIL_SET_OUTSIDE, "Not yet: a refused change still altered the table"),
    ("_no_value_", "Not yet: DynamoDB refused the request: ValidationException: Invalid ConditionExpression: An "
                   "expression attribute value used in expression is not defined; attribute value: :me"),
    ("_wrong_owner_", "Not yet: DynamoDB refused the request: TransactionCanceledException: Transaction cancelled, "
                      "please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]"),
]


def _wrong_email(code: str) -> str:
    """A named mistake made in the chapter's own solution: a value left out, or the sentinel's owner mistaken."""
    if code == "_no_value_":
        return _email_solution().replace('\n            "ExpressionAttributeValues": {":me": {"S": user_id}},', "", 1)
    if code == "_wrong_owner_":
        return _email_solution().replace('{":me": {"S": user_id}}', '{":me": {"S": old_email}}', 1)
    return code


def _retry(namespace, condition, values):
    _run(namespace, _cell(RETRY_FILL_IN), f"RETRY_CONDITION = {condition!r}\nRETRY_VALUES = {values}", _cell(RETRY_CHECK))


def _email(namespace, code):
    _run(namespace, code, _cell(EMAIL_CHECK))


def test_after_run_all_each_check_says_not_yet(chapter):
    namespace, printed = chapter
    _run(namespace, _cell(RETRY_FILL_IN), _cell(RETRY_CHECK), _cell(EMAIL_FILL_IN), _cell(EMAIL_CHECK))
    assert printed().splitlines() == [
        "Not yet: set RETRY_CONDITION in the cell above, run it, then run this cell again.",
        "Not yet: write change_email in the cell above, run it, then run this cell again."]


def test_after_run_all_each_solution_passes(chapter):
    namespace, printed = chapter
    assert len(_solutions('Say "missing"')) == 2
    for solution in _solutions('Say "missing"'):
        _run(namespace, _cell(RETRY_FILL_IN), solution, _cell(RETRY_CHECK))
        assert printed().startswith("Right: six failed runs, three retries counted")
    _email(namespace, _email_solution())
    assert printed().startswith("Right: the email moved with its sentinel")


@pytest.mark.parametrize("condition, values, said", RETRY_WRONG, ids=range(len(RETRY_WRONG)))
def test_exercise_1_says_why_an_answer_is_wrong(chapter, condition, values, said):
    namespace, printed = chapter
    _retry(namespace, condition, values)
    assert printed().startswith(said)


@pytest.mark.parametrize("code, said", EMAIL_WRONG, ids=range(len(EMAIL_WRONG)))
def test_exercise_2_says_why_an_answer_is_wrong(chapter, code, said):
    namespace, printed = chapter
    _email(namespace, _wrong_email(code))
    out = printed()
    assert out.startswith(said), out
    assert out.count("\n") == 1


def test_each_solution_passes_after_every_wrong_answer_and_the_other_exercise(chapter):
    namespace, printed = chapter
    for (condition, values, _), (code, _) in zip(RETRY_WRONG, EMAIL_WRONG):
        _retry(namespace, condition, values)
        _email(namespace, _wrong_email(code))
    _email(namespace, _email_solution())
    for solution in _solutions('Say "missing"'):
        _run(namespace, _cell(RETRY_FILL_IN), solution, _cell(RETRY_CHECK))
    _email(namespace, _email_solution())
    assert [line.split(":")[0] for line in printed().splitlines()[-3:]] == ["Right"] * 3


def test_each_check_sets_up_its_own_table(chapter):
    """The tables gone, or left by a race in another shape: the checks build what they check against."""
    namespace, printed = chapter
    client = namespace["client"]
    get_scenario("retry_counter").setup(client, 2)   # job-7 at its limit, max_retries 1
    get_scenario("unique_email").setup(client, 4)
    _run(namespace, _cell(RETRY_FILL_IN), _solutions('Say "missing"')[0], _cell(RETRY_CHECK))
    _email(namespace, _email_solution())
    import labkit

    labkit.drop_table(client, "Jobs")
    labkit.drop_table(client, "Members")
    _run(namespace, _cell(RETRY_FILL_IN), _solutions('Say "missing"')[0], _cell(RETRY_CHECK))
    _email(namespace, _email_solution())
    assert [line.split(":")[0] for line in printed().splitlines()] == ["Right"] * 4


def test_the_source_s_if_not_exists_condition_is_refused_in_the_chapter():
    assert "function is not allowed in a condition expression; function: if_not_exists" in "".join(
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in CELLS if cell.cell_type == "code" for output in cell.outputs)


def test_requests_show_the_boto3_and_keep_the_engine_in_a_disclosure():
    code = get_scenario("order_cleanup").code("guarded")
    assert "def delete_if_cancelled(client)" in code.requests and "yield" not in code.requests
    assert "yield read(read_order)" in code.program
    assert code._repr_markdown_().count("<details>") == 1


def test_section_2_shows_boto3_races_naive_then_guarded_and_its_prose_matches_its_output():
    """Section 2 (optimistic locking) holds no engine code, and what it says the races showed, they show."""
    start = next(i for i, c in enumerate(CELLS) if c.source.startswith("## 2. Optimistic locking with a version"))
    end = next(i for i, c in enumerate(CELLS) if i > start and c.source.startswith("## "))  # 2b, the stale read
    section = CELLS[start:end]
    code = "\n".join(c.source for c in section if c.cell_type == "code")
    assert not re.search(r"own_request|Verdict|yield|\.setup", code), code
    prose = "\n".join(c.source for c in section if c.cell_type == "markdown")
    assert "seed" not in prose.lower() and "Chapter 1" not in prose and "expressions article" in prose

    def shown(snippet):
        [cell] = [c for c in section if c.cell_type == "code" and snippet in c.source]
        return "".join(str(o.get("data", {}).get(kind, "")) for o in cell.outputs
                       for kind in ("text/html", "text/markdown", "text/plain"))

    assert "<details>" in shown('.code("guarded")')
    assert "hits in the table: <b>1</b>" in shown('variant="naive"') and "`hits` is 1" in prose
    assert "hits in the table: <b>8</b>" in shown('retry="immediate"')
    assert "'hits': {'N': '8'}" in shown("client.get_item(") and "eight increments, `hits` is 8" in prose


@pytest.mark.parametrize("name", ["04_patterns.ipynb", "06_batches_and_retries.ipynb"])
def test_a_race_with_cancelled_transactions_says_their_charge_is_the_labs_assumption(name):
    """The summary's capacity line leaves a cancelled transaction out (the lab charges it nothing); the
    documentation does not settle that, so the prose right after each such race says it is assumed."""
    cells = nbformat.read(Path(__file__).parent.parent / "notebooks" / name, as_version=4).cells
    races = [i for i, cell in enumerate(cells) if cell.cell_type == "code" and any(
        "labkit-race-summary" in html and "TransactionCanceledException" in html
        for html in (output.get("data", {}).get("text/html", "") for output in cell.get("outputs", [])))]
    assert races, "no race with a cancelled transaction: the test no longer looks at anything"
    for index in races:
        prose = next(cell.source for cell in cells[index + 1:] if cell.cell_type == "markdown")
        assert "the lab's assumption" in prose and "07_transactions.ipynb#what-it-costs" in prose, (name, index)


def test_the_chapter_puts_the_capacity_line_where_the_summary_shows_it(lab):
    """The summary's capacity line comes just before the items the race left, not last."""
    lines = race(lab, "optimistic_lock", writers=2, mode="staged").summary_lines()
    capacity = next(i for i, line in enumerate(lines) if line.startswith("capacity charged"))
    assert lines[capacity + 1].startswith("final ") and capacity < len(lines) - 1
    prose = " ".join(" ".join(cell.source.split()) for cell in nbformat.read(NOTEBOOK, as_version=4).cells
                     if cell.cell_type == "markdown")
    for wrong in ("summary ends with the capacity", "last line of every race summary"):
        assert wrong not in prose
    assert "just above the items the race left" in prose and "`capacity charged` line of every race summary" in prose
