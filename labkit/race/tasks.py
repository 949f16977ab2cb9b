"""Seed 003's worker fleet: only one worker may move a task from READY to IN_PROGRESS.

The seed does it with DynamoDBMapper (AWS SDK for Java 1.x) and the legacy ``Expected`` parameter; the
same guard today is a ``ConditionExpression``. Both are here, so their answers can be compared.
"""

from __future__ import annotations

from .scenario import Scenario, Verdict, successful_writes
from .stage import fresh_table
from .steps import read, write


def read_task(client):
    return client.get_item(TableName="Tasks", Key={"TaskId": {"S": "task-42"}}, ConsistentRead=True)


def claim_blindly(client, writer):
    return client.put_item(
        TableName="Tasks",
        Item={"TaskId": {"S": "task-42"}, "status": {"S": "IN_PROGRESS"}, "worker": {"N": str(writer)}},
    )


def claim_if_ready(client, writer):
    return client.put_item(
        TableName="Tasks",
        Item={"TaskId": {"S": "task-42"}, "status": {"S": "IN_PROGRESS"}, "worker": {"N": str(writer)}},
        ConditionExpression="#status = :ready",
        ExpressionAttributeNames={"#status": "status"},  # STATUS is a reserved word
        ExpressionAttributeValues={":ready": {"S": "READY"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def claim_if_ready_legacy(client, writer):
    return client.put_item(
        TableName="Tasks",
        Item={"TaskId": {"S": "task-42"}, "status": {"S": "IN_PROGRESS"}, "worker": {"N": str(writer)}},
        Expected={"status": {"Value": {"S": "READY"}, "Exists": True}},  # what DynamoDBSaveExpression sends
    )


def naive_claim(writer):
    task = (yield read(read_task)).item
    if task["status"] == "READY":
        yield write(claim_blindly, writer)


def guarded_claim(writer):
    yield write(claim_if_ready, writer)


def legacy_claim(writer):
    yield write(claim_if_ready_legacy, writer)


def _claim_check(final, frame, writers):
    claims = successful_writes(frame)
    task = final["Tasks"][0]
    return Verdict(len(claims) == 1, {
        "workers told 'task is yours'": len(claims), "worker recorded on the task": task.get("worker", "none")})


TASK_CLAIM = Scenario(
    name="task_claim", title="Worker fleet claiming a task", source="003",
    story="Task-42 is READY. Every writer is a worker of the fleet trying to start it.",
    invariant="exactly one worker works on the task",
    tables=("Tasks",),
    setup=lambda client, writers: fresh_table(client, "Tasks", "TaskId", [
        {"TaskId": {"S": "task-42"}, "status": {"S": "READY"}}]),
    programs={"naive": naive_claim, "guarded": guarded_claim, "legacy": legacy_claim}, check=_claim_check,
    notes={"naive": "check READY in Python, then put: every worker that read READY starts the task",
           "guarded": "put only if #status = READY (ConditionExpression)",
           "legacy": "the same guard as the legacy Expected parameter, as DynamoDBMapper sends it"},
)
