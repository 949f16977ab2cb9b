"""Hostile requests to the loopback server, sent over raw sockets while boto3 threads race optimistic-locking
increments: every request gets an HTTP answer with a DynamoDB error, and no increment is lost."""

from __future__ import annotations

import http.client
import json
import socket
import threading

import boto3
import pytest
from botocore.config import Config

import labkit
from labkit import transport
from labkit.front import errors, shapes

SERVICE, VALIDATE = "com.amazon.coral.service#", "com.amazon.coral.validate#"
SERIALIZATION, UNKNOWN = SERVICE + "SerializationException", SERVICE + "UnknownOperationException"
JSON_TYPE = "application/x-amz-json-1.0"
WRITERS = 8


def request(body: bytes = b"", *, target: str | None = "DynamoDB_20120810.PutItem", content_type: str = JSON_TYPE,
            length: str | None = "auto", headers: tuple[str, ...] = (), start: str = "POST / HTTP/1.1") -> bytes:
    """One raw HTTP request; ``length`` None sends no Content-Length, "auto" the body's own."""
    lines = [start, "Host: 127.0.0.1", f"Content-Type: {content_type}", *headers]
    if target is not None:
        lines.append(f"X-Amz-Target: {target}")
    if length is not None:
        lines.append(f"Content-Length: {len(body) if length == 'auto' else length}")
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


def put(table: str) -> bytes:
    return json.dumps({"TableName": table, "Item": {"pk": {"S": "hostile"}, "v": {"S": "x"}}}).encode()


def nested_item(table: str, levels: int) -> bytes:
    return (b'{"TableName": "%s", "Item": {"pk": {"S": "deep"}, "d": ' % table.encode() + b'{"M": {"a": ' * levels
            + b'{"S": "x"}' + b"}}" * levels + b"}}")


