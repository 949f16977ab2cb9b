"""The CLI tutorial chapter: what it shows the AWS CLI printing is what the real ``aws`` prints, and the
runner behind it keeps the kernel as it found it (its exercises: test_chapter_exercises.py)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import labkit
from labkit.cli import OUTPUT_METADATA, CliRun, as_boto3, as_cli, run_cli
from test_notebooks_rerun import sanitizers

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "01_cli_tutorial.ipynb"
AWS = Path(sys.executable).with_name("aws.exe" if os.name == "nt" else "aws")
ENDPOINT = re.compile(r"( \\\n    | )--endpoint-url http://127\.0\.0\.1:\d+$")
CONDITION_FAILED = ("\nAn error occurred (ConditionalCheckFailedException) when calling the PutItem operation: "
                    "The conditional request failed\n")


def cli_outputs(notebook) -> list[tuple[dict, str]]:
    """Every CLI run a chapter shows, in order: its fields, and the text the chapter displays for it."""
    return [(output["metadata"][OUTPUT_METADATA], "".join(output["data"]["text/plain"]))
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if OUTPUT_METADATA in output.get("metadata", {})]


def shown(fields: dict) -> str:
    """The terminal text a run with these fields displays."""
    return CliRun(**fields).transcript()


@pytest.mark.slow
def test_every_command_the_chapter_shows_prints_the_same_when_the_aws_program_runs_it():
    """The chapter run again on the server backend, where each command is run by the ``aws`` program in a
    process of its own: every command, stdout, stderr and exit code equals what the shipped chapter shows."""
    saved = nbformat.read(CHAPTER, as_version=4)
    expected = cli_outputs(saved)
    steps = sum("cli_step(" in cell.source for cell in saved.cells if cell.cell_type == "code")
    assert len(expected) == steps >= 12, "every cli_step cell shows one run"
    for fields, text in expected:  # what the learner reads is made of exactly these fields
        assert fields["program"] is None and text.startswith(shown(fields))

    rerun = nbformat.read(CHAPTER, as_version=4)
    env = {"LABKIT_BACKEND": "server", "LABKIT_PORT": "0"}
    with _environment(env):
        NotebookClient(rerun, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(CHAPTER.parent)}}).execute()
    actual = cli_outputs(rerun)
    assert len(actual) == len(expected)
    rules = sanitizers()

    def clean(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    for (real, text), (chapter, _) in zip(actual, expected):
        assert real["program"] == str(AWS), "the aws program ran the command, in a process of its own"
        assert text.startswith(shown(real))
        assert ENDPOINT.sub("", real["command"]) == chapter["command"]
        assert (clean(real["stdout"]), real["stderr"], real["exit_code"]) == (
            clean(chapter["stdout"]), chapter["stderr"], chapter["exit_code"]), chapter["command"]


@contextlib.contextmanager
def _environment(values: dict):
    kept = dict(os.environ)
    os.environ.update(values)  # the kernel inherits this process's environment
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), kept.get("PYTHONPATH")]))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(kept)


# -- the runner -------------------------------------------------------------------------------------

def test_the_boto3_call_beside_a_command_names_the_same_request():
    assert as_boto3("list_tables", {}) == "client.list_tables()"
    assert as_boto3("describe_table", {"TableName": "Users"}, query="Table.TableStatus") == (
        "client.describe_table(\n    TableName='Users',\n)['Table']['TableStatus']")
    with pytest.raises(ValueError, match="no parameter 'Tablename'"):
        as_boto3("put_item", {"Tablename": "Users"})
    with pytest.raises(ValueError, match="dotted path"):
        as_boto3("list_tables", {}, query="TableNames[0]")
    assert as_cli("list_tables", {}, "http://127.0.0.1:1", query="TableNames") == (
        'aws dynamodb list-tables \\\n    --query "TableNames" \\\n    --endpoint-url http://127.0.0.1:1')


def test_in_the_kernel_the_cli_prints_what_the_aws_program_prints(lab, users):
    put = f"aws dynamodb put-item --table-name {users} --item '{{\"Username\": {{\"S\": \"eve\"}}}}'"
    first = run_cli(lab, put)
    assert (first.stdout, first.stderr, first.exit_code, first.program) == ("", "", 0, None)
    refused = run_cli(lab, put + ' --condition-expression "attribute_not_exists(Username)"')
    assert (refused.stdout, refused.stderr, refused.exit_code) == ("", CONDITION_FAILED, 255)
    status = run_cli(lab, f'aws dynamodb describe-table --table-name {users} --query "Table.TableStatus"')
    assert (status.stdout, status.exit_code) == ('"ACTIVE"\n', 0)


@pytest.fixture(scope="module")
def served():
    """The lab served on a free loopback port: commands run by the aws program reach it."""
    lab = labkit.connect("server", port=0)
    yield lab
    lab.server.stop()


@pytest.mark.parametrize("command", [
    "aws dynamodb put-item --table-name Users",  # a required option missing: argparse's exit code 2
    "aws dynamodb put-item --table-name Users --item '{}' --no-such-option 1",
    "aws dynamodb put-item --table-name Users --item 'not JSON'",
    "aws dynamodb put-item --table-name Users --item '{\"Username\": {\"S\": \"x\"}}' --return-values SOMETIMES",
])
def test_a_command_the_cli_refuses_reads_the_same_in_the_kernel_as_from_the_aws_program(lab, served, command):
    in_kernel, program = run_cli(lab, command), run_cli(served, command)
    assert program.program == str(AWS) and in_kernel.program is None
    assert (in_kernel.stdout, in_kernel.stderr, in_kernel.exit_code) == (program.stdout, program.stderr, program.exit_code)
    assert in_kernel.exit_code != 0 and in_kernel.stderr


def test_the_kernel_run_ignores_personal_aws_settings(lab, users, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "someone-elses")  # the CLI would stop at ProfileNotFound
    monkeypatch.setenv("AWS_DEFAULT_OUTPUT", "table")  # the CLI would draw a table instead of JSON
    listed = run_cli(lab, "aws dynamodb list-tables")
    assert listed.exit_code == 0 and users in listed.stdout and listed.stdout.startswith("{\n")


LEAVES_THE_KERNEL_AS_IT_WAS = """
import logging, os, labkit
from labkit.cli import run_cli
lab = labkit.connect()
environment = dict(os.environ)
logger = logging.getLogger("awscli")
handlers, level = list(logger.handlers), logger.level
for command in ["aws dynamodb list-tables", "aws dynamodb describe-table --table-name Nothing"]:
    assert run_cli(lab, command).exit_code in (0, 255)
