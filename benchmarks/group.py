"""A study group's server under load: signed requests against the unsigned solo server, and whole rounds.

    python benchmarks/group.py [--puts 400] [--rounds 5] [--members 30] [--writers 8]

Starts two servers, each in a process of its own on a free loopback port: ``python -m labkit serve``
(solo, no credentials) and ``python -m labkit serve --group`` (every request's SigV4 signature checked).

1. Cost of verifying: one boto3 client each sends ``--puts`` conditional puts (a fresh key, and every
   fifth an existing one, whose condition fails); the two servers take turns put by put, so both see the
   same machine. Prints p50 and p99 per request, and the server's CPU time per request from /proc (which
   waiting for a busy machine's cores does not inflate). Goal: verifying adds at most 25% per request.
2. Rounds: ``--members`` simulated members with ``--writers`` writers each, every one signing with its own
   member's key, play ``--rounds`` guarded registration rounds: open, join, fire, every member's report,
   judged. Prints each round's time from the start to the last report (goal: under 2 s for 30 x 8),
   rounds per minute (open to judged), and p50/p99 of the round's requests.
3. Where the server's one lock draws the line: one round each with ``--sweep`` members.
Members' kernels are threads of this one process here, so the figures include its own Python's time;
each member makes its writers' clients, opens their connections and builds their models when it joins
(``rounds.Member``).
Stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labkit.group import rounds  # noqa: E402
from labkit.group.credentials import derive, new_hub_secret  # noqa: E402
from labkit.tables import create_table  # noqa: E402

VERIFY_GOAL, ROUND_GOAL = 1.25, 2.0


class Signer:
    """A member's lab, as ``labkit.group.rounds`` uses it: clients that sign with one member's key."""

    def __init__(self, url: str, secret: bytes, name: str, role: str = "member"):
        self.url, self.keys = url, derive(secret, name, role)
        self._pool: list = []
        self.session = boto3.session.Session(region_name="us-east-1", aws_access_key_id=self.keys.access_key,
                                             aws_secret_access_key=self.keys.secret_key)  # one per member, as a lab's
        self.client = self.new_client()

    def new_client(self):
        return self.session.client("dynamodb", endpoint_url=self.url, config=Config(
            retries={"total_max_attempts": 1}, max_pool_connections=64))

    def clients(self, n: int) -> list:
        while len(self._pool) < n:
            self._pool.append(self.new_client())
        return self._pool[:n]


def _start(args: list[str], secret: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LABKIT_HUB_SECRET": secret}
    process = subprocess.Popen([sys.executable, "-m", "labkit", "serve", "--port", "0", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    if not match:
        process.kill()
        sys.exit(f"labkit serve {' '.join(args)} printed {line!r}")
    return process, match[1]


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _put(client, i: int) -> float:
    key = f"k{i - i % 5}" if i % 5 == 4 else f"k{i}"  # every fifth put: a key already written
    start = time.perf_counter()
    try:
        client.put_item(TableName="Bench", Item={"pk": {"S": key}}, ConditionExpression="attribute_not_exists(pk)")
    except client.exceptions.ConditionalCheckFailedException:
        pass
    return (time.perf_counter() - start) * 1000


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def verify_cost(servers: dict, puts: int) -> dict:
    clients = {name: client for name, (_, client) in servers.items()}
    for client in clients.values():
        create_table(client, "Bench", "pk")
        for i in range(50):  # warm up: connections, caches
            _put(client, 10_000_000 + i)
    times = {name: [] for name in clients}
    cpu0 = {name: _cpu_seconds(process.pid) for name, (process, _) in servers.items()}
    for i in range(puts):
        for name, client in clients.items():
            times[name].append(_put(client, i))
    cpu = {name: (_cpu_seconds(process.pid) - cpu0[name]) / puts * 1e6 if cpu0[name] is not None else None
           for name, (process, _) in servers.items()}
    return {name: {"p50": _pct(t, 50), "p99": _pct(t, 99), "cpu_us": cpu[name]} for name, t in times.items()}


def play_rounds(url: str, secret: bytes, members: int, writers: int, count: int) -> list[dict]:
    host = Signer(url, secret, "facilitator", "facilitator")
    facilitator = rounds.Facilitator(host, "facilitator")
    seats = [rounds.Member(Signer(url, secret, f"member{i:02d}"), f"member{i:02d}") for i in range(members)]
    measured = []
    for _ in range(count):
        began = time.perf_counter()
        state = facilitator.open("registration", "guarded", writers)
        done, failed = [], []

        def play(member):
            try:
                member.join(state.round_id)
                member.run(member.wait(state.round_id, timeout=60))
                done.append(time.time())
            except Exception as error:  # noqa: BLE001 (counted and shown: a member that fails must not hang the run)
                failed.append(f"{member.name}: {type(error).__name__}: {error}")

        threads = [threading.Thread(target=play, args=(m,)) for m in seats]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(facilitator.joined(state.round_id)) + len(failed) < members and time.monotonic() < deadline:
            time.sleep(0.02)
        fired = facilitator.fire(state.round_id, lead=1.0)
        for thread in threads:
            thread.join()
        result = facilitator.collect(state.round_id, timeout=30)
        frame = result.frame
        if failed:
            print(f"   {len(failed)} of {members} members failed, e.g. {failed[0]}")
        measured.append({"start_to_reports": max(done, default=fired.fire_at) - fired.fire_at,
                         "open_to_judged": time.perf_counter() - began,
                         "winners": len(result.winners()), "held": result.race.judgement,
                         "latency": list(frame["end"] - frame["start"]), "requests": len(frame)})
    return measured


def main(puts: int = 400, count: int = 5, members: int = 30, writers: int = 8, sweep=(10, 20, 40)) -> None:
    secret = new_hub_secret()
    solo, solo_url = _start([], secret)
    group, group_url = _start(["--group"], secret)
    try:
        plain = boto3.client("dynamodb", endpoint_url=solo_url, region_name="us-east-1", aws_access_key_id="testing",
                             aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}))
        if puts:
            signed = Signer(group_url, secret.encode(), "bench").client
            cost = verify_cost({"unsigned (solo server)": (solo, plain), "signed and verified (group server)": (group, signed)},
                               puts)
            print(f"1. conditional PutItem, {puts} each, the two servers taking turns")
            for name, figures in cost.items():
                cpu = f", server CPU {figures['cpu_us']:.0f} us/request" if figures["cpu_us"] is not None else ""
                print(f"   {name:38s} p50 {figures['p50']:.2f} ms, p99 {figures['p99']:.2f} ms{cpu}")
            (a, b) = cost.values()
            ratio = b["p50"] / a["p50"]
            print(f"   verifying: p50 ratio {ratio:.2f} (goal at most {VERIFY_GOAL:.2f})"
                  + (f", server CPU ratio {b['cpu_us'] / a['cpu_us']:.2f}" if a["cpu_us"] else ""))
        played = play_rounds(group_url, secret.encode(), members, writers, count) if count else []
        if played:
            print(f"2. {count} rounds, {members} members x {writers} writers, guarded registration, every request signed")
            for i, r in enumerate(played, 1):
                print(f"   round {i}: start to last report {r['start_to_reports']:.2f} s, open to judged "
                      f"{r['open_to_judged']:.2f} s, {r['requests']} attempts, {r['winners']} winner(s), invariant {r['held']}")
            latencies = [x for r in played for x in r["latency"]]
            slowest = max(r["start_to_reports"] for r in played)
            print(f"   rounds per minute (open to judged, 1 s lead included): "
                  f"{60 / statistics.mean(r['open_to_judged'] for r in played):.1f}")
            print(f"   attempt latency in rounds: p50 {_pct(latencies, 50):.1f} ms, p99 {_pct(latencies, 99):.1f} ms")
            print(f"   slowest round, start to last report: {slowest:.2f} s (goal under {ROUND_GOAL:g} s)")
        print(f"3. how many members one lock serves: one round each, {writers} writers per member")
        for size in sweep:
            r = play_rounds(group_url, secret.encode(), size, writers, 1)[0]
            print(f"   {size:3d} members ({size * writers} writers): start to last report {r['start_to_reports']:.2f} s, "
                  f"{r['requests']} attempts, {r['winners']} winner(s)")
    finally:
        for process in (solo, group):
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--puts", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--sweep", default="10,20,40", help="member counts to try, one round each ('' for none)")
    options = parser.parse_args()
    main(options.puts, options.rounds, options.members, options.writers,
         [int(n) for n in options.sweep.split(",") if n])
