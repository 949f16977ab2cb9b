"""The throttling simulation: batch writes come back in UnprocessedItems as DynamoDB returns them, and a
retry loop with backoff writes each item exactly once."""

from __future__ import annotations

import random

import pytest

import labkit


def puts(n, start=0):
    return [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "n": {"N": str(i)}}}} for i in range(start, start + n)]


def stored(client, table):
    return sorted(int(i["n"]["N"]) for i in client.scan(TableName=table, ConsistentRead=True)["Items"])


@pytest.fixture
def throttled(lab, table):
    lab.throttle(table, 0.3, seed=11)
    yield table
    lab.throttle(table, 0)


def test_off_by_default_every_request_is_processed(client, table):
    answer = client.batch_write_item(RequestItems={table: puts(25)})
    assert answer["UnprocessedItems"] == {}
    assert stored(client, table) == list(range(25))


def test_a_throttled_share_comes_back_unprocessed_and_unwritten(client, throttled):
    sent_back = []
    for round_ in range(8):
        answer = client.batch_write_item(RequestItems={throttled: puts(25, 25 * round_)})
        sent_back += answer["UnprocessedItems"].get(throttled, [])
    share = len(sent_back) / 200
    assert 0.2 < share < 0.4, share  # about 30% asked; 200 draws
    unwritten = {int(r["PutRequest"]["Item"]["n"]["N"]) for r in sent_back}
    assert set(stored(client, throttled)) == set(range(200)) - unwritten
    assert all(set(r) == {"PutRequest"} for r in sent_back)  # returned as sent, ready to resend


def test_when_nothing_can_be_taken_the_call_fails_and_writes_nothing(lab, client, table):
    lab.throttle(table, 1.0, seed=1)
    try:
        outcome = labkit.attempt(client.batch_write_item, RequestItems={table: puts(5)})
    finally:
        lab.throttle(table, 0)
    assert (outcome.code, outcome.message) == (
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
        "provisioning level with the UpdateTable API.")
    assert stored(client, table) == []


def write_all(client, request_items, sleep):
    """The Developer Guide's loop: resend UnprocessedItems, waiting 50, 100, 200 ms... with full jitter."""
    rounds, pending, jitter = 0, request_items, random.Random(3)
    while pending:
        pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
        rounds += 1
        sleep(jitter.uniform(0, 0.05 * 2 ** rounds))
    return rounds


def test_retrying_unprocessed_items_with_backoff_writes_each_item_once(client, throttled):
    waits = []
    rounds = write_all(client, {throttled: puts(25)}, waits.append)
    assert rounds > 1, "nothing was throttled, so nothing was retried"
    assert stored(client, throttled) == list(range(25))
    assert all(0 <= w <= 0.05 * 2 ** (i + 1) for i, w in enumerate(waits))


def test_throttling_works_through_the_server_too(table):
    lab = labkit.connect("server", port=0)
    try:
        labkit.create_table(lab.client, "ServedThrottle", "pk")
        lab.throttle("ServedThrottle", 0.5, seed=2)
        answer = lab.client.batch_write_item(RequestItems={"ServedThrottle": puts(20)})
        assert answer["UnprocessedItems"]["ServedThrottle"]
        assert "throttled on ServedThrottle 50%" in lab.describe()
    finally:
        lab.throttle("ServedThrottle", 0)
        labkit.drop_table(lab.client, "ServedThrottle")
        lab.server.stop()


def test_the_endpoint_backend_says_it_cannot_simulate():
    lab = labkit.connect("endpoint", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(RuntimeError, match="cannot simulate throttling"):
        lab.throttle("T", 0.3)
