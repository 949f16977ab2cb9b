"""Seed 003's worker fleet with Python's mapper: PynamoDB models whose saves carry the guard.

DynamoDBMapper (AWS SDK for Java 1.x) sends a ``DynamoDBSaveExpression`` as the legacy ``Expected``
parameter, and checks its version attribute on every save. PynamoDB does both with condition expressions:
``save(condition=...)`` and ``VersionAttribute``. The models make their own botocore client, which reaches
the connected lab like any client (``labkit.transport``).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from .pynamodb_steps import load, save
from .scenario import Scenario
from .stage import fresh_table
from .tasks import _claim_check


class Task(Model):
    """A task of the fleet, in the race lab's ``Tasks`` table."""

    class Meta:
        table_name = "Tasks"
        region = "us-east-1"

    task_id = UnicodeAttribute(hash_key=True, attr_name="TaskId")
    status = UnicodeAttribute()
    worker = NumberAttribute(null=True)


class VersionedTask(Task):
    """The same task with a version number, which PynamoDB checks and increments on every save."""

    version = VersionAttribute()


def naive_claim(writer):
    task = Task("task-42")
    yield load(task)
    if task.status == "READY":
        task.status, task.worker = "IN_PROGRESS", writer
        yield save(task)


def guarded_claim(writer):
    task = Task("task-42", status="IN_PROGRESS", worker=writer)
    yield save(task, condition=Task.status == "READY")  # what DynamoDBSaveExpression said with Expected


def versioned_claim(writer):
    task = VersionedTask("task-42")
    yield load(task)
    if task.status == "READY":
        task.status, task.worker = "IN_PROGRESS", writer
        yield save(task)  # PynamoDB adds: version = the version loaded, and writes version + 1


PYNAMODB_CLAIM = Scenario(
    name="task_claim_pynamodb", title="Worker fleet claiming a task, with PynamoDB", source="003",
    story="Task-42 is READY at version 1. Every writer is a worker that claims it through a PynamoDB model.",
    invariant="exactly one worker works on the task",
    tables=("Tasks",),
    setup=lambda client, writers: fresh_table(client, "Tasks", "TaskId", [
        {"TaskId": {"S": "task-42"}, "status": {"S": "READY"}, "version": {"N": "1"}}]),
    programs={"naive": naive_claim, "guarded": guarded_claim, "versioned": versioned_claim}, check=_claim_check,
    notes={"naive": "load, check READY in Python, save: every worker that loaded READY starts the task",
           "guarded": "save(condition=Task.status == 'READY'): the DynamoDBSaveExpression of the seed",
           "versioned": "load, check, save with a VersionAttribute: the save demands the version it loaded"},
)
