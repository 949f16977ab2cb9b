"""Seed 003 with mappers: the legacy Expected and today's ConditionExpression decide alike; PynamoDB's
condition and version attribute, raced through the lab, let exactly one worker start the task; and
``lab.watch()`` shows what a library really sent."""

from __future__ import annotations

import threading

import boto3
import pytest

import labkit
from labkit.race import race
from labkit.race.mappers import PYNAMODB_CLAIM, Task, VersionedTask
from labkit.race.pynamodb_steps import spelled_out


@pytest.fixture
def embedded(lab):
    return labkit.connect("embedded")


def outcomes(result) -> list[tuple]:
    return list(result.frame[["writer", "step", "outcome"]].itertuples(index=False, name=None))


@pytest.mark.parametrize("seed", [0, 5])
def test_legacy_expected_and_condition_expression_give_the_same_race(embedded, seed):
    legacy = race(embedded, "task_claim", writers=8, variant="legacy", mode="staged", seed=seed)
    today = race(embedded, "task_claim", writers=8, variant="guarded", mode="staged", seed=seed)
    assert outcomes(legacy) == outcomes(today)
    assert legacy.winners == today.winners and len(legacy.winners) == 1
    assert legacy.final == today.final
    assert legacy.held and today.held


def test_a_pynamodb_fleet_without_a_guard_starts_the_task_many_times(embedded):
    result = race(embedded, PYNAMODB_CLAIM, writers=4, variant="naive", mode="staged")
    assert result.held is False and len(result.winners) == 4
    assert list(result.frame["request"]) == ["get_item"] * 4 + ["put_item"] * 4
    assert set(result.frame["condition"]) == {""}


@pytest.mark.parametrize("variant, condition, version", [
    ("guarded", 'status = "READY"', None),
    ("versioned", "version = 1", 2),
])
def test_a_pynamodb_fleet_with_a_guard_starts_the_task_once(embedded, variant, condition, version):
    result = race(embedded, PYNAMODB_CLAIM, writers=6, variant=variant, mode="staged")
    writes = result.frame[result.frame["step"] == "write"]
    assert result.held and len(result.winners) == 1
    assert sorted(writes["outcome"]) == ["ConditionalCheckFailedException"] * 5 + ["succeeded"]
    assert set(writes["condition"]) == {condition} and set(writes["request"]) == {"put_item"}
    [task] = result.final["Tasks"]
    assert task["status"] == "IN_PROGRESS" and task["worker"] == result.winners[0]
    assert task.get("version") == version


@pytest.mark.parametrize("variant", ["guarded", "versioned"])
def test_a_pynamodb_fleet_in_threads_starts_the_task_once(embedded, variant):
    result = race(embedded, PYNAMODB_CLAIM, writers=16, variant=variant, mode="threads")
    assert result.held and len(result.winners) == 1, result.frame


def test_a_version_attribute_sends_the_version_it_loaded(embedded):
    labkit.reset_table(embedded.client, "Tasks", "TaskId")
    with embedded.watch() as sent:
        VersionedTask("task-1", status="READY").save()
        task = VersionedTask.get("task-1", consistent_read=True)
        task.status = "IN_PROGRESS"
        task.save()
    first, _, second = sent
    assert (first.operation, first.params["ConditionExpression"], first.params["ExpressionAttributeNames"]) == (
        "PutItem", "attribute_not_exists (#0)", {"#0": "version"})
    assert second.params["Item"]["version"] == {"N": "2"}
    assert spelled_out(second.params) == "version = 1"


def test_watch_keeps_the_requests_as_sent_in_order_and_only_this_threads(embedded, table):
    other = threading.Thread(target=lambda: embedded.client.get_item(TableName=table, Key={"pk": {"S": "x"}}))
    with embedded.watch() as sent:
        boto3.resource("dynamodb").Table(table).put_item(Item={"pk": "a", "tags": {"x"}},
                                                          ConditionExpression="attribute_not_exists(pk)")
        other.start()
        other.join()
        with embedded.watch() as inner:
            embedded.client.delete_item(TableName=table, Key={"pk": {"S": "a"}})
        Task.exists()
    assert [s.operation for s in sent] == ["PutItem", "DescribeTable"]
    assert sent[0].params == {"TableName": table, "Item": {"pk": {"S": "a"}, "tags": {"SS": ["x"]}},
                              "ConditionExpression": "attribute_not_exists(pk)"}
    assert [s.operation for s in inner] == ["DeleteItem"]
    assert repr(sent[0]).splitlines()[:2] == ["PutItem", f'  TableName: "{table}"']


def test_spelled_out_replaces_placeholders_and_keeps_the_rest():
    params = {"ConditionExpression": "(#0 = :0 AND attribute_exists (#1)) OR #2 < :9",
              "ExpressionAttributeNames": {"#0": "status", "#1": "worker"},
              "ExpressionAttributeValues": {":0": {"S": "READY"}, ":1": {"N": "3"}, ":2": {"SS": ["a"]}}}
    assert spelled_out(params) == '(status = "READY" AND attribute_exists (worker)) OR #2 < :9'
    params["ConditionExpression"] = "#1 < :1 OR contains(:2, #0)"
    assert spelled_out(params) == 'worker < 3 OR contains(["a"], status)'
    assert spelled_out({}) == ""


def test_the_chapters_quiz_bank_is_well_formed():
    from labkit.quiz import Quiz

    quiz = Quiz("workers")
    assert len(quiz.questions) >= 6 and len({q.id for q in quiz.questions}) == len(quiz.questions)
    for question in quiz.questions:
        assert 0 <= question.answer < len(question.options) and len(question.options) >= 3
        assert len(question.why) > 40
