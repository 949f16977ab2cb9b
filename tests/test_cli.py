"""The tutorial's AWS CLI commands, run with the real ``aws`` against ``python -m labkit serve``.

Output and exit codes are asserted as the CLI really prints them (AWS CLI v1: 0 on success, 255 on a
service error; a put that succeeds prints nothing; errors go to stderr), not as the tutorial claims.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[1]
AWS = Path(sys.executable).with_name("aws.exe" if os.name == "nt" else "aws")
CONDITION_FAILED = ("An error occurred (ConditionalCheckFailedException) when calling the {} operation: "
                    "The conditional request failed")
CREATE_USERS = ["create-table", "--table-name", "Users",
                "--attribute-definitions", "AttributeName=Username,AttributeType=S",
                "--key-schema", "AttributeName=Username,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST"]
ALICE = '{"Username":{"S":"alice"}, "Email":{"S":"alice@example.com"}, "Role":{"S":"member"}}'
DUPLICATE = '{"Username":{"S":"alice"}, "Email":{"S":"alice@duplicate.com"}, "Role":{"S":"member"}}'
ALICE_KEY = '{"Username":{"S":"alice"}}'


@pytest.fixture(scope="module")
def server_url():
    """``python -m labkit serve --port 0`` in its own process; its URL is read from its first line."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "labkit", "serve", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    match = re.fullmatch(r"labkit DynamoDB listening on (http://127\.0\.0\.1:\d+)\n", line)
    if not match:
        process.kill()
        pytest.fail(f"labkit serve printed {line!r}")
    yield match[1]
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """Fake credentials and a region, and none of the developer's own AWS configuration."""
    home = tmp_path_factory.mktemp("aws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials")}


