"""Transaction conflicts, simulated: what a request meets while a transaction holds its items, on the
embedded backend and on the loopback server (a second client and the AWS CLI), and that with the
simulation off nothing changes."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import labkit
from labkit.race import race

AWS = Path(sys.executable).with_name("aws")
CONFLICT = "Operation was rejected because there is an ongoing transaction for the item"
IN_PROGRESS = "The transaction with the given request token is already in progress"
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
ONGOING = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
HOLD = 60.0  # seconds of the lab's clock; every test moves the clock on instead of waiting

_tokens = itertools.count()


@pytest.fixture(scope="module", params=["embedded", "server"])
def backend(request):
    """The lab as a learner connects to it; on the server backend requests cross the loopback socket."""
    return labkit.connect(request.param, port=0) if request.param == "server" else labkit.connect("embedded")


@pytest.fixture
def accounts(client, table):
    """alice 100, bob 0, carol 50 in a fresh table (of the one lab every backend here serves)."""
    for name, balance in (("alice", 100), ("bob", 0), ("carol", 50)):
        client.put_item(TableName=table, Item={"pk": {"S": name}, "balance": {"N": str(balance)}})
    return table


def move(table, source, target, amount):
    """A transfer's two actions; the debit guarded by the balance."""
    return [
        {"Update": {"TableName": table, "Key": {"pk": {"S": source}}, "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": target}}, "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
    ]


def balances(client, table):
    return {item["pk"]: item["balance"] for item in labkit.scan_all(client, table)}


def token():
    return f"conflict-test-{next(_tokens)}"


def in_flight(backend, sim, table, **kwargs):
    """alice -> bob 10, started and holding both items."""
    started = sim.start(backend.client.transact_write_items, TransactItems=move(table, "alice", "bob", 10), **kwargs)
    assert not started.done(), "the transaction should be holding its items"
    return started


def commit(backend, started):
    backend.clock.advance(seconds=HOLD)
    return started.result(timeout=30)


def test_single_writes_to_a_held_item_fail_and_the_writes_wait_for_the_commit(backend, accounts):
    other = backend.new_client()  # a second client of the same lab
    with backend.conflicts(hold_seconds=HOLD) as sim:
        started = in_flight(backend, sim, accounts)
        key = {"pk": {"S": "alice"}}
        refused = [
            labkit.attempt(other.put_item, TableName=accounts, Item={**key, "balance": {"N": "0"}}),
            labkit.attempt(other.update_item, TableName=accounts, Key=key, UpdateExpression="SET balance = :z",
                           ExpressionAttributeValues={":z": {"N": "0"}}),
            labkit.attempt(other.delete_item, TableName=accounts, Key=key),
        ]
        assert [(o.code, o.message) for o in refused] == [("TransactionConflictException", CONFLICT)] * 3
        # items, not tables: carol is in the same table and free
        assert labkit.attempt(other.update_item, TableName=accounts, Key={"pk": {"S": "carol"}},
                              UpdateExpression="SET balance = :b", ExpressionAttributeValues={":b": {"N": "51"}}).succeeded
        # a plain GetItem succeeds, and sees the items as they were: nothing is written before the commit
        read = labkit.attempt(other.get_item, TableName=accounts, Key=key, ConsistentRead=True)
        assert read.succeeded and read.item["balance"] == 100
        assert balances(other, accounts) == {"alice": 100, "bob": 0, "carol": 51}
        assert not started.done()
        commit(backend, started)
        assert balances(other, accounts) == {"alice": 90, "bob": 10, "carol": 51}
        assert labkit.attempt(other.delete_item, TableName=accounts, Key=key).succeeded  # released


