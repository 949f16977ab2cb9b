"""A race's record: one row per attempt, who won, the final items, and whether the invariant held."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..palette import in_outcome_order
from ..tables import scan_all
from .report import CAPACITY_SECTION, report_html, shortened
from .retry import RetryPolicy
from .scenario import Scenario, Verdict

# what WCU and RCU are, said where a learner may meet them before the section that defines them (the summary
# view links the section's title to it)
CAPACITY_UNITS = f"the lab's meter, in write and read capacity units, WCU and RCU, which {CAPACITY_SECTION[0]} defines"
COLUMNS = ["writer", "retry", "step", "request", "condition", "outcome", "reasons", "message", "item", "seen",
           "start", "end", "latency"]


@dataclass
class RaceResult:
    scenario: Scenario
    variant: str
    mode: str
    policy: RetryPolicy
    seed: int
    writers: int
    frame: object  # pandas DataFrame, one row per attempt, in order of start
    winners: list
    losers: list
    final: dict  # table -> its items after the race
    verdict: Verdict
    elapsed: float  # wall seconds the race took
    capacity: dict = field(default_factory=dict)  # the lab's meter: units by kind of request ({}: no meter)
    conflicts: str | None = None  # the conflict simulation, when it was on during the race
    stale: str | None = None  # the stale-read simulation, when it was on during the race

    @classmethod
    def build(cls, client, scenario: Scenario, variant: str, mode: str, policy: RetryPolicy, seed: int,
              rows: list[dict], winners: list[int], writers: int, elapsed: float,
              capacity: dict, conflicts: str | None = None, stale: str | None = None) -> RaceResult:
        import pandas as pd

        frame = pd.DataFrame(rows, columns=COLUMNS[:-1])
        frame["latency"] = frame["end"] - frame["start"]
        frame = frame.sort_values(["start", "writer"], kind="stable").reset_index(drop=True)
        frame["item"] = frame["item"].map(tidy)
        final = {table: [tidy(item) for item in scan_all(client, table)] for table in scenario.tables}
        won = set(winners)
        return cls(scenario, variant, mode, policy, seed, writers, frame, winners,
                   [n for n in range(1, writers + 1) if n not in won], final,
                   scenario.check(final, frame, writers), elapsed, capacity, conflicts, stale)

    @property
    def unit(self) -> str:
        """Times are milliseconds in threads mode and logical ticks in staged mode."""
        return "ms" if self.mode == "threads" else "tick"

    @property
    def held(self) -> bool | None:
        return self.verdict.held

    @property
    def judgement(self) -> str:
        return {True: "HELD", False: "BROKEN", None: "NOT CHECKED"}[self.held]

    def headline(self) -> str:
        how = f"staged, seed {self.seed}" if self.mode == "staged" else "threads"
        return (f"{self.scenario.title}: {self.variant}, {self.writers} writer{'s' * (self.writers != 1)}, "
                f"{how}, retry: {self.policy.name}" + (", transaction conflicts simulated" if self.conflicts else "")
                + (", stale reads simulated" if self.stale else ""))

    def winners_line(self) -> str:
        return f"winners: {len(self.winners)} {_some(self.winners)}; losers: {len(self.losers)} {_some(self.losers)}"

    @property
    def held_by_chance(self) -> str:
        """Why a naive program's invariant held, when it did ('' otherwise): it must not read as safe."""
        if self.variant != "naive" or not self.held:
            return ""
        if self.writers == 1:
            return "One writer has nobody to race: fire two or more to see the naive code break."
        return ("Its writers happened not to overlap, which in threads mode is up to timing. That does not make "
                "it safe: fire again, or use staged mode, where every writer reads before any writes and the "
                "race always shows.")

    def requests_line(self) -> str:
        """How many requests of each step, and how each kind ended: the losers grouped, however many."""
        parts = []
        for step, rows in self.frame.groupby("step", sort=False):
            counts = rows["outcome"].value_counts()
            ended = ", ".join(f"{counts[outcome]} {outcome}" for outcome in in_outcome_order(counts.index))
            parts.append(f"{len(rows)} {step}{'s' * (len(rows) != 1)} ({ended})")
        return "requests: " + ("; ".join(parts) or "none")

    def notes(self) -> list[str]:
        """What else the summary says: what was simulated, whether retries applied, what the race cost, the
        items it left."""
        lines = [f"simulated: {self.conflicts}"] if self.conflicts else []
        lines += [f"simulated: {self.stale}"] if self.stale else []
        if self.policy.max_attempts > 1 and not self.scenario.retries(self.variant):
            lines.append(f"retries: not used here, {self.scenario.why_no_retries(self.variant)}")
        if self.capacity:
            lines.append(f"capacity charged ({CAPACITY_UNITS}{self._assumed()}): "
                         + ", ".join(f"{units:g} {name}" for name, units in self.capacity.items()))
        return lines + [f"final {table}: {shortened(items)}" for table, items in self.final.items()]

    def _assumed(self) -> str:
        """What of the bill the documentation does not settle: a refused write is documented to consume write
        capacity, not how much; a cancelled transaction's charge is not documented at all."""
        assumed = ["how much a refused write is charged"] if any("failed" in k for k in self.capacity) else []
        if (self.frame["outcome"] == "TransactionCanceledException").any():
            assumed.append("nothing for a cancelled transaction")
        return f"; {' and '.join(assumed)}: the lab's assumption{'s' * (len(assumed) > 1)}" if assumed else ""

    def summary_lines(self) -> list[str]:
        """The summary as lines of text: the same facts the summary view shows."""
        return [self.headline(), self.winners_line(),
                f"invariant: {self.scenario.invariant}: {self.judgement}",
                *([f"  {self.held_by_chance}"] if self.held_by_chance else []),
                *(f"  {name}: {shortened(value)}" for name, value in self.verdict.numbers.items()), self.requests_line(),
                *self.notes()]

    def __str__(self) -> str:
        return "\n".join(self.summary_lines())

    def __repr__(self) -> str:
        return f"<race: {self.headline()}: invariant {self.judgement.lower()}>"

    def _repr_html_(self) -> str:
        return report_html(self)


def tidy(item: dict | None) -> dict | None:
    """An item with whole numbers as ints, not Decimals, and keys in order: easy to read in a table."""
    if item is None:
        return None
    return {k: _number(v) if isinstance(v, Decimal) else v for k, v in sorted(item.items())}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _some(numbers: list[int], most: int = 8) -> str:
    if not numbers:
        return ""
    shown = ", ".join(map(str, numbers[:most])) + (", ..." if len(numbers) > most else "")
    return f"(writer{'s' * (len(numbers) != 1)} {shown})"
