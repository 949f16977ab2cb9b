"""Conditional PutItem over loopback HTTP: labkit's server against dynalite and raw moto_server, in one run.

    python benchmarks/server.py [--rounds 5] [--puts 200]

Starts each server in a process of its own on a free loopback port: npm's dynalite (installed on first use
into benchmarks/.node, which git ignores; needs Node and npm), moto's ``moto_server`` (needs flask and
flask-cors, in requirements.txt) and ``python -m labkit serve``. One boto3 client each sends
``--rounds`` x ``--puts`` conditional puts: ``attribute_not_exists(pk)`` on a fresh key, and every fifth
on a key already written, which fails its condition. The servers take turns put by put, so all three see
the same machine. Prints each server's median time per request (the median of the rounds'
medians) and the ratios, goal: labkit's server at most 0.8x dynalite's time; then each round's median
and, where /proc tells it, each server's CPU time per request, which waiting for a busy machine's
cores does not inflate. Stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
NODE_DIR = Path(__file__).resolve().with_name(".node")
DYNALITE = "dynalite@4.0.0"
SERVERS = ("labkit server", "dynalite", "moto_server")
GOAL = 0.8
WARM_UP = 50
START_SECONDS = 60
BUDGET_SECONDS = 900  # the whole measurement; a put that hangs fails at the client's read timeout


def _free_port() -> int:
    with socket.socket() as probe:  # dynalite cannot be told port 0 and report back, so every server gets one
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dynalite_command(port: int) -> list[str]:
    cli = NODE_DIR / "node_modules" / "dynalite" / "cli.js"
    if not cli.exists():
        if not (shutil.which("node") and shutil.which("npm")):
            sys.exit("dynalite needs Node.js and npm")
        NODE_DIR.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR), DYNALITE],
                       check=True, timeout=300, stdout=subprocess.DEVNULL)
    return ["node", str(cli), "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"]


def _command(server: str, port: int) -> list[str]:
    if server == "dynalite":
        return _dynalite_command(port)
    if server == "moto_server":
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return [sys.executable, "-m", "labkit", "serve", "--host", "127.0.0.1", "--port", str(port)]


def _client(url: str):
    return boto3.session.Session().client(
        "dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))


def _ready(client, process: subprocess.Popen) -> None:
    """Wait for the server to answer, create the table, and wait for it to be ACTIVE."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            client.list_tables()
            break
        except Exception:  # noqa: BLE001 (not listening yet)
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(process.args)} did not start") from None
            time.sleep(0.2)
    client.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    while client.describe_table(TableName="bench")["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise TimeoutError("the table never became ACTIVE")
        time.sleep(0.05)


def _put(client, prefix: str, i: int) -> float:
    """The i-th conditional put of a series, timed; every fifth repeats the key before and fails its condition."""
    key = f"{prefix}-{i - 1 if i % 5 == 4 else i}"
    start = time.perf_counter()
    try:
        client.put_item(TableName="bench", Item={"pk": {"S": key}, "v": {"N": str(i)}},
                        ConditionExpression="attribute_not_exists(pk)")
    except client.exceptions.ConditionalCheckFailedException:
        pass
    return time.perf_counter() - start


def _cpu_seconds(pid: int) -> float | None:
    """A process's CPU time so far (user + system), where /proc tells it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(rounds: int, puts: int) -> dict[str, dict]:
    """Per server: each round's median milliseconds per conditional put, and the server's CPU microseconds
    per request (which a busy machine stretches far less than it stretches waiting times)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with contextlib.ExitStack() as stack:
        clients, pids = {}, {}
        for name in SERVERS:
            port = _free_port()
            process = subprocess.Popen(_command(name, port), env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            stack.callback(_stop, process)
            clients[name], pids[name] = _client(f"http://127.0.0.1:{port}"), process.pid
            _ready(clients[name], process)
            for i in range(WARM_UP):
                _put(clients[name], "warm", i)
        deadline = time.monotonic() + BUDGET_SECONDS
        figures = {name: {"rounds": [], "cpu": 0.0} for name in clients}
        for r in range(rounds):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the measurement took more than {BUDGET_SECONDS} s")
            times = {name: [] for name in clients}
            cpu = {name: _cpu_seconds(pid) for name, pid in pids.items()}
            for i in range(puts):  # the servers take turns put by put: a busy moment slows all three alike
                for name, client in clients.items():
                    times[name].append(_put(client, f"r{r}", i))
            for name, pid in pids.items():
                figures[name]["rounds"].append(statistics.median(times[name]) * 1000)
                if cpu[name] is None or figures[name]["cpu"] is None:
                    figures[name]["cpu"] = None
                else:
                    figures[name]["cpu"] += _cpu_seconds(pid) - cpu[name]
    for figure in figures.values():
        figure["median"] = statistics.median(figure["rounds"])
        figure["cpu"] = figure["cpu"] and figure["cpu"] / (rounds * puts) * 1e6
    return figures


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def main(rounds: int = 5, puts: int = 200) -> dict[str, dict]:
    figures = measure(rounds, puts)
    lab, dynalite, moto = (figures[name]["median"] for name in SERVERS)
    print(f"conditional PutItem over loopback HTTP, one boto3 client each, median of {rounds} rounds x {puts}: "
          f"labkit server {lab:.3f} ms, dynalite {dynalite:.3f} ms, moto_server {moto:.3f} ms; "
          f"labkit/dynalite {lab / dynalite:.2f} (goal at most {GOAL}: {'met' if lab / dynalite <= GOAL else 'NOT met'}), "
          f"labkit/moto_server {lab / moto:.2f}")
    for name in SERVERS:
        cpu = figures[name]["cpu"]
        print(f"  {name:13s} rounds {' '.join(f'{ms:.3f}' for ms in figures[name]['rounds'])} ms"
              + (f"; server CPU {cpu:.0f} us per request" if cpu else ""))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--puts", type=int, default=200)
    arguments = parser.parse_args()
    main(arguments.rounds, arguments.puts)