def catalogue(table: str) -> list[tuple[str, bytes, bool, int, str, bool]]:
    """(kind, raw request, half-close after sending, status, __type, connection closed after the answer)."""
    over_limit = errors.MAX_REQUEST_BYTES + 1
    return [
        ("JSON nested 100,000 deep", request(b"[" * 100_000 + b"]" * 100_000), False, 400, SERIALIZATION, False),
        ("an item nested 50,000 levels (100,000 deep)", request(nested_item(table, 50_000)), False, 400, SERIALIZATION,
         False),
        ("a body over DynamoDB's 16 MB request limit", request(b" " * over_limit), False, 413,
         VALIDATE + "ValidationException", True),
        ("a Content-Length of 10 GB, no body", request(length=str(10 ** 10)), False, 413,
         VALIDATE + "ValidationException", True),
        ("the same, asking for 100-continue", request(length=str(10 ** 10), headers=("Expect: 100-continue",)), False,
         413, VALIDATE + "ValidationException", True),
        ("no Content-Length: the body is not read", request(put(table), length=None), False, 400, SERIALIZATION,
         False),
        ("a negative Content-Length", request(put(table), length="-5"), False, 400, SERIALIZATION, True),
        ("a Content-Length that is not a number", request(put(table), length="12abc"), False, 400, SERIALIZATION,
         True),
        ("two Content-Lengths that disagree", request(put(table), headers=("Content-Length: 3",)), False, 400,
         SERIALIZATION, True),
        ("a body shorter than its Content-Length", request(put(table), length="5000"), True, 400, SERIALIZATION,
         True),
        ("chunked transfer encoding", request(b"5\r\n{}   \r\n0\r\n\r\n", length=None,
                                              headers=("Transfer-Encoding: chunked",)), False, 411, SERIALIZATION, True),
        ("invalid UTF-8", request(put(table).replace(b'"x"', b'"\xff\xfe"')), False, 400, SERIALIZATION, False),
        ("UTF-16", request(put(table).decode().encode("utf-16")), False, 400, SERIALIZATION, False),
        ("half a UTF-16 surrogate pair", request(put(table).replace(b'"x"', b'"\\ud800"')), False, 400,
         SERIALIZATION, False),
        ("NaN, which JSON does not have", request(b'{"TableName": "t", "Limit": NaN}', target="DynamoDB_20120810.Scan"),
         False, 400, SERIALIZATION, False),
        ("a JSON list, not an object", request(b"[1, 2]"), False, 400, SERIALIZATION, False),
        ("a JSON string, not an object", request(b'"PutItem"'), False, 400, SERIALIZATION, False),
        ("not JSON at all", request(b"TableName=Counter"), False, 400, SERIALIZATION, False),
        ("an empty body", request(b""), False, 400, SERIALIZATION, False),
        ("an unknown operation", request(put(table), target="DynamoDB_20120810.DropEverything"), False, 400, UNKNOWN,
         False),
        ("no X-Amz-Target", request(put(table), target=None), False, 400, UNKNOWN, False),
        ("another service's prefix", request(put(table), target="Kinesis_20131202.PutItem"), False, 400, UNKNOWN,
         False),
        ("two X-Amz-Targets that disagree", request(put(table), headers=("X-Amz-Target: DynamoDB_20120810.DeleteTable",)),
         False, 400, UNKNOWN, False),
        ("a body that is not JSON by its Content-Type", request(put(table), content_type="text/plain"), False, 404,
         UNKNOWN, False),
        ("method PUT", request(put(table), start="PUT / HTTP/1.1"), False, 404, UNKNOWN, True),
        ("method DELETE, no body", request(start="DELETE / HTTP/1.1"), False, 404, UNKNOWN, True),
        ("another path", request(put(table), start="POST /admin HTTP/1.1"), False, 404, UNKNOWN, False),
        ("a request line that is not HTTP", b"\x00\x01 garbage \xff\r\n\r\n", False, 400, SERIALIZATION, True),
        ("a request line of 70,000 bytes", request(put(table), start=f"POST /{'a' * 70_000} HTTP/1.1"), False, 414,
         SERIALIZATION, True),
        ("HTTP/2.0 in an HTTP/1.1 request line", request(put(table), start="POST / HTTP/2.0"), False, 505,
         SERIALIZATION, True),
        ("a header line of 70,000 bytes", request(put(table), headers=("X-Padding: " + "a" * 70_000,)), False, 431,
         SERIALIZATION, True),
        ("a header folded over two lines", request(put(table), headers=("X-Note: one", " two")), False, 400,
         SERIALIZATION, True),
        ("a space before a header's colon", request(put(table), headers=("X-Amz-Target : DynamoDB_20120810.Scan",)),
         False, 400, SERIALIZATION, True),
        ("a header line with no colon", request(put(table), headers=("X-Amz-Target",)), False, 400, SERIALIZATION,
         True),
        ("101 headers", request(put(table), headers=tuple(f"X-H{i}: {i}" for i in range(101))), False, 431,
         SERIALIZATION, True),
    ]


def exchange(address, raw: bytes, half_close: bool) -> tuple[int, str, dict, str | None]:
    """Send one raw request; read the first answer: status, content type, JSON body, Connection header."""
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        reply = http.client.HTTPResponse(sock)
        reply.begin()
        return reply.status, reply.getheader("Content-Type"), json.loads(reply.read()), reply.getheader("Connection")


def _increment(client, table: str, stop: threading.Event, done: list, failures: list) -> None:
    """Optimistic locking: read the counter, write it + 1 only if nobody wrote it since."""
    try:
        while not stop.is_set():
            seen = client.get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]["n"]["N"]
            try:
                client.update_item(TableName=table, Key={"pk": {"S": "counter"}}, UpdateExpression="SET n = :new",
                                   ConditionExpression="n = :seen",
                                   ExpressionAttributeValues={":seen": {"N": seen}, ":new": {"N": str(int(seen) + 1)}})
                done.append(1)
            except client.exceptions.ConditionalCheckFailedException:
                pass
    except Exception as error:  # noqa: BLE001 (any other error is the finding)
        failures.append(repr(error))


