"""Seed 001's counters: optimistic locking with a version number, and a retry counter with a ceiling."""

from __future__ import annotations

from .scenario import Scenario, Verdict, successful_writes
from .stage import fresh_table
from .steps import read, write

# -- optimistic locking ----------------------------------------------------------------------------


def read_counter(client):
    return client.get_item(TableName="Counters", Key={"Name": {"S": "page"}}, ConsistentRead=True)


def save_hits_blindly(client, hits, version):
    return client.update_item(
        TableName="Counters",
        Key={"Name": {"S": "page"}},
        UpdateExpression="SET hits = :hits, version = :next",
        ExpressionAttributeValues={":hits": {"N": str(hits)}, ":next": {"N": str(version + 1)}},
    )


def save_hits_if_version(client, hits, version):
    return client.update_item(
        TableName="Counters",
        Key={"Name": {"S": "page"}},
        UpdateExpression="SET hits = :hits, version = :next",
        ConditionExpression="version = :expected",
        ExpressionAttributeValues={":hits": {"N": str(hits)}, ":next": {"N": str(version + 1)},
                                   ":expected": {"N": str(version)}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_increment(writer):
    counter = (yield read(read_counter)).item
    yield write(save_hits_blindly, counter["hits"] + 1, counter["version"])


def guarded_increment(writer):
    counter = (yield read(read_counter)).item
    yield write(save_hits_if_version, counter["hits"] + 1, counter["version"])


def _counter_check(final, frame, writers):
    increments = len(successful_writes(frame))
    hits = int(final["Counters"][0]["hits"])
    return Verdict(hits == increments, {
        "increments reported": increments, "hits in the table": hits, "updates lost": increments - hits})


OPTIMISTIC_LOCK = Scenario(
    name="optimistic_lock", title="Optimistic locking with a version", source="001",
    story="Every writer reads the page counter, adds one in Python and writes the new count back.",
    invariant="hits equals the number of increments that succeeded",
    tables=("Counters",),
    setup=lambda client, writers: fresh_table(client, "Counters", "Name", [
        {"Name": {"S": "page"}, "hits": {"N": "0"}, "version": {"N": "0"}}]),
    programs={"naive": naive_increment, "guarded": guarded_increment}, check=_counter_check, retryable=True,
    notes={"naive": "read, add one, write the count back: writes based on the same read overwrite each other",
           "guarded": "the write also demands version = the version read; a loser re-reads (retry policy)"},
)

# -- bounded retry counter -------------------------------------------------------------------------


def read_job(client):
    return client.get_item(TableName="Jobs", Key={"JobId": {"S": "job-7"}}, ConsistentRead=True)


def count_retry_blindly(client):
    return client.update_item(
        TableName="Jobs",
        Key={"JobId": {"S": "job-7"}},
        UpdateExpression="SET retry_count = if_not_exists(retry_count, :zero) + :one",
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
    )


def count_retry_below_limit(client):
    return client.update_item(
        TableName="Jobs",
        Key={"JobId": {"S": "job-7"}},
        UpdateExpression="SET retry_count = if_not_exists(retry_count, :zero) + :one",
        # if_not_exists belongs to update expressions only; the condition says "missing" itself
        ConditionExpression="attribute_not_exists(retry_count) OR retry_count < max_retries",
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_retry_count(writer):
    job = (yield read(read_job)).item
    if job.get("retry_count", 0) < job["max_retries"]:
        yield write(count_retry_blindly)


def guarded_retry_count(writer):
    yield write(count_retry_below_limit)


def _retry_check(final, frame, writers):
    job = final["Jobs"][0]
    counted, limit = job.get("retry_count", 0), job["max_retries"]
    return Verdict(counted <= limit and counted == len(successful_writes(frame)), {
        "max_retries": limit, "retries counted": counted, "retries over the limit": max(counted - limit, 0)})


RETRY_COUNTER = Scenario(
    name="retry_counter", title="Bounded retry counter", source="001",
    story="Every writer is a failed run of job-7 that counts one more retry, but only while the count is "
          "below max_retries (half the writers). The count starts missing, hence if_not_exists.",
    invariant="retry_count never exceeds max_retries",
    tables=("Jobs",),
    setup=lambda client, writers: fresh_table(client, "Jobs", "JobId", [
        {"JobId": {"S": "job-7"}, "max_retries": {"N": str(max(1, writers // 2))}}]),
    programs={"naive": naive_retry_count, "guarded": guarded_retry_count}, check=_retry_check,
    notes={"naive": "check the count in Python, then increment atomically: atomic, yet over the limit",
           "guarded": "increment only while the condition holds on the item itself"},
)
