"""How the lab decides a transaction: all or nothing even when a write fails while being applied, run-time
errors as DynamoDB reports them, and capacity as DynamoDB bills it (per table, twice a plain write)."""

from __future__ import annotations

import labkit
from labkit.front import store as store_module


def scan(client, table):
    return sorted((i["pk"]["S"], i.get("n", {}).get("N")) for i in client.scan(TableName=table, ConsistentRead=True)["Items"])


def three_writes(table):
    return [
        {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Put": {"TableName": table, "Item": {"pk": {"S": "new"}, "n": {"N": "7"}}}},
        {"Delete": {"TableName": table, "Key": {"pk": {"S": "b"}}}},
    ]


def test_a_write_failing_midway_leaves_every_item_as_it_was(lab, client, table, monkeypatch):
    for key in "ab":
        client.put_item(TableName=table, Item={"pk": {"S": key}, "n": {"N": "1"}})
    before = scan(client, table)
    real_call = store_module.Store.call
    applied = []

    def fail_on_delete(self, method, params):
        if method == "delete_item" and not applied:  # the third action; the rollback's own deletes go through
            applied.append(method)
            raise OSError("disk full")
        return real_call(self, method, params)

    monkeypatch.setattr(store_module.Store, "call", fail_on_delete)
    outcome = labkit.attempt(client.transact_write_items, TransactItems=three_writes(table))
    monkeypatch.undo()
    assert applied, "the injected failure never happened"
    assert outcome.code == "InternalServerError"
    assert scan(client, table) == before  # a's increment undone, the new item removed, b still there


def test_a_run_time_type_error_cancels_the_transaction_with_a_validation_reason(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    client.put_item(TableName=table, Item={"pk": {"S": "b"}, "n": {"S": "not a number"}})
    outcome = labkit.attempt(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": {"S": "c"}}}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ])
    assert outcome.code == "TransactionCanceledException"
    assert outcome.reasons == ["None", "ValidationError"]
    reason = outcome.response["CancellationReasons"][1]
    assert reason["Message"] == "An operand in the update expression has an incorrect data type"
    assert outcome.message.endswith("[None, ValidationError]")
    assert scan(client, table) == [("a", "1"), ("b", None)]  # c was not written


def test_transaction_capacity_is_reported_per_table_at_twice_a_plain_write(client, table):
    other = f"{table}-other"
    labkit.create_table(client, other, "pk")
    try:
        big = "x" * 1500  # 2 KB items: 2 WCU plain, 4 in a transaction
        answer = client.transact_write_items(ReturnConsumedCapacity="TOTAL", TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}, "big": {"S": big}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}}}},
            {"Put": {"TableName": other, "Item": {"pk": {"S": "c"}}}},
        ])
        by_table = {c["TableName"]: c["WriteCapacityUnits"] for c in answer["ConsumedCapacity"]}
        assert by_table == {table: 2 * 2 + 2 * 1, other: 2 * 1}
        assert all(c["CapacityUnits"] == c["WriteCapacityUnits"] for c in answer["ConsumedCapacity"])
    finally:
        labkit.drop_table(client, other)


def test_indexes_mode_reports_the_table_part_too(client, table):
    answer = client.put_item(TableName=table, Item={"pk": {"S": "k"}}, ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0,
                                          "Table": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}


def test_a_failed_condition_is_traced_with_the_write_it_cost(lab, client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "big": {"S": "x" * 3000}})
    labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "k"}},
                   ConditionExpression="attribute_not_exists(pk)")
    last = lab.front.trace[-1]
    assert (last.operation, last.code, last.capacity) == ("PutItem", "ConditionalCheckFailedException", 3)