def test_an_overlapping_transaction_is_cancelled_with_the_conflict_named_for_its_action(backend, accounts):
    other = backend.new_client()
    with backend.conflicts(hold_seconds=HOLD) as sim:
        started = in_flight(backend, sim, accounts)
        # carol -> bob: carol is free, bob is held
        outcome = labkit.attempt(other.transact_write_items, TransactItems=move(accounts, "carol", "bob", 5))
        assert outcome.code == "TransactionCanceledException"
        assert outcome.message == CANCELLED.format("None, TransactionConflict")
        assert outcome.response["CancellationReasons"] == [{"Code": "None"}, ONGOING]
        # a reason of its own still shows beside the conflict: carol cannot pay 500
        outcome = labkit.attempt(other.transact_write_items, TransactItems=move(accounts, "carol", "alice", 500))
        assert outcome.reasons == ["ConditionalCheckFailed", "TransactionConflict"]
        commit(backend, started)
    assert balances(other, accounts) == {"alice": 90, "bob": 10, "carol": 50}


def test_transact_get_items_on_a_held_item_is_cancelled_and_on_free_items_succeeds(backend, accounts):
    other = backend.new_client()
    gets = lambda *names: [{"Get": {"TableName": accounts, "Key": {"pk": {"S": n}}}} for n in names]  # noqa: E731
    with backend.conflicts(hold_seconds=HOLD) as sim:
        started = in_flight(backend, sim, accounts)
        outcome = labkit.attempt(other.transact_get_items, TransactItems=gets("carol", "bob"))
        assert outcome.code == "TransactionCanceledException"
        assert outcome.response["CancellationReasons"] == [{"Code": "None"}, ONGOING]
        free = other.transact_get_items(TransactItems=gets("carol"))
        assert free["Responses"] == [{"Item": {"pk": {"S": "carol"}, "balance": {"N": "50"}}}]
        commit(backend, started)
    after = other.transact_get_items(TransactItems=gets("alice", "bob"))["Responses"]
    assert [r["Item"]["balance"]["N"] for r in after] == ["90", "10"]


def test_a_retry_with_the_same_token_is_in_progress_until_the_commit_then_replays_unchanged(backend, accounts):
    other = backend.new_client()
    tok = token()
    with backend.conflicts(hold_seconds=HOLD) as sim:
        started = in_flight(backend, sim, accounts, ClientRequestToken=tok, ReturnConsumedCapacity="TOTAL")
        retry = labkit.attempt(other.transact_write_items, TransactItems=move(accounts, "alice", "bob", 10),
                               ClientRequestToken=tok, ReturnConsumedCapacity="TOTAL")
        assert (retry.code, retry.message) == ("TransactionInProgressException", IN_PROGRESS)
        changed = labkit.attempt(other.transact_write_items, TransactItems=move(accounts, "alice", "bob", 11),
                                 ClientRequestToken=tok, ReturnConsumedCapacity="TOTAL")
        assert changed.code == "IdempotentParameterMismatchException"
        first = commit(backend, started)
        assert [c.get("WriteCapacityUnits") for c in first["ConsumedCapacity"]] == [4.0]
        replay = other.transact_write_items(TransactItems=move(accounts, "alice", "bob", 10), ClientRequestToken=tok,
                                            ReturnConsumedCapacity="TOTAL")
    assert [c.get("ReadCapacityUnits") for c in replay["ConsumedCapacity"]] == [4.0]  # read again, not written
    assert balances(other, accounts) == {"alice": 90, "bob": 10, "carol": 50}  # applied once


def test_the_trace_shows_the_prepare_and_commit_phases_and_what_the_simulation_refused(backend, accounts):
    front = labkit.connect("embedded").front  # the server backend serves this same front
    with backend.conflicts(hold_seconds=HOLD) as sim:
        began = time.perf_counter()
        started = in_flight(backend, sim, accounts)
        labkit.attempt(backend.client.delete_item, TableName=accounts, Key={"pk": {"S": "bob"}})
        commit(backend, started)
    entries = front.since(began)
    transaction = next(e for e in entries if e.operation == "TransactWriteItems")
    refused = next(e for e in entries if e.operation == "DeleteItem")
    prepared, committing = transaction.held
    assert transaction.start < prepared <= refused.start < refused.end <= committing < transaction.end
    assert transaction.simulated and refused.simulated and refused.code == "TransactionConflictException"


