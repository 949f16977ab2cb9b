"""The last cases where the lab answered otherwise than an emulator whose messages follow live DynamoDB
(dynalite): legacy Expected without values, nested projections over binary values, the 400 KB limit,
and the wording of two messages."""

from __future__ import annotations

import pytest

import labkit
from labkit.front import items

PUT_ONCE = [({"Exists": False}, "succeeded", "ConditionalCheckFailedException"),
            ({"ComparisonOperator": "NULL"}, "succeeded", "ConditionalCheckFailedException"),
            ({"ComparisonOperator": "NOT_NULL"}, "ConditionalCheckFailedException", "succeeded")]


@pytest.mark.parametrize("expected, when_absent, when_present", PUT_ONCE)
def test_legacy_expected_with_no_value_is_decided(client, table, expected, when_absent, when_present):
    put = dict(TableName=table, Item={"pk": {"S": "k"}, "n": {"N": "1"}}, Expected={"n": expected})
    assert labkit.attempt(client.put_item, **put).label == when_absent
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "n": {"N": "0"}})
    assert labkit.attempt(client.put_item, **put).label == when_present


def test_legacy_value_and_attribute_value_list_together_are_refused(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "num": {"N": "1"}})
    outcome = labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "k"}, "num": {"N": "2"}},
                             Expected={"num": {"Value": {"N": "1"}, "ComparisonOperator": "EQ",
                                               "AttributeValueList": [{"N": "1"}]}})
    assert (outcome.code, outcome.message) == (
        "ValidationException",
        "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for "
        "Attribute: num")
    assert client.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]["num"] == {"N": "1"}


DOC = {"pk": {"S": "d"}, "txt": {"S": "t"}, "bs": {"BS": [b"a", b"b"]},
       "doc": {"M": {"b": {"L": [{"B": b"\x00\x01"}, {"S": "x"}]}, "c": {"N": "3"}}},
       "lst": {"L": [{"M": {"m": {"B": b"zz"}, "n": {"S": "no"}}}, {"S": "one"}, {"S": "two"}]}}
PROJECTIONS = [
    ("doc.b[0], lst[0].m, txt", {"doc": {"M": {"b": {"L": [{"B": b"\x00\x01"}]}}},
                                 "lst": {"L": [{"M": {"m": {"B": b"zz"}}}]}, "txt": {"S": "t"}}),
    ("bs, doc.c", {"bs": {"BS": [b"a", b"b"]}, "doc": {"M": {"c": {"N": "3"}}}}),
    ("lst[2], lst[0].n", {"lst": {"L": [{"M": {"n": {"S": "no"}}}, {"S": "two"}]}}),
    ("doc.b[5], nothing", {}),
    ("#d.#b", {"doc": {"M": {"b": DOC["doc"]["M"]["b"]}}}),
]


@pytest.fixture(scope="module")
def server_client():
    lab = labkit.connect("server", port=0)
    yield lab.client
    lab.server.stop()


@pytest.mark.parametrize("over", ["embedded", "server"])
@pytest.mark.parametrize("expression, wanted", PROJECTIONS)
def test_projections_of_every_shape_over_every_type(client, server_client, over, expression, wanted):
    c = client if over == "embedded" else server_client
    labkit.reset_table(c, "Projected", "pk")
    c.put_item(TableName="Projected", Item=DOC)
    names = {"#d": "doc", "#b": "b"} if "#" in expression else None
    extra = {"ExpressionAttributeNames": names} if names else {}
    got = c.get_item(TableName="Projected", Key={"pk": {"S": "d"}}, ProjectionExpression=expression, **extra)
    assert got["Item"] == wanted
    scanned = c.scan(TableName="Projected", ProjectionExpression=expression, **extra)["Items"]
    queried = c.query(TableName="Projected", KeyConditionExpression="pk = :d", ProjectionExpression=expression,
                      ExpressionAttributeValues={":d": {"S": "d"}}, **extra)["Items"]
    assert scanned == queried == [wanted]


def padded(size: int) -> dict:
    """An item of exactly ``size`` bytes by DynamoDB's rules: key "pk"="k" (3 bytes) and one string."""
    return {"pk": {"S": "k"}, "data": {"S": "x" * (size - 3 - len("data"))}}


