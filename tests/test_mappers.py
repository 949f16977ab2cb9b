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
    # at least six, each proven against the lab or settled by a quoted sentence of the documentation
    assert len(quiz.questions) >= 6 and len({q.id for q in quiz.questions}) == len(quiz.questions)
    for question in quiz.questions:
        assert 0 <= question.answer < len(question.options) and len(question.options) >= 3
        assert len(question.why) > 40


# -- the chapter's exercises: each check sets up its own table, demands the status as well as the worker, accepts
# the revealed solution after Run All, after wrong answers and after the other exercise, and says "Not yet" and why

import ast
import contextlib
import io
import re
from pathlib import Path

import nbformat
from exercise_harness import exec_showing_a_verdict as _exec_showing_a_verdict

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "05_workers_and_mappers.ipynb"
CELLS = nbformat.read(NOTEBOOK, as_version=4).cells


def _cell(containing: str) -> str:
    [source] = [cell.source for cell in CELLS if containing in cell.source]
    return source


def _solution(containing: str) -> str:
    [code] = re.findall(r"```python\n(.*?)```", _cell(containing), re.S)
    return code


def _printed(namespace: dict, *sources: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for source in sources:
            _exec_showing_a_verdict(source, namespace)
    return out.getvalue()


@pytest.fixture(scope="module")
def run_all(lab):
    """The chapter after Run All (the quiz aside): its namespace."""
    namespace: dict = {}
    _printed(namespace, *(c.source for c in CELLS if c.cell_type == "code" and "quiz_widget(" not in c.source))
    return namespace


FINISH = _solution("def finish_task(client, worker):\n    return")
RELEASE = _solution("task.save(condition=")
FINISH_CHECK, RELEASE_CHECK = _cell("def finish_cancelled_then_in_progress("), _cell("def give_back_cancelled_then_in_progress(")
CONDITION = '"#status = :in_progress AND worker = :me"'
VALUES = '{":done": {"S": "DONE"}, ":in_progress": {"S": "IN_PROGRESS"},\n                                   ":me": {"N": str(worker)}}'


def _finish(condition: str, values: str = VALUES) -> str:
    """The solution with its condition and values replaced: a plausible wrong answer."""
    assert CONDITION in FINISH and VALUES in FINISH
    return FINISH.replace(CONDITION, condition).replace(VALUES, values)


FINISH_WRONG = [
    (_finish('"worker = :me"', '{":done": {"S": "DONE"}, ":me": {"N": str(worker)}}'),
     "Not yet: worker 4 marked a CANCELLED task DONE: the condition must require IN_PROGRESS too."),
    (_finish('"status = :in_progress AND worker = :me"'),
     "Not yet: DynamoDB refused the request: ValidationException: Invalid ConditionExpression: Attribute name is a "
     "reserved keyword; reserved keyword: status"),
    (_finish('"#status = :in_progress"', '{":done": {"S": "DONE"}, ":in_progress": {"S": "IN_PROGRESS"}}'),
     "Not yet: worker 7 finished task-42, which worker 4 holds."),
    (_finish(CONDITION, VALUES.replace('{"N": str(worker)}', '{"S": str(worker)}')),
     "Not yet: worker 4 could not finish its own task (ConditionalCheckFailedException)."),
    (_finish(CONDITION, '{":done": {"S": "DONE"}, ":in_progress": {"S": "IN_PROGRESS"}}'),
     "Not yet: DynamoDB refused the request: ValidationException: Invalid ConditionExpression: An expression "
     "attribute value used in expression is not defined; attribute value: :me"),
    ('''def finish_task(client, worker):
    return client.put_item(TableName="Tasks", Item={"TaskId": {"S": "task-42"}, "status": {"S": "DONE"}, "worker": {"N": str(worker)}},
                           Expected={"status": {"Value": {"S": "IN_PROGRESS"}}, "worker": {"Value": {"N": str(worker)}}})''',
     "Not yet: use a ConditionExpression, not the legacy Expected."),
]
GUARD = '(Task.status == "IN_PROGRESS") & (Task.worker == worker)'
RELEASE_WRONG = [
    (RELEASE.replace(GUARD, "Task.worker == worker"),
     "Not yet: worker 4 made a CANCELLED task READY again: the condition must require IN_PROGRESS too."),
    (RELEASE.replace(GUARD, 'Task.status == "IN_PROGRESS"'), "Not yet: worker 7 gave back a task worker 4 holds."),
    (RELEASE.replace(GUARD, '(Task.status == "IN_PROGRESS") | (Task.worker == worker)'),
     "Not yet: worker 4 made a CANCELLED task READY again"),
]


def test_the_wrong_answers_are_the_solutions_with_one_mistake():
    assert all(code != FINISH for code, _ in FINISH_WRONG) and all(code != RELEASE for code, _ in RELEASE_WRONG)


def test_after_run_all_the_checks_say_not_yet_and_the_solutions_pass(run_all):
    namespace = dict(run_all)
    assert _printed(namespace, _cell("def finish_task(client, worker):\n    # Guard"), FINISH_CHECK).startswith(
        "Not yet: worker 4 marked a CANCELLED task DONE")
    assert _printed(namespace, FINISH, FINISH_CHECK).startswith("Right:")
    assert _printed(namespace, RELEASE, RELEASE_CHECK).startswith("Right:")


@pytest.mark.parametrize("code, said", FINISH_WRONG, ids=range(len(FINISH_WRONG)))
def test_exercise_1_says_why_an_answer_is_wrong(run_all, code, said):
    assert _printed(dict(run_all), code, FINISH_CHECK) == said + "\n"


@pytest.mark.parametrize("code, said", RELEASE_WRONG, ids=range(len(RELEASE_WRONG)))
def test_exercise_2_says_why_an_answer_is_wrong(run_all, code, said):
    assert _printed(dict(run_all), code, RELEASE_CHECK).startswith(said)


def test_the_solutions_pass_after_wrong_answers_the_other_exercise_and_a_lost_table(run_all):
    namespace = dict(run_all)
    for code, _ in FINISH_WRONG:
        _printed(namespace, code, FINISH_CHECK)
    for code, _ in RELEASE_WRONG:
        _printed(namespace, code, RELEASE_CHECK)
    labkit.drop_table(namespace["client"], "Tasks")
    assert _printed(namespace, RELEASE, RELEASE_CHECK, FINISH, FINISH_CHECK).splitlines() == [
        "Right: only the worker that holds a task in progress can give it back.",
        "Right: only the worker that holds a task in progress can finish it."]


def test_writers_starting_together_make_one_pynamodb_client(embedded, monkeypatch):
    """PynamoDB makes a model's client at its first request, unlocked: writers starting together each made one
    (the first study-group round of 144 PynamoDB writers took 34 s). The steps make it once."""
    import botocore.session
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.models import Model
    from types import SimpleNamespace

    from labkit.race.pynamodb_steps import load

    class Fresh(Model):  # a model whose client nobody has made yet
        class Meta:
            table_name = "Tasks"
            region = "us-east-1"

        task_id = UnicodeAttribute(hash_key=True, attr_name="TaskId")
        status = UnicodeAttribute(null=True)

    labkit.reset_table(embedded.client, "Tasks", "TaskId")
    embedded.client.put_item(TableName="Tasks", Item={"TaskId": {"S": "task-42"}, "status": {"S": "READY"}})
    made, real = [], botocore.session.Session.create_client

    def counting(self, service, *args, **kwargs):
        made.append(service)
        return real(self, service, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", counting)
    start = threading.Barrier(8)

    def writer():
        step = load(Fresh("task-42"))
        start.wait()
        step.request(SimpleNamespace(), *step.args)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert made.count("dynamodb") == 1, made
