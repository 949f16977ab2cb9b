"""Chapter 7's exercises, run in this process after the chapter itself (Run All): each check sets up what it
checks, says "Not yet" with DynamoDB's reason to plausible wrong answers, and takes the solution after them,
after the other exercise, and twice."""

from __future__ import annotations

import pytest

from chapter_cells import cell, run_chapter, solution, submit

CHAPTER = "07_transactions.ipynb"


@pytest.fixture(scope="module")
def chapter(lab):
    return run_chapter(CHAPTER, skip=("quiz_widget(", "conflict_lab("))


def check(chapter, number):
    return cell(chapter, "def check_register():" if number == 1 else "def check_send():").source


def answer(params: str, body: str) -> str:
    return f"def {params}:\n" + "\n".join("    " + line for line in body.strip("\n").splitlines())


USER = '{"Put": {"TableName": "Users", "Item": {"Username": {"S": username}, "Email": {"S": email}}, ' \
       '"ConditionExpression": "attribute_not_exists(Username)"}}'
SENTINEL = '{"Put": {"TableName": "Users", "Item": {"Username": {"S": "EMAIL#" + email}}%s}}'
NEW = ', "ConditionExpression": "attribute_not_exists(Username)"'

WRONG_1 = {
    "one item with two conditions": (answer("register(username, email)", '''
return client.put_item(TableName="Users", Item={"Username": {"S": username}, "Email": {"S": email}},
                       ConditionExpression="attribute_not_exists(Username) AND attribute_not_exists(Email)")'''),
        "it needs the user and the email's own item"),
    "two single writes": (answer("register(username, email)", f'''
client.put_item(**{USER}["Put"])
client.put_item(**{SENTINEL % NEW}["Put"])'''),
        "two single writes are not one transaction"),
    "the email's item unguarded": (answer("register(username, email)", f'''
return client.transact_write_items(TransactItems=[{USER}, {SENTINEL % ""}])'''),
        "bob registered with alice's email, and DynamoDB accepted it"),
}

WRONG_2 = {
    "a failed condition retried": (answer("send(actions, token)", '''
for attempt in range(8):
    try:
        return client.transact_write_items(TransactItems=actions, ClientRequestToken=token)
    except (client.exceptions.TransactionCanceledException, client.exceptions.TransactionInProgressException):
        if attempt == 7:
            raise
    time.sleep(random.uniform(0, min(1.0, 0.05 * 2 ** attempt)))'''),
        "send tried carol's 500 8 times. DynamoDB's reasons were ['ConditionalCheckFailed', 'None']"),
    "no wait between attempts": (answer("send(actions, token)", '''
for attempt in range(8):
    try:
        return client.transact_write_items(TransactItems=actions, ClientRequestToken=token)
    except client.exceptions.TransactionCanceledException as error:
        if "ConditionalCheckFailed" in [r["Code"] for r in error.response["CancellationReasons"]] or attempt == 7:
            raise'''),
        "send gave up on carol's transfer after 8 attempt(s)"),
    "a new token per attempt": (answer("send(actions, token)", '''
for attempt in range(8):
    try:
        return client.transact_write_items(TransactItems=actions, ClientRequestToken=str(uuid.uuid4()))
    except client.exceptions.TransactionCanceledException as error:
        if "ConditionalCheckFailed" in [r["Code"] for r in error.response["CancellationReasons"]] or attempt == 7:
            raise
    time.sleep(random.uniform(0, min(1.0, 0.05 * 2 ** attempt)))'''),
        "every retry must send the same ClientRequestToken"),
    "no retry": (answer("send(actions, token)", '''
return client.transact_write_items(TransactItems=actions, ClientRequestToken=token)'''),
        "DynamoDB's last answer: TransactionCanceledException: Transaction cancelled, please refer cancellation "
        "reasons for specific reasons [None, TransactionConflict]"),
}


def test_the_exercises_ship_unanswered(chapter):
    assert cell(chapter, "def check_register():").printed.startswith("Not yet: register still raises")
    assert cell(chapter, "def check_send():").printed.startswith("Not yet: send still raises")


@pytest.mark.parametrize("number, wrong", [(1, w) for w in WRONG_1] + [(2, w) for w in WRONG_2],
                         ids=[f"1-{w}" for w in WRONG_1] + [f"2-{w}" for w in WRONG_2])
def test_a_wrong_answer_gets_its_reason_and_the_solution_passes_after_it(chapter, number, wrong):
    namespace = chapter[-1].namespace
    code, reason = (WRONG_1 if number == 1 else WRONG_2)[wrong]
    printed = submit(namespace, code, check(chapter, number))
    assert printed.startswith("Not yet: ") and reason in printed, printed
    printed = submit(namespace, solution(CHAPTER, number), check(chapter, number))
    assert printed.startswith("Right: "), printed


def test_each_exercise_passes_after_the_other_and_twice(chapter):
    namespace = chapter[-1].namespace
    for number in (1, 2, 2, 1):
        printed = submit(namespace, solution(CHAPTER, number), check(chapter, number))
        assert printed.startswith("Right: "), (number, printed)
    assert namespace["lab"].front.conflicts.describe().endswith("(lab.conflicts() switches them on)")


def test_the_counts_in_the_prose_come_from_the_output(chapter):
    printed = cell(chapter, "cancelled = guarded.frame").printed
    assert printed.startswith("cancelled transfers: 2, with the reasons ['None, ConditionalCheckFailed']\n"), printed
    assert printed.endswith("money in Accounts: 1000\n")
