"""The lab's figures in one run: notebooks, Fire, PutItem against raw moto, the server against dynalite and
moto_server, start-up, throughput.

    python benchmarks/run_all.py [--runs N]

Wall-clock times swing by about 30% on a shared machine, so every figure is the median of ``--runs``
runs (default 5), and the two sides of a comparison run alternately in the same invocation.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
PUT_REQUESTS = 400
THROUGHPUT_REQUESTS = 1200

# One side of the PutItem comparison, in a process of its own: moto's mock patches botocore process-wide.
PUT_LATENCY = """
import json, statistics, sys, time
import boto3
from botocore.config import Config
side, n = sys.argv[1], int(sys.argv[2])
if side == "labkit":
    import labkit
    client = labkit.connect("embedded").client
else:
    from moto import mock_aws
    mock_aws().start()
    client = boto3.client("dynamodb", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
client.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
while client.describe_table(TableName="bench")["Table"]["TableStatus"] != "ACTIVE":
    time.sleep(0.05)
times = []
for i in range(n + 50):  # the first 50 warm up
    start = time.perf_counter()
    client.put_item(TableName="bench", Item={"pk": {"S": f"k{i}"}, "v": {"N": "1"}},
                    ConditionExpression="attribute_not_exists(pk)")
    times.append(time.perf_counter() - start)
print(json.dumps(statistics.median(times[50:])))
"""

START_UP = """
import json, time
start = time.perf_counter()
import labkit
labkit.connect()
print(json.dumps(time.perf_counter() - start))
"""


def _python(code: str, *args: str) -> float:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def notebooks(runs: int) -> None:
    """Every chapter executed headless by nbclient, each in a fresh kernel, on a scratch copy."""
    import nbformat
    from nbclient import NotebookClient

    medians = {}
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(shutil.copytree(ROOT / "notebooks", Path(scratch) / "notebooks"))
        for path in sorted(copy.glob("*.ipynb")):
            times = []
            for _ in range(runs):
                notebook = nbformat.read(path, as_version=4)
                start = time.perf_counter()
                NotebookClient(notebook, timeout=600, kernel_name="python3",
                               resources={"metadata": {"path": str(copy)}}).execute()
                times.append(time.perf_counter() - start)
            medians[path.name] = statistics.median(times)
    slowest = max(medians, key=medians.get)
    print(f"notebooks, headless (nbclient, fresh kernel each): {len(medians)} in {sum(medians.values()):.1f} s "
            f"total, slowest {slowest} {medians[slowest]:.1f} s (medians of {runs})")


def race_fire(runs: int) -> None:
    """The race lab's own Fire benchmark at 64 writers (benchmarks/race_fire.py), which prints its line."""
    path = Path(__file__).with_name("race_fire.py")
    if not path.exists():
        print("race lab Fire: skipped (benchmarks/race_fire.py is not there)")
        return
    spec = importlib.util.spec_from_file_location("race_fire", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(max(runs, 5))


def server_latency(runs: int) -> None:
    """labkit's server against dynalite and raw moto_server over loopback (benchmarks/server.py)."""
    spec = importlib.util.spec_from_file_location("server", Path(__file__).with_name("server.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(rounds=max(runs, 5))


def put_latency(runs: int) -> None:
    sides = {"labkit": [], "raw-moto": []}
    for _ in range(runs):  # alternately, so that both sides see the same machine
        for side, times in sides.items():
            times.append(_python(PUT_LATENCY, side, str(PUT_REQUESTS)))
    labkit_ms, moto_ms = (statistics.median(t) * 1000 for t in sides.values())
    print(f"conditional PutItem, boto3 client in-process: labkit {labkit_ms:.3f} ms, raw moto {moto_ms:.3f} ms, "
            f"ratio {labkit_ms / moto_ms:.2f} (median request of {PUT_REQUESTS}, median of {runs} runs)")


def start_up(runs: int) -> None:
    times = [_python(START_UP) for _ in range(runs)]
    print(f"import labkit; labkit.connect(): {statistics.median(times):.2f} s in a fresh process "
            f"(median of {runs}, min {min(times):.2f} s, max {max(times):.2f} s)")


def throughput(runs: int) -> None:
    """Conditional PutItems per second through one shared ``labkit.connect().client``."""
    import labkit

    client = labkit.connect().client
    labkit.reset_table(client, "Throughput", "pk")
    figures = []
    for threads in (1, 8, 32):
        per_thread = THROUGHPUT_REQUESTS // threads
        rates = []
        for run in range(runs):
            barrier = threading.Barrier(threads + 1)

            def write(thread: int) -> None:
                barrier.wait()
                for i in range(per_thread):
                    client.put_item(TableName="Throughput", Item={"pk": {"S": f"{threads}-{run}-{thread}-{i}"}},
                                    ConditionExpression="attribute_not_exists(pk)")

            workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
            for worker in workers:
                worker.start()
            barrier.wait()
            start = time.perf_counter()
            for worker in workers:
                worker.join()
            rates.append(threads * per_thread / (time.perf_counter() - start))
        figures.append(f"{threads} thread{'s' if threads > 1 else ''} {statistics.median(rates):.0f}")
    print(f"requests/s through labkit.connect().client: {', '.join(figures)} (median of {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; each figure is their median")
    runs = parser.parse_args().runs
    # This working tree's labkit, installed or not, here, in kernels and in subprocesses; never real AWS.
    sys.path.insert(0, str(ROOT))
    os.environ.update(FAKE_AWS, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    for figure in (notebooks, race_fire, put_latency, server_latency, start_up, throughput):
        figure(runs)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
