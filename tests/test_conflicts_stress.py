"""Many transfers at once with transaction conflicts simulated: money is conserved, every cancellation
says why, and with retries (the same ClientRequestToken, backoff with jitter) every transfer that had the
money commits exactly once, even when a client retries while its first attempt is still in flight."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest
from botocore.exceptions import ClientError

import labkit

THREADS, TRANSFERS, ACCOUNTS, OPENING = 8, 100, 10, 100
HOLD_S = 0.01  # each transaction holds its items 10 ms (real time on the lab's clock)
BACKOFF_BASE_S, BACKOFF_CAP_S, MAX_ATTEMPTS = 0.002, 0.064, 200
RETRYABLE = {"TransactionConflict"}  # a cancellation worth retrying: another transaction held an item


def transfer(table, source, target, amount):
    key = lambda name: {"pk": {"S": f"acct-{name}"}}  # noqa: E731
    value = {":a": {"N": str(amount)}}
    return [
        {"Update": {"TableName": table, "Key": key(source), "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": value}},
        {"Update": {"TableName": table, "Key": key(target), "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": value}},
    ]


def plan(seed: int) -> list[tuple[int, int, int]]:
    """One thread's transfers: (from, to, amount), reproducible from the seed."""
    rng = random.Random(seed)
    moves = []
    for _ in range(TRANSFERS):
        source, target = rng.sample(range(ACCOUNTS), 2)
        moves.append((source, target, rng.randint(1, OPENING)))
    return moves


def outcome(error: ClientError) -> tuple[str, list[str]]:
    reasons = [r["Code"] for r in error.response.get("CancellationReasons", [])]
    return error.response["Error"]["Code"], reasons


def run(lab, table, *, retries: bool) -> list[dict]:
    """Every thread sends its transfers; returns one record per transfer with every answer it got.

    With ``retries`` a transfer is sent with a token and retried with the same token after a conflict or
    TransactionInProgress, waiting a random time below a ceiling that doubles (full jitter). Every fifth
    transfer is impatient: its first attempt is left running, as a request whose reply never came, and the
    retries start at once. That lost attempt may still be the one that commits (its answer is kept apart)."""
    clients = lab.clients(THREADS)
    barrier = threading.Barrier(THREADS)
    records: list[dict] = []
    lost: list[threading.Thread] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        rng = random.Random(1000 + number)
        barrier.wait()
        for index, (source, target, amount) in enumerate(plan(number)):
            request = {"TransactItems": transfer(table, source, target, amount)}
            if retries:
                request["ClientRequestToken"] = f"stress-{number}-{index}-{time.time_ns()}"
            record = {"thread": number, "move": (source, target, amount), "answers": [], "lost": None}
            if retries and index % 5 == 0:  # impatient: the first attempt runs on, unanswered
                first = threading.Thread(target=_lost_attempt, args=(clients[number], request, record))
                first.start()
                with lock:
                    lost.append(first)
            for attempt in range(MAX_ATTEMPTS):
                try:
                    clients[number].transact_write_items(**request)
                    record["answers"].append(("succeeded", []))
                    break
                except ClientError as error:
                    code, reasons = outcome(error)
                    record["answers"].append((code, reasons))
                    again = code == "TransactionInProgressException" or (
                        code == "TransactionCanceledException" and set(reasons) & RETRYABLE
                        and "ConditionalCheckFailed" not in reasons)
                    if not (retries and again):
                        break
                    time.sleep(rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt)))
            with lock:
                records.append(record)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads + lost:
        thread.join()
    return records


def _lost_attempt(client, request: dict, record: dict) -> None:
    try:
        client.transact_write_items(**request)
        record["lost"] = "succeeded"
    except ClientError as error:
        record["lost"] = outcome(error)[0]


@pytest.fixture
def bank(lab, table):
    for n in range(ACCOUNTS):
        lab.client.put_item(TableName=table, Item={"pk": {"S": f"acct-{n}"}, "balance": {"N": str(OPENING)}})
    return table


def final_balances(lab, table) -> list[int]:
    items = {i["pk"]: int(i["balance"]) for i in labkit.scan_all(lab.client, table)}
    return [items[f"acct-{n}"] for n in range(ACCOUNTS)]


def committed(record: dict) -> bool:
    """Its retries ended in success, or its lost first attempt did (a replay answers success too)."""
    return "succeeded" in (record["answers"][-1][0], record["lost"])


def expected_balances(records: list[dict]) -> list[int]:
    """Every committed transfer applied exactly once, and nothing else."""
    balances = [OPENING] * ACCOUNTS
    for record in records:
        if committed(record):
            source, target, amount = record["move"]
            balances[source] -= amount
            balances[target] += amount
    return balances


def test_without_retries_money_is_conserved_and_every_cancellation_says_why(lab, bank):
    with lab.conflicts(hold_seconds=HOLD_S):
        records = run(lab, bank, retries=False)
    answers = [r["answers"][0] for r in records]
    codes = Counter(code for code, _ in answers)
    assert len(records) == THREADS * TRANSFERS
    assert codes["succeeded"] + codes["TransactionCanceledException"] == len(records), codes
    for code, reasons in answers:
        if code != "succeeded":
            assert len(reasons) == 2 and set(reasons) - {"None"} <= {"ConditionalCheckFailed", "TransactionConflict"}
            assert set(reasons) != {"None"}, "a cancellation without a reason"
    balances = final_balances(lab, bank)
    assert sum(balances) == ACCOUNTS * OPENING
    assert min(balances) >= 0
    assert balances == expected_balances(records)
    conflicts = sum("TransactionConflict" in reasons for _, reasons in answers)
    assert conflicts > 0, "no transfer ever met another in flight: the test proved nothing about conflicts"


def test_with_retries_every_transfer_that_had_the_money_commits_exactly_once(lab, bank):
    with lab.conflicts(hold_seconds=HOLD_S):
        records = run(lab, bank, retries=True)
    finals = Counter(committed(r) for r in records)
    for record in records:
        code, reasons = record["answers"][-1]
        # the end of every transfer: committed, or refused because the money was not there
        assert committed(record) or reasons.count("ConditionalCheckFailed") == 1, record
    seen = Counter(code for r in records for code, _ in r["answers"])
    retried = sum(len(r["answers"]) > 1 for r in records)
    assert retried > 0 and seen["TransactionInProgressException"] > 0, (seen, retried)
    balances = final_balances(lab, bank)
    assert sum(balances) == ACCOUNTS * OPENING and min(balances) >= 0
    assert balances == expected_balances(records), finals
