"""The backends: chosen in one place; the default needs no AWS and no network; real AWS is guarded."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import labkit


def run_python(code: str, **env) -> str:
    """Run code in a fresh interpreter (clean module state and environment); return its stdout."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LABKIT_"))}
    environment.update(env)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_default_is_embedded_and_never_opens_a_socket():
    out = run_python("""
        import socket
        def refuse(*args, **kwargs):
            raise AssertionError("the embedded lab tried to use the network")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        import boto3, labkit
        lab = labkit.connect()
        labkit.create_table(lab.client, "Users")
        lab.client.put_item(TableName="Users", Item={"Username": {"S": "alice"}})
        # a plain boto3 client, made the way a learner would, reaches the lab too, not AWS
        print(lab.backend, boto3.client("dynamodb").get_item(TableName="Users", Key={"Username": {"S": "alice"}})["Item"])
    """, AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    assert out.strip() == "embedded {'Username': {'S': 'alice'}}"


def test_backend_comes_from_the_environment():
    out = run_python("""
        import labkit
        lab = labkit.connect()
        print(lab.backend, lab.endpoint_url.startswith("http://127.0.0.1:"))
    """, LABKIT_BACKEND="server", LABKIT_PORT="0")
    assert out.strip() == "server True"


def test_a_client_with_its_own_endpoint_is_not_captured_by_the_embedded_lab():
    import boto3
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError

    labkit.connect()  # routes the default boto3 session to the embedded lab
    elsewhere = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:9",  # nothing listens on port 9
                             config=Config(retries={"max_attempts": 1}, connect_timeout=2))
    with pytest.raises(EndpointConnectionError):
        elsewhere.list_tables()


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown labkit backend 'dynamo'"):
        labkit.connect("dynamo")


def test_endpoint_backend_talks_to_any_url(table):
    server = labkit.serve(0)
    lab = labkit.connect("endpoint", endpoint_url=server.url)
    lab.client.put_item(TableName=table, Item={"pk": {"S": "via-endpoint"}})
    assert labkit.scan_all(labkit.connect().client, table) == [{"pk": "via-endpoint"}]


def test_aws_backend_prefixes_tags_and_deletes_only_its_own_tables():
    # moto's mock_aws stands in for AWS here, in its own process (it resets moto's global state).
    out = run_python("""
        import boto3
        from moto import mock_aws
        import labkit
        with mock_aws():
            own = boto3.client("dynamodb")
            for name in ("Users", "labkit-Orders"):  # the learner's own tables, one even with the prefix
                own.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                                 KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
            lab = labkit.connect("aws")
            labkit.create_table(lab.client, "Users")          # the notebook says Users ...
            lab.client.put_item(TableName="Users", Item={"Username": {"S": "alice"}})
            tables = own.list_tables()["TableNames"]
            arn = own.describe_table(TableName="labkit-Users")["Table"]["TableArn"]
            tags = own.list_tags_of_resource(ResourceArn=arn)["Tags"]
            try:
                lab.client.delete_table(TableName="labkit-Orders")
                refused = False
            except PermissionError:
                refused = True
            removed = lab.guard.cleanup()
            print(sorted(tables), [t["Key"] for t in tags], refused, removed, sorted(own.list_tables()["TableNames"]))
    """, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    assert out.strip() == ("['Users', 'labkit-Orders', 'labkit-Users'] ['labkit-lab'] True ['labkit-Users'] "
                           "['Users', 'labkit-Orders']")


def test_cli_rendering_round_trips_through_shell_words():
    import json
    import shlex

    command = labkit.as_cli("update_item", {
        "TableName": "Users", "Key": {"Username": {"S": "alice"}}, "UpdateExpression": "SET #role = :new",
        "ConditionExpression": "#role = :expected", "ExpressionAttributeNames": {"#role": "Role"},
        "ExpressionAttributeValues": {":new": {"S": "admin"}, ":expected": {"S": "member"}},
        "ReturnValues": "ALL_NEW"}, endpoint_url="http://127.0.0.1:8765")
    words = shlex.split(command.replace("\\\n", " "))
    assert words[:3] == ["aws", "dynamodb", "update-item"]
    options = dict(zip(words[3::2], words[4::2]))
    assert json.loads(options["--expression-attribute-values"])[":new"] == {"S": "admin"}
    assert options["--condition-expression"] == "#role = :expected"
    assert options["--endpoint-url"] == "http://127.0.0.1:8765"