def test_a_batch_item_that_meets_a_held_item_comes_back_unprocessed(backend, accounts):
    with backend.conflicts(hold_seconds=HOLD) as sim:
        started = in_flight(backend, sim, accounts)
        answer = backend.client.batch_write_item(RequestItems={accounts: [
            {"PutRequest": {"Item": {"pk": {"S": "bob"}, "balance": {"N": "999"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "dave"}, "balance": {"N": "1"}}}},
        ]})
        assert answer["UnprocessedItems"] == {accounts: [
            {"PutRequest": {"Item": {"pk": {"S": "bob"}, "balance": {"N": "999"}}}}]}
        commit(backend, started)
    assert balances(backend.client, accounts) == {"alice": 90, "bob": 10, "carol": 50, "dave": 1}


def test_switching_the_simulation_off_commits_what_is_in_flight(backend, accounts):
    sim = backend.conflicts(hold_seconds=HOLD)
    started = in_flight(backend, sim, accounts)
    sim.off()
    assert started.result(timeout=30)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert balances(backend.client, accounts)["bob"] == 10


def test_a_new_lab_starts_with_the_simulation_off():
    from labkit.front import Front

    front = Front()
    assert not front.conflicts.on
    assert "transaction conflicts: off" in front.conflicts.describe()


def test_with_the_simulation_off_transactions_commit_at_once_and_nothing_conflicts(backend, accounts):
    front = labkit.connect("embedded").front
    assert not front.conflicts.on
    began = time.perf_counter()
    backend.client.transact_write_items(TransactItems=move(accounts, "alice", "bob", 10))
    assert labkit.attempt(backend.client.update_item, TableName=accounts, Key={"pk": {"S": "bob"}},
                          UpdateExpression="SET balance = balance + :one",
                          ExpressionAttributeValues={":one": {"N": "1"}}).succeeded
    assert balances(backend.client, accounts) == {"alice": 90, "bob": 11, "carol": 50}
    entries = front.since(began)
    assert entries and not any(e.held or e.simulated for e in entries)


def test_the_banner_and_the_race_summary_say_when_conflicts_are_simulated(backend):
    assert "transaction conflicts: off" in backend.describe()
    with backend.conflicts(hold_seconds=0.001):
        assert "simulated: transaction conflicts: on, every transaction holds its items 0.001 s" in backend.describe()
        result = race(backend, "bank_transfer", writers=3, mode="staged")
    assert "transaction conflicts: off" in backend.describe()
    assert result.headline().endswith("transaction conflicts simulated")
    assert result.notes()[0].startswith("simulated: transaction conflicts: on")
    assert "simulated" not in race(backend, "bank_transfer", writers=3, mode="staged").headline()


def test_the_aws_cli_meets_a_transaction_in_flight_on_the_server(accounts):
    lab = labkit.connect("server", port=0)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    with lab.conflicts(hold_seconds=HOLD) as sim:
        started = in_flight(lab, sim, accounts)
        cli = subprocess.run([str(AWS), "--endpoint-url", lab.endpoint_url, "dynamodb", "delete-item",
                              "--table-name", accounts, "--key", '{"pk": {"S": "alice"}}'],
                             env=env, capture_output=True, text=True, timeout=120)
        commit(lab, started)
    assert cli.returncode != 0
    assert cli.stderr.strip() == ("An error occurred (TransactionConflictException) when calling the DeleteItem "
                                  f"operation: {CONFLICT}")
    assert balances(lab.client, accounts)["alice"] == 90


def test_on_a_dynamodb_that_is_not_the_labs_own_nothing_is_simulated_and_the_lab_says_so(table, capsys):
    lab = labkit.connect("endpoint", endpoint_url=labkit.serve(0).url)
    sim = lab.conflicts(hold_seconds=HOLD)
    assert repr(sim).startswith("transaction conflicts: not simulated on the endpoint backend")
    started = sim.start(lab.client.transact_write_items,
                        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "a"}}}}])
    assert started.done() and repr(started) == "<transact_write_items: succeeded>"
    lab.clock.advance(minutes=11)
    assert "the endpoint backend keeps its own time" in capsys.readouterr().out
    sim.off()
