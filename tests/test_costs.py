"""The same two items written three ways, billed as DynamoDB bills them: a batch as its single writes,
a transaction at twice that, and a replayed transaction as reads."""

from __future__ import annotations

ITEMS = [{"pk": {"S": key}, "body": {"S": "x" * 1500}} for key in "ab"]  # 2 KB each: 2 WCU plain


def units(answer, kind="WriteCapacityUnits"):
    consumed = answer["ConsumedCapacity"]
    return sum(c[kind] for c in consumed) if isinstance(consumed, list) else consumed[kind]


def test_a_batch_costs_its_single_writes_and_a_transaction_twice_that(client, table):
    singles = sum(units(client.put_item(TableName=table, Item=item, ReturnConsumedCapacity="TOTAL")) for item in ITEMS)
    batch = client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": i}} for i in ITEMS]},
                                    ReturnConsumedCapacity="TOTAL")
    transaction = client.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": i}} for i in ITEMS],
                                              ClientRequestToken="costs-1", ReturnConsumedCapacity="TOTAL")
    replay = client.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": i}} for i in ITEMS],
                                         ClientRequestToken="costs-1", ReturnConsumedCapacity="TOTAL")
    assert (singles, units(batch), units(transaction)) == (4, 4, 8)
    assert batch["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4, "WriteCapacityUnits": 4}]
    assert units(replay, "ReadCapacityUnits") == 4  # two 2 KB items read again, 2 RCU each


def test_a_batch_delete_is_billed_by_the_item_it_removes(client, table):
    client.put_item(TableName=table, Item=ITEMS[0])
    answer = client.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]},
                                     ReturnConsumedCapacity="TOTAL")
    assert units(answer) == 2
    assert "ConsumedCapacity" not in client.batch_write_item(
        RequestItems={table: [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})
