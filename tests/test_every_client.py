"""Every DynamoDB client in the process reaches the connected lab, whoever made it, unless it was given an
endpoint of its own; with the embedded lab nothing leaves the machine, whatever credentials are around."""

from __future__ import annotations

import socket
import threading

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

import labkit

from test_backends import run_python


@pytest.fixture
def offline(monkeypatch):
    """No socket can connect and no name can resolve: whatever tries is listed, and fails."""
    tried = []

    def refuse(*args, **kwargs):
        tried.append(args)
        raise OSError("the network is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield tried
    assert tried == [], f"a request tried to leave the machine: {tried}"


@pytest.fixture
def embedded(lab):
    """The embedded lab is the one connected (another test may have connected another backend)."""
    return labkit.connect("embedded")


def item_in_lab(lab, table, key):
    return lab.client.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")


def test_a_new_sessions_client_reads_and_writes_the_lab(embedded, table, offline):
    client = boto3.session.Session().client("dynamodb")
    client.put_item(TableName=table, Item={"pk": {"S": "from-a-new-session"}, "n": {"N": "1"}})
    embedded.client.put_item(TableName=table, Item={"pk": {"S": "from-the-lab"}})
    assert item_in_lab(embedded, table, "from-a-new-session") == {"pk": {"S": "from-a-new-session"}, "n": {"N": "1"}}
    assert client.get_item(TableName=table, Key={"pk": {"S": "from-the-lab"}})["Item"] == {"pk": {"S": "from-the-lab"}}


def test_a_resource_from_a_new_session_reads_and_writes_the_lab(embedded, table, offline):
    rows = boto3.session.Session().resource("dynamodb").Table(table)
    rows.put_item(Item={"pk": "via-resource", "count": 3})
    assert item_in_lab(embedded, table, "via-resource") == {"pk": {"S": "via-resource"}, "count": {"N": "3"}}
    assert rows.get_item(Key={"pk": "via-resource"})["Item"] == {"pk": "via-resource", "count": 3}


def test_a_bare_botocore_session_client_reads_and_writes_the_lab(embedded, table, offline):
    client = botocore.session.get_session().create_client("dynamodb")
    client.put_item(TableName=table, Item={"pk": {"S": "via-botocore"}})
    assert item_in_lab(embedded, table, "via-botocore") == {"pk": {"S": "via-botocore"}}
    assert table in client.list_tables()["TableNames"]


def test_a_client_per_thread_reaches_the_lab_and_its_conditions_hold(embedded, table, offline):
    """boto3's advice for threads: a session (and its client) per thread. Eight threads put one key
    with attribute_not_exists: exactly one wins, because they all write to the lab's one table."""
    start = threading.Barrier(8)
    outcomes = {}

    def worker(number):
        client = boto3.session.Session().client("dynamodb")
        start.wait()
        try:
            client.put_item(TableName=table, Item={"pk": {"S": "seat-12A"}, "passenger": {"N": str(number)}},
                            ConditionExpression="attribute_not_exists(pk)")
            outcomes[number] = "succeeded"
        except ClientError as error:
            outcomes[number] = error.response["Error"]["Code"]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, outcome in outcomes.items() if outcome == "succeeded"]
    assert len(winners) == 1 and len(outcomes) == 8, outcomes
    assert set(outcomes.values()) == {"succeeded", "ConditionalCheckFailedException"}
    assert item_in_lab(embedded, table, "seat-12A")["passenger"] == {"N": str(winners[0])}


def task_model(table_name: str, host: str | None = None, versioned: bool = False) -> type[Model]:
    """A PynamoDB model of a task table keyed by ``pk``, as an application would declare it."""

    class Meta:
        pass

    Meta.table_name, Meta.region = table_name, "us-east-1"
    if host:
        Meta.host = host
    attributes = {"Meta": Meta, "pk": UnicodeAttribute(hash_key=True), "status": UnicodeAttribute(),
                  "worker": NumberAttribute(null=True)}
    if versioned:
        attributes["version"] = VersionAttribute()
    return type("Task", (Model,), attributes)


def test_a_pynamodb_model_reads_and_writes_the_lab(embedded, table, offline):
    Task = task_model(table)
    Task("task-42", status="READY").save()
    Task("task-42", status="IN_PROGRESS", worker=1).save(condition=Task.status == "READY")
    with pytest.raises(PutError) as refused:
        Task("task-42", status="IN_PROGRESS", worker=2).save(condition=Task.status == "READY")
    assert refused.value.cause_response_code == "ConditionalCheckFailedException"
    assert item_in_lab(embedded, table, "task-42") == {
        "pk": {"S": "task-42"}, "status": {"S": "IN_PROGRESS"}, "worker": {"N": "1"}}
    assert Task.get("task-42", consistent_read=True).worker == 1


def test_a_pynamodb_version_attribute_guards_the_lab(embedded, table, offline):
    Task = task_model(table, versioned=True)
    Task("task-7", status="READY").save()
    first, second = Task.get("task-7"), Task.get("task-7")
    first.status = "IN_PROGRESS"
    first.save()
    second.status = "DONE"
    with pytest.raises(PutError) as refused:
        second.save()
    assert refused.value.cause_response_code == "ConditionalCheckFailedException"
    assert item_in_lab(embedded, table, "task-7") == {
        "pk": {"S": "task-7"}, "status": {"S": "IN_PROGRESS"}, "version": {"N": "2"}}


@pytest.fixture
def served():
    """The server backend, in this process; the embedded lab is connected again afterwards."""
    lab = labkit.connect("server", port=0)
    yield lab
    labkit.connect("embedded")
    lab.server.stop()


