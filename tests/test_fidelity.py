"""The lab answers as DynamoDB does where moto 5.2.5 does not (../shared/facts.md, "Where moto differs").

Each test names the gap it closes; each fails against raw moto.
"""

from __future__ import annotations

import pytest

import labkit


def item(client, table, key="k"):
    return client.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")


def transfer(table, token=None, amount="10"):
    params = {"TransactItems": [
        {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET bal = bal - :x",
                    "ConditionExpression": "bal >= :x", "ExpressionAttributeValues": {":x": {"N": amount}}}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET bal = bal + :x",
                    "ExpressionAttributeValues": {":x": {"N": amount}}}},
    ]}
    if token:
        params["ClientRequestToken"] = token
    return params


@pytest.fixture
def accounts(client, table):
    for key in "ab":
        client.put_item(TableName=table, Item={"pk": {"S": key}, "bal": {"N": "100"}})
    return table


def balances(client, table):
    return [int(item(client, table, k)["bal"]["N"]) for k in "ab"]


# -- ClientRequestToken ----------------------------------------------------------------------------

def test_replay_with_the_same_token_changes_nothing(client, accounts):
    client.transact_write_items(**transfer(accounts, token="t-1"))
    again = labkit.attempt(client.transact_write_items, **transfer(accounts, token="t-1"))
    assert again.succeeded
    assert balances(client, accounts) == [90, 110]


def test_same_token_other_parameters_is_a_mismatch(client, accounts):
    client.transact_write_items(**transfer(accounts, token="t-2"))
    other = labkit.attempt(client.transact_write_items, **transfer(accounts, token="t-2", amount="20"))
    assert other.code == "IdempotentParameterMismatchException"
    assert balances(client, accounts) == [90, 110]


def test_token_expires_after_ten_minutes_on_the_lab_clock(lab, client, accounts):
    client.transact_write_items(**transfer(accounts, token="t-3"))
    lab.clock.advance(minutes=9)
    client.transact_write_items(**transfer(accounts, token="t-3"))
    assert balances(client, accounts) == [90, 110]
    lab.clock.advance(minutes=11)
    client.transact_write_items(**transfer(accounts, token="t-3"))
    assert balances(client, accounts) == [80, 120]


def test_replay_reports_read_capacity(client, accounts):
    first = client.transact_write_items(**transfer(accounts, token="t-4"), ReturnConsumedCapacity="TOTAL")
    replay = client.transact_write_items(**transfer(accounts, token="t-4"), ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"][0]["WriteCapacityUnits"] == 4.0  # 2 items x 1 KB x 2 (prepare + commit)
    assert "ReadCapacityUnits" in replay["ConsumedCapacity"][0]
    assert "WriteCapacityUnits" not in replay["ConsumedCapacity"][0]


# -- transactions ----------------------------------------------------------------------------------

def test_transaction_is_all_or_nothing_with_reasons_in_order(client, accounts):
    outcome = labkit.attempt(client.transact_write_items, **transfer(accounts, amount="500"))
    assert outcome.code == "TransactionCanceledException"
    assert outcome.reasons == ["ConditionalCheckFailed", "None"]
    assert "[ConditionalCheckFailed, None]" in outcome.message
    assert balances(client, accounts) == [100, 100]


def test_transaction_returns_old_item_under_all_old(client, accounts):
    params = transfer(accounts, amount="500")
    params["TransactItems"][0]["Update"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    outcome = labkit.attempt(client.transact_write_items, **params)
    assert outcome.response["CancellationReasons"][0]["Item"] == {"pk": {"S": "a"}, "bal": {"N": "100"}}


def test_transaction_with_an_item_twice_is_rejected(client, accounts):
    params = transfer(accounts)
    params["TransactItems"][1]["Update"]["Key"] = {"pk": {"S": "a"}}
    outcome = labkit.attempt(client.transact_write_items, **params)
    assert (outcome.code, outcome.message) == (
        "ValidationException", "Transaction request cannot include multiple operations on one item")


def test_condition_check_action_guards_without_writing(client, accounts):
    outcome = labkit.attempt(client.transact_write_items, TransactItems=[
        {"ConditionCheck": {"TableName": accounts, "Key": {"pk": {"S": "b"}},
                            "ConditionExpression": "bal > :big", "ExpressionAttributeValues": {":big": {"N": "1000"}}}},
        {"Put": {"TableName": accounts, "Item": {"pk": {"S": "c"}, "bal": {"N": "1"}}}}])
    assert outcome.reasons == ["ConditionalCheckFailed", "None"]
    assert item(client, accounts, "c") is None


# -- legacy Expected -------------------------------------------------------------------------------

def claim(table, expected):
    return dict(TableName=table, Item={"pk": {"S": "k"}, "status": {"S": "IN_PROGRESS"}}, Expected=expected)


READY = {"status": {"Value": {"S": "READY"}, "Exists": True}}


def test_expected_value_must_match(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "status": {"S": "IN_PROGRESS"}, "worker": {"S": "w1"}})
    outcome = labkit.attempt(client.put_item, **claim(table, READY))
    assert outcome.code == "ConditionalCheckFailedException"
    assert item(client, table)["worker"] == {"S": "w1"}


def test_expected_value_that_matches_lets_one_worker_claim(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "status": {"S": "READY"}})
    assert labkit.attempt(client.put_item, **claim(table, READY)).succeeded
    assert labkit.attempt(client.put_item, **claim(table, READY)).code == "ConditionalCheckFailedException"


