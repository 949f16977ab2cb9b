"""A transaction's limits as DynamoDB enforces them: 100 actions (writes and reads), 4 MB of items, one
action per item. Each refused request leaves the table as it was."""

from __future__ import annotations

import labkit
# The service's validator names members in camel case ('transactItems', 'requestItems'), as its messages show.

TOO_MANY = ("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
            "Member must have length less than or equal to 100")
NEAR_400_KB = "x" * (390 * 1024)  # eleven such items are more than 4 MB, ten are not


def puts(table, count, **extra):
    return [{"Put": {"TableName": table, "Item": {"pk": {"S": f"k{i}"}, **extra}}} for i in range(count)]


def gets(table, count):
    return [{"Get": {"TableName": table, "Key": {"pk": {"S": f"k{i}"}}}} for i in range(count)]


def stored(client, table):
    return len(labkit.scan_all(client, table))


def test_one_hundred_actions_pass_and_one_hundred_and_one_are_refused(client, table):
    refused = labkit.attempt(client.transact_write_items, TransactItems=puts(table, 101))
    assert (refused.code, refused.message) == ("ValidationException", TOO_MANY)
    assert stored(client, table) == 0
    client.transact_write_items(TransactItems=puts(table, 100))
    assert stored(client, table) == 100


def test_transact_get_items_reads_one_hundred_items_and_refuses_more(client, table):
    client.transact_write_items(TransactItems=puts(table, 100))
    answer = client.transact_get_items(TransactItems=gets(table, 100))
    assert [r["Item"]["pk"]["S"] for r in answer["Responses"]] == [f"k{i}" for i in range(100)]
    refused = labkit.attempt(client.transact_get_items, TransactItems=gets(table, 101))
    assert (refused.code, refused.message) == ("ValidationException", TOO_MANY)


def test_transact_get_items_answers_an_absent_item_with_an_empty_entry_and_projects(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k0"}, "a": {"S": "1"}, "b": {"S": "2"}})
    answer = client.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": {"pk": {"S": "k0"}}, "ProjectionExpression": "b"}},
        {"Get": {"TableName": table, "Key": {"pk": {"S": "absent"}}}},
    ], ReturnConsumedCapacity="TOTAL")
    assert answer["Responses"] == [{"Item": {"b": {"S": "2"}}}, {}]
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]


def test_more_than_4_mb_of_items_is_refused_and_nothing_is_written(client, table):
    refused = labkit.attempt(client.transact_write_items, TransactItems=puts(table, 11, blob={"S": NEAR_400_KB}))
    assert refused.code == "ValidationException"
    assert "4 MB" in refused.message
    assert stored(client, table) == 0
    client.transact_write_items(TransactItems=puts(table, 10, blob={"S": NEAR_400_KB}))
    assert stored(client, table) == 10


def test_reading_more_than_4_mb_in_one_transaction_is_refused(client, table):
    client.transact_write_items(TransactItems=puts(table, 10, blob={"S": NEAR_400_KB}))
    client.put_item(TableName=table, Item={"pk": {"S": "k10"}, "blob": {"S": NEAR_400_KB}})
    assert len(client.transact_get_items(TransactItems=gets(table, 10))["Responses"]) == 10
    refused = labkit.attempt(client.transact_get_items, TransactItems=gets(table, 11))
    assert refused.code == "ValidationException" and "4 MB" in refused.message


def test_one_item_twice_in_a_transaction_is_refused(client, table):
    twice = [{"Put": {"TableName": table, "Item": {"pk": {"S": "k0"}}}},
             {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "k0"}},
                                 "ConditionExpression": "attribute_not_exists(pk)"}}]
    refused = labkit.attempt(client.transact_write_items, TransactItems=twice)
    assert (refused.code, refused.message) == (
        "ValidationException", "Transaction request cannot include multiple operations on one item")
    assert stored(client, table) == 0
