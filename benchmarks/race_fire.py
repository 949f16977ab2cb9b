"""How long a click on Fire takes at 64 writers in threads mode: race, table, summary and timeline drawn.

    python benchmarks/race_fire.py [runs]

Prints the median over the runs (goal: under 0.5 s) and the spread. A plain script, not a test: timings
depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import statistics
import sys
import time

import labkit
from labkit.views import race_lab

GOAL_SECONDS = 0.5


def main(runs: int = 15) -> None:
    widget = race_lab(labkit.connect("embedded"), writers=64)
    widget.fire.click()  # the first Fire creates the table (CREATING for a moment) and warms matplotlib
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        widget.fire.click()
        times.append(time.perf_counter() - start)
        assert widget.table.value and widget.picture.value and widget.last.held
    median = statistics.median(times)
    print(f"Fire -> table and timeline, 64 writers, threads mode, {runs} runs: median {median:.3f} s "
          f"(min {min(times):.3f} s, max {max(times):.3f} s); goal under {GOAL_SECONDS} s: "
          f"{'met' if median < GOAL_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