def aws(env: dict, url: str, *args: str) -> subprocess.CompletedProcess:
    assert AWS.exists(), f"the AWS CLI is not installed next to {sys.executable}"
    return subprocess.run([str(AWS), "--endpoint-url", url, "dynamodb", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_tutorial_as_the_cli_really_runs_it(server_url, cli_env):
    run = lambda *args: aws(cli_env, server_url, *args)  # noqa: E731

    created = run(*CREATE_USERS)
    assert (created.returncode, created.stderr) == (0, "")
    assert json.loads(created.stdout)["TableDescription"]["TableStatus"] == "CREATING"

    # "Check status": CREATING for a moment, then ACTIVE, printed as a JSON string by --query.
    deadline = time.monotonic() + 60
    while (status := run("describe-table", "--table-name", "Users", "--query", "Table.TableStatus")).stdout != '"ACTIVE"\n':
        assert status.returncode == 0 and status.stdout == '"CREATING"\n', status
        assert time.monotonic() < deadline, "Users never became ACTIVE"

    first = run("put-item", "--table-name", "Users", "--item", ALICE)
    assert (first.returncode, first.stdout, first.stderr) == (0, "", "")  # not "{}": success prints nothing

    duplicate = run("put-item", "--table-name", "Users", "--item", DUPLICATE,
                    "--condition-expression", "attribute_not_exists(Username)")
    assert (duplicate.returncode, duplicate.stdout) == (255, "")
    assert duplicate.stderr.strip() == CONDITION_FAILED.format("PutItem")

    # The tutorial's update names Role, a reserved word: DynamoDB refuses it before looking at the item.
    as_written = run("update-item", "--table-name", "Users", "--key", ALICE_KEY,
                     "--update-expression", "SET Role = :newrole", "--condition-expression", "Role = :expected",
                     "--expression-attribute-values", '{":newrole":{"S":"admin"}, ":expected":{"S":"member"}}',
                     "--return-values", "ALL_NEW")
    assert (as_written.returncode, as_written.stdout) == (255, "")
    assert as_written.stderr.strip() == (
        "An error occurred (ValidationException) when calling the UpdateItem operation: "
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Role")

    def update_role(new: str, *extra: str) -> subprocess.CompletedProcess:
        return run("update-item", "--table-name", "Users", "--key", ALICE_KEY,
                   "--update-expression", "SET #role = :newrole", "--condition-expression", "#role = :expected",
                   "--expression-attribute-names", '{"#role":"Role"}',
                   "--expression-attribute-values", json.dumps({":newrole": {"S": new}, ":expected": {"S": "member"}}),
                   *extra)

    fixed = update_role("admin", "--return-values", "ALL_NEW")
    assert (fixed.returncode, fixed.stderr) == (0, "")
    assert json.loads(fixed.stdout) == {"Attributes": {
        "Username": {"S": "alice"}, "Email": {"S": "alice@example.com"}, "Role": {"S": "admin"}}}

    late = update_role("owner")  # still expects "member": the race the condition is there to lose
    assert (late.returncode, late.stdout) == (255, "")
    assert late.stderr.strip() == CONDITION_FAILED.format("UpdateItem")
    item = run("get-item", "--table-name", "Users", "--key", ALICE_KEY, "--consistent-read")
    assert json.loads(item.stdout)["Item"]["Role"] == {"S": "admin"}

    deleted = run("delete-table", "--table-name", "Users")
    assert (deleted.returncode, deleted.stderr) == (0, "")
    assert json.loads(deleted.stdout)["TableDescription"]["TableStatus"] == "DELETING"

    listed = run("list-tables")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert json.loads(listed.stdout) == {"TableNames": []}


class _Gate(ThreadingHTTPServer):
    """A loopback relay in front of the lab server that holds each CLI request until every racer of the
    round (CLI requests here, boto3 threads in the test) is ready, so that they reach the server together."""

    daemon_threads = True

    def __init__(self, upstream: str, barrier: threading.Barrier):
        super().__init__(("127.0.0.1", 0), _GateHandler)
        self.upstream, self.barrier = upstream.removeprefix("http://"), barrier


class _GateHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (the stdlib's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.barrier.wait()
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=60)
        upstream.request("POST", self.path, body, {k: v for k, v in self.headers.items() if k.lower() != "host"})
        reply = upstream.getresponse()
        data = reply.read()
        upstream.close()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.getheader("Content-Type", "application/x-amz-json-1.0"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


CLI_RACERS, BOTO3_RACERS, ROUNDS = 8, 24, 4


def test_cli_processes_and_boto3_threads_race_with_one_winner(server_url, cli_env):
    """Each round 8 ``aws`` processes and 24 boto3 threads put the same new key with
    ``attribute_not_exists(Username)``: exactly one of the 32 wins, and the item is the winner's."""
    config = Config(retries={"max_attempts": 1}, max_pool_connections=BOTO3_RACERS)
    # A session of our own: once labkit.connect() has run in this process, boto3's default session answers
    # in-process, whatever the endpoint_url, and these writers would never reach the server.
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")
    clients = [session.client("dynamodb", endpoint_url=server_url, config=config) for _ in range(BOTO3_RACERS)]
    control = clients[0]
    control.create_table(TableName="Racers", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "Username", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "Username", "KeyType": "HASH"}])
    control.get_waiter("table_exists").wait(TableName="Racers", WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})

    for round_number in range(ROUNDS):
        key = f"racer-{round_number}"
        barrier = threading.Barrier(CLI_RACERS + BOTO3_RACERS, timeout=120)
        gate = _Gate(server_url, barrier)
        threading.Thread(target=gate.serve_forever, daemon=True).start()
        results: dict[str, str] = {}

        def put(writer: str, client) -> None:
            client.describe_table(TableName="Racers")  # the connection is open before the start
            barrier.wait()
            try:
                client.put_item(TableName="Racers", Item={"Username": {"S": key}, "Writer": {"S": writer}},
                                ConditionExpression="attribute_not_exists(Username)")
                results[writer] = "succeeded"
            except ClientError as error:
                results[writer] = error.response["Error"]["Code"]

        threads = [threading.Thread(target=put, args=(f"boto3-{i}", c)) for i, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        gate_url = f"http://127.0.0.1:{gate.server_address[1]}"
        processes = {f"cli-{i}": subprocess.Popen(
            [str(AWS), "--endpoint-url", gate_url, "dynamodb", "put-item", "--table-name", "Racers",
             "--item", json.dumps({"Username": {"S": key}, "Writer": {"S": f"cli-{i}"}}),
             "--condition-expression", "attribute_not_exists(Username)"],
            env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(CLI_RACERS)}
        for writer, process in processes.items():
            out, err = process.communicate(timeout=180)
            if process.returncode == 0 and out == "" and err == "":
                results[writer] = "succeeded"
            elif process.returncode == 255 and err.strip() == CONDITION_FAILED.format("PutItem"):
                results[writer] = "ConditionalCheckFailedException"
            else:
                results[writer] = f"exit {process.returncode}: {err.strip()}"
        for thread in threads:
            thread.join(120)
        gate.shutdown()
        gate.server_close()

        winners = [w for w, outcome in results.items() if outcome == "succeeded"]
        assert len(results) == CLI_RACERS + BOTO3_RACERS, results
        assert len(winners) == 1, f"round {round_number}: {results}"
        assert set(results.values()) == {"succeeded", "ConditionalCheckFailedException"}, f"round {round_number}: {results}"
        stored = control.get_item(TableName="Racers", Key={"Username": {"S": key}}, ConsistentRead=True)["Item"]
        assert stored["Writer"] == {"S": winners[0]}