def answered_over_http(lab) -> bool:
    """Whether the last request the lab answered came through its HTTP server (not in-process)."""
    return lab.front.trace[-1].thread != threading.current_thread().name


@pytest.mark.parametrize("explicit_host", [False, True], ids=["no-host", "host=lab.endpoint_url"])
def test_pynamodb_reaches_the_server_backend(served, explicit_host):
    labkit.reset_table(served.client, "PynamoTasks", "pk")
    Task = task_model("PynamoTasks", host=served.endpoint_url if explicit_host else None)
    Task("task-1", status="READY").save()
    assert answered_over_http(served)
    assert labkit.scan_all(served.client, "PynamoTasks") == [{"pk": "task-1", "status": "READY"}]


def test_other_clients_reach_the_server_backend_over_http(served):
    labkit.reset_table(served.client, "Served", "pk")
    boto3.session.Session().client("dynamodb").put_item(TableName="Served", Item={"pk": {"S": "a"}})
    assert answered_over_http(served)
    boto3.client("dynamodb").put_item(TableName="Served", Item={"pk": {"S": "b"}})
    assert answered_over_http(served)
    assert sorted(i["pk"] for i in labkit.scan_all(served.client, "Served")) == ["a", "b"]


def test_clients_with_their_own_endpoint_are_left_alone(embedded):
    nowhere = "http://127.0.0.1:9"  # nothing listens on port 9
    config = Config(retries={"max_attempts": 1}, connect_timeout=2)
    with pytest.raises(EndpointConnectionError):
        boto3.session.Session().client("dynamodb", endpoint_url=nowhere, config=config).list_tables()
    with pytest.raises(EndpointConnectionError):
        botocore.session.get_session().create_client("dynamodb", endpoint_url=nowhere, config=config).list_tables()
    Task = task_model("Tasks", host=nowhere)
    Task.Meta.max_retry_attempts, Task.Meta.connect_timeout_seconds = 0, 2
    with pytest.raises(Exception) as error:  # PynamoDB wraps botocore's error in its own
        Task.get("task-42")
    assert "127.0.0.1:9" in str(error.value)


def test_nothing_reaches_aws_even_with_real_looking_credentials():
    """A fresh interpreter with credentials that look real and no network: every kind of client, made
    after ``import labkit`` (before or after connect), reaches the embedded lab; a client made before the
    import does not, as the banner says, and is stopped here by the blocked network."""
    out = run_python("""
        import socket
        tried = []
        def refuse(*args, **kwargs):
            tried.append(args)
            raise OSError("the network is blocked")
        socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse

        import boto3
        from botocore.config import Config
        made_before_import = boto3.client("dynamodb", config=Config(retries={"max_attempts": 1}))

        import botocore.session
        import labkit
        from pynamodb.attributes import UnicodeAttribute
        from pynamodb.models import Model

        made_before_connect = boto3.session.Session().client("dynamodb")
        lab = labkit.connect()
        labkit.create_table(lab.client, "Users")

        class User(Model):
            class Meta:
                table_name = "Users"
            username = UnicodeAttribute(hash_key=True, attr_name="Username")
            via = UnicodeAttribute()

        made_before_connect.put_item(TableName="Users", Item={"Username": {"S": "a"}, "via": {"S": "early"}})
        boto3.client("dynamodb").put_item(TableName="Users", Item={"Username": {"S": "b"}, "via": {"S": "default"}})
        boto3.session.Session().client("dynamodb").put_item(
            TableName="Users", Item={"Username": {"S": "c"}, "via": {"S": "session"}})
        boto3.session.Session().resource("dynamodb").Table("Users").put_item(Item={"Username": "d", "via": "resource"})
        botocore.session.get_session().create_client("dynamodb").put_item(
            TableName="Users", Item={"Username": {"S": "e"}, "via": {"S": "botocore"}})
        User("f", via="pynamodb").save()
        print(sorted((i["Username"], i["via"]) for i in labkit.scan_all(lab.client, "Users")))
        print("network:", len(tried))
        try:
            made_before_import.list_tables()
        except Exception as error:
            print("made before import:", type(error).__name__, len(tried) > 0)
    """, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEXAMPLE", AWS_DEFAULT_REGION="eu-west-1",
        AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    lines = out.strip().splitlines()
    assert lines[0] == ("[('a', 'early'), ('b', 'default'), ('c', 'session'), ('d', 'resource'), "
                        "('e', 'botocore'), ('f', 'pynamodb')]")
    assert lines[1] == "network: 0"
    assert lines[2] == "made before import: EndpointConnectionError True"


def test_the_banner_says_which_clients_reach_the_lab(embedded):
    assert "clients: every DynamoDB client made after `import labkit` without an endpoint_url of its own" \
        in embedded.describe()
    assert "clients made before that import do not" in embedded.describe()


def test_the_real_aws_backend_keeps_its_clients_on_aws_when_a_lab_connects_later():
    out = run_python("""
        import botocore.handlers
        urls = []
        botocore.handlers.BUILTIN_HANDLERS.append(
            ("before-send.dynamodb", lambda request, **_: urls.append(request.url)))
        from moto import mock_aws
        import labkit
        with mock_aws():  # stands in for AWS
            aws = labkit.connect("aws")
            labkit.connect()  # the embedded lab now receives the clients with no endpoint of their own
            urls.clear()
            aws.client.list_tables()
            aws.guard.cleanup()  # through the guard's own client
            print(sorted(set(urls)))
    """, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    assert out.strip() == "['https://dynamodb.us-east-1.amazonaws.com/']"