@pytest.mark.parametrize("size, label", [(items.MAX_ITEM_BYTES, "succeeded"),
                                         (items.MAX_ITEM_BYTES + 1, "ValidationException")])
def test_the_400_kb_limit_counts_names_and_values(client, table, size, label):
    item = padded(size)
    assert items.item_size(item) == size
    outcome = labkit.attempt(client.put_item, TableName=table, Item=item)
    assert outcome.label == label
    if label != "succeeded":
        assert outcome.message == "Item size has exceeded the maximum allowed size"


def test_numbers_count_by_significant_digits_and_binary_by_bytes(client, table):
    number = "1" * 38  # 38 significant digits: 1 + 19 bytes, not 38
    binary = b"\x00" * 1000  # 1000 bytes, not its 1336 characters of base64
    base = {"pk": {"S": "k"}, "n": {"N": number}, "b": {"B": binary}}
    used = 3 + 1 + 20 + 1 + 1000
    item = {**base, "s": {"S": "x" * (items.MAX_ITEM_BYTES - used - 1)}}
    assert labkit.attempt(client.put_item, TableName=table, Item=item).succeeded
    item["s"] = {"S": item["s"]["S"] + "x"}
    assert labkit.attempt(client.put_item, TableName=table, Item=item).code == "ValidationException"


def test_an_update_that_grows_an_item_past_400_kb_is_refused_and_changes_nothing(client, table):
    client.put_item(TableName=table, Item=padded(items.MAX_ITEM_BYTES - 10))
    outcome = labkit.attempt(client.update_item, TableName=table, Key={"pk": {"S": "k"}},
                             UpdateExpression="SET more = :m", ExpressionAttributeValues={":m": {"S": "y" * 20}})
    assert (outcome.code, outcome.message) == ("ValidationException",
                                               "Item size to update has exceeded the maximum allowed size")
    assert "more" not in client.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]


@pytest.mark.parametrize("operation", ["put_item", "delete_item"])
def test_return_values_that_put_and_delete_do_not_have(client, table, operation):
    args = {"Item": {"pk": {"S": "k"}}} if operation == "put_item" else {"Key": {"pk": {"S": "k"}}}
    outcome = labkit.attempt(getattr(client, operation), TableName=table, ReturnValues="ALL_NEW", **args)
    # dynalite's wording, which follows the live service
    assert (outcome.code, outcome.message) == ("ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    assert "Item" not in client.get_item(TableName=table, Key={"pk": {"S": "k"}})


def test_a_value_that_is_not_a_number_names_its_placeholder(client, table):
    outcome = labkit.attempt(client.put_item, TableName=table, Item={"pk": {"S": "k"}},
                             ConditionExpression="attribute_not_exists(n) OR n <> :v",
                             ExpressionAttributeValues={":v": {"N": "five"}})
    assert (outcome.code, outcome.message) == (
        "ValidationException",
        "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: "
        "five for key :v")


def test_binary_between_bounds_are_ordered_by_their_bytes(client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "b": {"B": b"m"}})
    # base64 text orders these the other way round ("YQ==" > "/w=="), bytes do not: a < m < \xff
    outcome = labkit.attempt(client.update_item, TableName=table, Key={"pk": {"S": "k"}}, UpdateExpression="SET ok = :t",
                             ConditionExpression="b BETWEEN :lo AND :hi",
                             ExpressionAttributeValues={":lo": {"B": b"a"}, ":hi": {"B": b"\xff"}, ":t": {"BOOL": True}})
    assert outcome.succeeded, outcome.message


def test_a_batch_is_billed_per_request_and_per_table(lab, client, table):
    client.put_item(TableName=table, Item={"pk": {"S": "old"}, "big": {"S": "x" * 2500}})  # 3 KB to delete
    answer = client.batch_write_item(ReturnConsumedCapacity="TOTAL", RequestItems={table: [
        {"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(4)] + [
        {"DeleteRequest": {"Key": {"pk": {"S": "old"}}}}]})
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 7.0, "WriteCapacityUnits": 7.0}]
    assert lab.front.trace[-1].capacity == 7
