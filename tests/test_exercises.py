"""labkit.exercises: one way for every chapter's checks to say "Right" or "Not yet: why", DynamoDB's reason
included, never a traceback; and a check's set-up runs before its verification, every time."""

from __future__ import annotations

import labkit
from labkit.exercises import NotYet, answered, check, expect, expect_only, expect_outcome
from labkit.race import race


def test_a_refused_request_is_reported_with_dynamodbs_code_and_message(client, table):
    def verify():
        client.update_item(TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET Role = :r",
                           ExpressionAttributeValues={":r": {"S": "x"}})

    result = check(verify)
    assert not result.passed
    assert result.message.startswith("Not yet: DynamoDB refused the request: ValidationException: ")
    assert "reserved keyword: Role" in result.message


def test_expect_outcome_says_what_was_wanted_and_what_dynamodb_answered(client, table):
    def verify():
        outcome = labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "a"}},
                                 ConditionExpression="attribute_exists(pk)")
        expect_outcome(outcome, "succeeded", "the put should succeed")

    message = check(verify).message
    assert message == ("Not yet: the put should succeed, but DynamoDB refused the request: "
                       "ConditionalCheckFailedException: The conditional request failed")


def test_expect_outcome_names_the_refusal_wanted_when_dynamodb_refused_otherwise(client, table):
    """A put that must fail its condition but is refused for a bad expression is not told "must be refused,
    but DynamoDB refused": the refusal wanted is named beside the one DynamoDB gave."""
    def verify():
        outcome = labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "a"}},
                                 ConditionExpression="pk = :undefined")
        expect_outcome(outcome, "ConditionalCheckFailedException", "the put must be refused")

    assert check(verify).message == (
        "Not yet: the put must be refused with ConditionalCheckFailedException, but DynamoDB refused the request: "
        "ValidationException: Invalid ConditionExpression: An expression attribute value used in expression is "
        "not defined; attribute value: :undefined")


def test_setup_runs_first_and_a_right_answer_says_so(client, table):
    def setup():
        client.put_item(TableName=table, Item={"pk": {"S": "there"}})

    def verify():
        expect("Item" in client.get_item(TableName=table, Key={"pk": {"S": "there"}}), "the set-up did not run")
        return "the item was there."

    assert check(verify, setup=setup).message == "Right: the item was there."
    assert repr(check(lambda: None)) == "Right: that is it."


def test_unanswered_assertions_botocore_and_python_errors_each_get_one_line(client):
    assert check(lambda: answered(None, "CONDITION")).message == (
        "Not yet: set CONDITION in the cell above, run it, then run this cell again.")
    assert check(lambda: answered(..., "bob_command")).passed is False

    def asserts():
        raise AssertionError("one is not two")  # a check written with assert (pytest would rewrite one here)

    assert check(asserts).message == "Not yet: one is not two"
    unsent = check(lambda: client.put_item(TableName="Users", Item={"pk": {"S": "a"}}, Bogus=1)).message
    assert unsent.startswith("Not yet: botocore refused to send the request: Parameter validation failed")
    assert check(lambda: {}["Attributes"]).message == "Not yet: your code raised KeyError: 'Attributes'"

    def raises_not_yet():
        raise NotYet("said plainly")

    assert check(raises_not_yet).message == "Not yet: said plainly"


def test_a_refusal_in_a_race_is_told_by_dynamodbs_reason(lab, client, table):
    def unused_value(writer, client):
        return client.put_item(TableName=table, Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)",
                               ExpressionAttributeValues={":member": {"S": "member"}})

    message = check(lambda: expect_only(race(lab, unused_value, writers=2, mode="staged").frame)).message
    assert message == ("Not yet: DynamoDB refused the request: ValidationException: Value provided in "
                       "ExpressionAttributeValues unused in expressions: keys: {:member}")
    guarded = race(lab, lambda writer, client: client.put_item(TableName=table, Item={"pk": {"S": "b"}},
                                                               ConditionExpression="attribute_not_exists(pk)"),
                   writers=3, mode="staged")
    assert check(lambda: expect_only(guarded.frame)).passed