def _clients(url: str, n: int) -> list:
    config = Config(retries={"max_attempts": 1}, read_timeout=30)
    return [boto3.session.Session().client("dynamodb", endpoint_url=url, region_name="us-east-1",
                                           aws_access_key_id="testing", aws_secret_access_key="testing",
                                           config=config) for _ in range(n)]


def test_hostile_requests_get_dynamodb_errors_and_racing_increments_lose_nothing(client, table):
    server = labkit.serve(0)
    address = server.server_address[:2]
    client.put_item(TableName=table, Item={"pk": {"S": "counter"}, "n": {"N": "0"}})
    stop, done, failures = threading.Event(), [], []
    writers = [threading.Thread(target=_increment, args=(c, table, stop, done, failures))
               for c in _clients(server.url, WRITERS)]
    for writer in writers:
        writer.start()

    cases = catalogue(table)
    answers, expected = {}, {}
    for kind, raw, half_close, status, error_type, closes in cases:
        expected[kind] = (status, JSON_TYPE, error_type, "close" if closes else None)
        try:
            got_status, content_type, body, connection = exchange(address, raw, half_close)
            answers[kind] = (got_status, content_type, body.get("__type"), connection)
        except (OSError, http.client.HTTPException, ValueError) as error:  # no answer, or not JSON
            answers[kind] = repr(error)[:200]
    stop.set()
    for writer in writers:
        writer.join(timeout=60)

    assert answers == expected
    assert len(cases) >= 10 and failures == []
    assert done, "no increment succeeded while the hostile requests arrived"
    counter = client.get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]["n"]["N"]
    assert int(counter) == len(done)
    # the server still answers, over boto3 and over a raw socket, and the hostile puts wrote nothing
    assert _clients(server.url, 1)[0].get_item(TableName=table, Key={"pk": {"S": "hostile"}}).get("Item") is None
    assert exchange(address, request(put(table)), False)[:3] == (200, JSON_TYPE, {})


def test_a_body_asked_for_with_100_continue_is_read_and_answered():
    server = labkit.serve(0)
    body = json.dumps({"TableName": "NoSuchTable", "Key": {"pk": {"S": "k"}}}).encode()
    with socket.create_connection(server.server_address[:2], timeout=30) as sock:
        sock.sendall(request(target="DynamoDB_20120810.GetItem", length=str(len(body)),
                             headers=("Expect: 100-continue",)))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        reply = http.client.HTTPResponse(sock)
        reply.begin()
        assert (reply.status, json.loads(reply.read())["__type"].split("#")[-1]) == (400, "ResourceNotFoundException")


def test_a_fault_inside_the_lab_is_an_internal_server_error_and_the_connection_lives_on(monkeypatch):
    server = labkit.serve(0)

    def broken(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(shapes, "check", broken)
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    for _ in range(2):
        connection.request("POST", "/", b"{}", {"X-Amz-Target": "DynamoDB_20120810.ListTables",
                                                "Content-Type": JSON_TYPE})
        reply = connection.getresponse()
        body = json.loads(reply.read())
        assert (reply.status, body["__type"].split("#")[-1]) == (500, "InternalServerError")
        assert "RuntimeError: boom" in body["message"]
    connection.close()


@pytest.mark.parametrize("levels", [100, 126, 127])
def test_deep_items_are_read_up_to_the_depth_limit_and_refused_past_it(table, levels):
    """DynamoDB answers an item nested 100 levels with its own ValidationException, so the server reads it and
    lets the front answer; JSON deeper than 256 levels (the leaf of 127 levels) is refused unread."""
    server = labkit.serve(0)
    status, _, body, _ = exchange(server.server_address[:2], request(nested_item(table, levels)), False)
    read = body.get("__type") != SERIALIZATION
    assert read == (3 + 2 * levels <= transport.MAX_JSON_DEPTH)  # request, Item, two per level, the leaf
    assert status < 500
