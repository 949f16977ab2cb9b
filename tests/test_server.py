"""The loopback server: answers at once on a kept-alive connection; listens beyond loopback only when told."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config

import labkit
from labkit import __main__ as labkit_main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUESTS = 50
# With the stall every answer on a kept-alive connection waited for the client's delayed ACK, 40 ms at
# least: 50 requests took 2.3 s and even the quickest took over 40 ms. Without it a request takes about
# a millisecond. The quickest quarter is what is bounded, generously: on a machine busy enough to slow
# some requests down, many still come back at once, and with the stall none can.
BOUND_SECONDS = 0.020


def _over_http_client(url: str, table: str) -> list[float]:
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
    body = json.dumps({"TableName": table, "Key": {"pk": {"S": "k"}}})
    headers = {"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": "application/x-amz-json-1.0"}
    connection.request("POST", "/", body, headers)  # connects
    connection.getresponse().read()
    sock, times = connection.sock, []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        connection.request("POST", "/", body, headers)
        reply = connection.getresponse()
        assert (reply.status, json.loads(reply.read())) == (200, {"Item": {"pk": {"S": "k"}}})
        times.append(time.perf_counter() - start)
    assert connection.sock is sock, "the connection was not kept alive"
    connection.close()
    return times


def _over_boto3(url: str, table: str) -> list[float]:
    client = boto3.session.Session().client(
        "dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}, max_pool_connections=1))
    client.get_item(TableName=table, Key={"pk": {"S": "k"}})  # connects
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        assert client.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"] == {"pk": {"S": "k"}}
        times.append(time.perf_counter() - start)
    return times


@pytest.mark.parametrize("over", [_over_http_client, _over_boto3], ids=["http.client", "boto3"])
def test_requests_on_a_kept_alive_connection_are_answered_without_a_stall(client, table, over):
    client.put_item(TableName=table, Item={"pk": {"S": "k"}})
    times = sorted(over(labkit.serve(0).url, table))
    quickest_quarter = times[len(times) // 4]
    assert quickest_quarter < BOUND_SECONDS, (
        f"the quickest quarter of {REQUESTS} requests on one connection took up to {quickest_quarter * 1000:.1f} ms "
        f"each ({sum(times):.2f} s in all)")


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "labkit", "serve", "--port", "0", *args], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "lab.example"])
def test_listening_beyond_loopback_is_refused_without_the_flag(host, monkeypatch, capsys):
    def bind(*_):
        pytest.fail("it went on to listen")

    monkeypatch.setattr(labkit_main, "serve", bind)  # so that even a regression binds nothing and looks up nothing
    with pytest.raises(SystemExit) as refused:
        labkit_main.main(["serve", "--host", host])
    err = capsys.readouterr().err
    assert refused.value.code == 2
    assert f"refusing to listen on {host}" in err and "no authentication" in err and "--allow-remote" in err


def test_the_flag_lets_it_listen_and_warns_that_the_lab_has_no_authentication():
    process = _serve("--host", "127.0.0.2", "--allow-remote")
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("labkit DynamoDB listening on http://127.0.0.2:"), line
        url = line.rsplit(" ", 1)[-1]
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert json.load(reply) == {"server": "labkit-dynamodb"}
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert f"WARNING: this lab has no authentication. Anyone who can reach {url}" in err


def test_a_port_in_use_is_a_message_not_a_traceback():
    first = _serve("--host", "127.0.0.4")
    try:
        port = first.stdout.readline().strip().rsplit(":", 1)[-1]
        second = subprocess.run([sys.executable, "-m", "labkit", "serve", "--host", "127.0.0.4", "--port", port],
                                env=_env(), capture_output=True, text=True, timeout=60)
    finally:
        first.terminate()
        first.communicate(timeout=30)
    assert second.returncode == 1
    assert second.stderr == f"python -m labkit: cannot listen on 127.0.0.4:{port}: Address already in use\n"


def test_loopback_needs_no_flag_and_prints_no_warning():
    process = _serve("--host", "127.0.0.3")
    try:
        assert process.stdout.readline().startswith("labkit DynamoDB listening on http://127.0.0.3:")
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "WARNING" not in err
