"""BatchWriteItem as DynamoDB answers it: what each request costs, and the requests it refuses whole."""

from __future__ import annotations

import pytest

import labkit


def put(i, size=0):
    item = {"pk": {"S": f"k{i}"}}
    if size:
        item["data"] = {"S": "x" * size}
    return {"PutRequest": {"Item": item}}


def delete(i):
    return {"DeleteRequest": {"Key": {"pk": {"S": f"k{i}"}}}}


def capacity(answer):
    return {c["TableName"]: c["CapacityUnits"] for c in answer.get("ConsumedCapacity", [])}


def test_a_batch_costs_what_its_writes_cost_alone(client, table):
    answer = client.batch_write_item(RequestItems={table: [put(i) for i in range(25)]}, ReturnConsumedCapacity="TOTAL")
    singles = sum(client.put_item(TableName=table, Item=put(i)["PutRequest"]["Item"],
                                  ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"] for i in range(25))
    assert capacity(answer) == {table: 25.0} and singles == 25


def test_each_request_is_rounded_up_to_whole_kilobytes_and_a_delete_of_nothing_costs_one(client, table):
    answer = client.batch_write_item(RequestItems={table: [put(1, 2500), put(2), delete(3)]},
                                     ReturnConsumedCapacity="TOTAL")
    assert capacity(answer) == {table: 3.0 + 1 + 1}
    answer = client.batch_write_item(RequestItems={table: [delete(1)]}, ReturnConsumedCapacity="TOTAL")
    assert capacity(answer) == {table: 3.0}  # deleting costs the size of the item deleted


def test_capacity_only_when_asked(client, table):
    assert "ConsumedCapacity" not in client.batch_write_item(RequestItems={table: [put(1)]})


def test_requests_sent_back_cost_nothing(lab, client, table):
    lab.throttle(table, 0.5, seed=4)
    try:
        answer = client.batch_write_item(RequestItems={table: [put(i) for i in range(20)]}, ReturnConsumedCapacity="TOTAL")
    finally:
        lab.throttle(table, 0)
    sent_back = len(answer["UnprocessedItems"][table])
    assert 0 < sent_back < 20
    assert capacity(answer) == {table: 20.0 - sent_back}


def test_one_key_twice_in_a_batch_is_refused_and_nothing_is_written(client, table):
    outcome = labkit.attempt(client.batch_write_item, RequestItems={table: [put(1), put(2), delete(1)]})
    assert (outcome.code, outcome.message) == ("ValidationException", "Provided list of item keys contains duplicates")
    assert labkit.scan_all(client, table) == []


@pytest.mark.parametrize("split, message", [
    ((26,), "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must "
            "satisfy constraint: [Member must have length less than or equal to 25, Member must have length "
            "greater than or equal to 1]"),
    ((13, 13), "Too many items requested for the BatchWriteItem call"),
])
def test_more_than_25_requests_are_refused(client, table, split, message):
    other = table + "b"
    labkit.create_table(client, other, "pk")
    try:
        tables = [table, other][:len(split)]
        request_items = {t: [put(i) for i in range(n)] for t, n in zip(tables, split)}
        outcome = labkit.attempt(client.batch_write_item, RequestItems=request_items)
        assert (outcome.code, outcome.message) == ("ValidationException", message)
        assert labkit.scan_all(client, table) == []
    finally:
        labkit.drop_table(client, other)