def test_expected_on_delete_and_with_or(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "status": {"S": "DONE"}})
    refused = labkit.attempt(client.delete_item, TableName=table, Key={"pk": {"S": "k"}}, Expected=READY)
    assert refused.code == "ConditionalCheckFailedException" and item(client, table) is not None
    either = {"status": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "READY"}]},
              "owner": {"ComparisonOperator": "NULL"}}
    assert labkit.attempt(client.delete_item, TableName=table, Key={"pk": {"S": "k"}}, Expected=either,
                          ConditionalOperator="OR").succeeded
    assert item(client, table) is None


def test_expected_and_condition_expression_cannot_mix(client, table):
    outcome = labkit.attempt(client.put_item, **claim(table, READY), ConditionExpression="attribute_not_exists(pk)")
    assert outcome.code == "ValidationException"
    assert outcome.message.startswith("Can not use both expression and non-expression parameters in the same request")


# -- capacity --------------------------------------------------------------------------------------

def test_capacity_reported_only_when_asked(client, table):
    plain = client.put_item(TableName=table, Item={"pk": {"S": "k"}})
    assert "ConsumedCapacity" not in plain
    asked = client.put_item(TableName=table, Item={"pk": {"S": "k"}, "blob": {"S": "x" * 2500}},
                            ReturnConsumedCapacity="TOTAL")
    assert asked["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}


def test_reads_cost_half_when_eventually_consistent(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "blob": {"S": "x" * 5000}})
    strong = client.get_item(TableName=table, Key={"pk": {"S": "k"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    eventual = client.get_item(TableName=table, Key={"pk": {"S": "k"}}, ReturnConsumedCapacity="TOTAL")
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 2.0
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_failed_condition_still_consumes_write_capacity(lab, client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "blob": {"S": "x" * 1500}})
    labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "k"}}, ConditionExpression="attribute_not_exists(pk)")
    last = lab.front.trace[-1]
    assert (last.operation, last.code, last.capacity) == ("PutItem", "ConditionalCheckFailedException", 2)


# -- table states, numbers, key-only updates -------------------------------------------------------

def test_table_is_creating_then_active_and_deleting_on_delete(client):
    created = client.create_table(TableName="states", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    assert created["TableDescription"]["TableStatus"] == "CREATING"
    early = labkit.attempt(client.put_item, TableName="states", Item={"pk": {"S": "k"}})
    assert early.code == "ResourceNotFoundException"
    labkit.wait_for(client, "states")
    assert client.describe_table(TableName="states")["Table"]["TableStatus"] == "ACTIVE"
    assert client.delete_table(TableName="states")["TableDescription"]["TableStatus"] == "DELETING"


def test_numbers_are_stored_in_canonical_form(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "n": {"N": "007.50"}, "e": {"N": "1E2"}})
    assert item(client, table)["n"] == {"N": "7.5"}
    assert item(client, table)["e"] == {"N": "100"}


def test_batch_write_checks_items_as_put_does(client, table):
    client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "k"}, "n": {"N": "007.50"}}}}]})
    assert item(client, table)["n"] == {"N": "7.5"}
    duplicate = labkit.attempt(client.batch_write_item, RequestItems={table: [
        {"PutRequest": {"Item": {"pk": {"S": "j"}, "tags": {"SS": ["a", "a"]}}}}]})
    assert (duplicate.code, duplicate.message) == (
        "ValidationException", "One or more parameter values were invalid: Input collection [a, a] contains duplicates.")
    assert item(client, table, "j") is None


def test_update_with_only_a_key_creates_the_item(client, table):
    client.update_item(TableName=table, Key={"pk": {"S": "new"}})
    assert item(client, table, "new") == {"pk": {"S": "new"}}


def test_size_of_a_missing_attribute_makes_the_condition_false(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}})
    outcome = labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "k"}, "x": {"S": "1"}},
                             ConditionExpression="size(tags) < :n", ExpressionAttributeValues={":n": {"N": "3"}})
    assert outcome.code == "ConditionalCheckFailedException"


def test_single_write_returns_old_item_on_failure(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "email": {"S": "first@example.com"}})
    outcome = labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "k"}},
                             ConditionExpression="attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert outcome.item == {"pk": "k", "email": "first@example.com"}
