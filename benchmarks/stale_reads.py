"""What the stale-read simulation costs a request: off against on, alternately, in one run.

A read-modify-write loop (an eventually consistent GetItem, then a PutItem) on 50 items, with the
simulation off and then on (lag 60 s: every version written stays kept, the worst case for its bookkeeping).
Wall-clock times swing on a shared machine, so each side runs ``--runs`` times, alternately, and the
medians are compared.

    python benchmarks/stale_reads.py [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import labkit

ROUNDS = 400


def loop(lab, client, on: bool) -> float:
    """Seconds per request for ROUNDS reads and ROUNDS writes."""
    simulation = lab.stale_reads(lag_seconds=60, seed=0, table="Bench") if on else contextlib.nullcontext()
    with simulation:
        began = time.perf_counter()
        for n in range(ROUNDS):
            key = {"pk": {"S": f"k{n % 50}"}}
            client.get_item(TableName="Bench", Key=key)
            client.put_item(TableName="Bench", Item={**key, "v": {"N": str(n)}})
        return (time.perf_counter() - began) / (2 * ROUNDS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    lab = labkit.connect("embedded")
    labkit.reset_table(lab.client, "Bench", "pk")
    off, on = [], []
    for _ in range(runs):
        off.append(loop(lab, lab.client, False))
        on.append(loop(lab, lab.client, True))
    off_ms, on_ms = statistics.median(off) * 1000, statistics.median(on) * 1000
    print(f"GetItem + PutItem, median of {runs} runs of {2 * ROUNDS} requests:")
    print(f"  stale reads off: {off_ms:.3f} ms a request")
    print(f"  stale reads on:  {on_ms:.3f} ms a request")
    print(f"  ratio on / off:  {on_ms / off_ms:.2f}")


if __name__ == "__main__":
    main()