assert dict(os.environ) == environment, set(os.environ.items()) ^ set(environment.items())
assert (logger.handlers, logger.level) == (handlers, level), (logger.handlers, logger.level)
"""


def test_the_kernel_run_leaves_the_environment_and_logging_as_they_were():
    """In a fresh interpreter, so that the first import of awscli (which writes to os.environ) is seen."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", LEAVES_THE_KERNEL_AS_IT_WAS], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_lab_runs_only_its_own_commands(lab):
    with pytest.raises(ValueError, match="aws dynamodb"):
        run_cli(lab, "aws s3 ls")

    class RealAws:
        backend, endpoint_url = "aws", None

    with pytest.raises(ValueError, match="terminal yourself"):
        run_cli(RealAws(), "aws dynamodb list-tables")


def test_with_an_address_the_aws_program_runs_and_gets_the_endpoint(served, users):
    put = f"aws dynamodb put-item --table-name {users} --item '{{\"Username\": {{\"S\": \"eve\"}}}}'"
    run = run_cli(served, put + ' --condition-expression "attribute_not_exists(Username)"')
    assert run.program == str(AWS) and run.command == f"{put} --condition-expression \"attribute_not_exists(Username)\" --endpoint-url {served.endpoint_url}"
    assert (run.stdout, run.stderr, run.exit_code) == ("", "", 0)
    again = run_cli(served, put + ' --condition-expression "attribute_not_exists(Username)"')
    assert (again.stderr, again.exit_code) == (CONDITION_FAILED, 255)


def test_the_tutorials_refused_role_update_is_run_in_this_chapter_only():
    """One home per correction: step 4 runs the tutorial's `SET Role = ...` and corrects it; a later chapter
    links there rather than running the same refusal again (the race lab once did, showing nothing new)."""
    unguarded = re.compile(r"(UpdateExpression|ConditionExpression)=\"[^\"]*\bRole\b")
    running = {path.name for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
               for cell in nbformat.read(path, as_version=4).cells
               if cell.cell_type == "code" and unguarded.search(cell.source)}
    assert running == {CHAPTER.name}, running
