"""Chapter 7's exercises, run in this process after the chapter itself (Run All): each check sets up what it
checks, says "Not yet" with DynamoDB's reason to plausible wrong answers, and takes the solution after them,
after the other exercise, and twice."""

from __future__ import annotations

import pytest

from exercise_harness import NOTEBOOKS, answer, exercise_tests, exercises, run_all

CHAPTER = "07_transactions.ipynb"


@pytest.fixture(scope="module")
def chapter(lab):
    """The chapter after Run All: its namespace, what each cell showed, its two exercises."""
    shown: dict[str, str] = {}
    return run_all(CHAPTER, shown=shown), shown, exercises(CHAPTER)


def showed(chapter, snippet: str) -> str:
    return next(text for source, text in chapter[1].items() if snippet in source)


def define(params: str, body: str) -> str:
    return f"def {params}:\n" + "\n".join("    " + line for line in body.strip("\n").splitlines())


USER = '{"Put": {"TableName": "Users", "Item": {"Username": {"S": username}, "Email": {"S": email}}, ' \
       '"ConditionExpression": "attribute_not_exists(Username)"}}'
SENTINEL = '{"Put": {"TableName": "Users", "Item": {"Username": {"S": "EMAIL#" + email}}%s}}'
NEW = ', "ConditionExpression": "attribute_not_exists(Username)"'

WRONG_1 = {
    "one item with two conditions": (define("register(username, email)", '''
return client.put_item(TableName="Users", Item={"Username": {"S": username}, "Email": {"S": email}},
                       ConditionExpression="attribute_not_exists(Username) AND attribute_not_exists(Email)")'''),
        "it needs the user and the email's own item"),
    "two single writes": (define("register(username, email)", f'''
client.put_item(**{USER}["Put"])
client.put_item(**{SENTINEL % NEW}["Put"])'''),
        "two single writes are not one transaction"),
    "the email's item unguarded": (define("register(username, email)", f'''
return client.transact_write_items(TransactItems=[{USER}, {SENTINEL % ""}])'''),
        "bob registered with alice's email, and DynamoDB accepted it"),
}

WRONG_2 = {
    "a failed condition retried": (define("send(actions, token)", '''
for attempt in range(8):
    try:
        return client.transact_write_items(TransactItems=actions, ClientRequestToken=token)
    except (client.exceptions.TransactionCanceledException, client.exceptions.TransactionInProgressException):
        if attempt == 7:
            raise
    time.sleep(random.uniform(0, min(1.0, 0.05 * 2 ** attempt)))'''),
        "send tried carol's 500 8 times. DynamoDB's reasons were ['ConditionalCheckFailed', 'None']"),
    "no wait between attempts": (define("send(actions, token)", '''
for attempt in range(8):
    try:
        return client.transact_write_items(TransactItems=actions, ClientRequestToken=token)
    except client.exceptions.TransactionCanceledException as error:
        if "ConditionalCheckFailed" in [r["Code"] for r in error.response["CancellationReasons"]] or attempt == 7:
            raise'''),
        "send gave up on carol's transfer after 8 attempt(s)"),
    "a new token per attempt": (define("send(actions, token)", '''
for attempt in range(8):
    try:
        return client.transact_write_items(TransactItems=actions, ClientRequestToken=str(uuid.uuid4()))
    except client.exceptions.TransactionCanceledException as error:
        if "ConditionalCheckFailed" in [r["Code"] for r in error.response["CancellationReasons"]] or attempt == 7:
            raise
    time.sleep(random.uniform(0, min(1.0, 0.05 * 2 ** attempt)))'''),
        "every retry must send the same ClientRequestToken"),
    "no retry": (define("send(actions, token)", '''
return client.transact_write_items(TransactItems=actions, ClientRequestToken=token)'''),
        "but DynamoDB refused the request: TransactionCanceledException: Transaction cancelled, please refer "
        "cancellation reasons for specific reasons [None, TransactionConflict]"),
}
WRONG_ANSWERS = {**{(1, w): a for w, a in WRONG_1.items()}, **{(2, w): a for w, a in WRONG_2.items()}}
UNANSWERED = ["Not yet: your code raised NotImplementedError: your TransactWriteItems here",
              "Not yet: your code raised NotImplementedError: your retry loop here"]
(test_the_exercises_ship_unanswered, test_a_wrong_answer_gets_its_reason_and_the_solution_passes_after_it,
 test_each_exercise_passes_after_the_other_and_twice) = exercise_tests(WRONG_ANSWERS, UNANSWERED)


def test_the_counts_in_the_prose_come_from_the_output(chapter):
    printed = showed(chapter, "cancelled = guarded.frame")
    assert printed.startswith("cancelled transfers: 2, with the reasons ['None, ConditionalCheckFailed']\n"), printed
    assert printed.endswith("money in Accounts: 1000\n")


def test_exercise_2_checks_by_time_so_a_long_session_with_a_full_trace_still_passes(chapter):
    """The trace keeps its last 100,000 requests: once full, its length stops growing, so a check that marked
    its start by position would see none of its own attempts."""
    namespace, _, exercise = chapter
    trace = namespace["lab"].front.trace
    kept = list(trace)
    try:
        trace.extend([kept[-1]] * (trace.maxlen - len(trace)))
        assert len(trace) == trace.maxlen
        said = answer(namespace, exercise[1], exercise[1].solution)
    finally:  # the lab is shared with the tests after this one
        trace.clear()
        trace.extend(kept)
    assert said.startswith("Right: "), said
