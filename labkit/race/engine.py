"""The race engine: N writers start together and every attempt they make becomes a row.

A writer is a generator: it yields a step (a read or a write), receives the step's Outcome, decides, and
yields the next one. The same writer runs in two modes:

- ``threads``: each writer on its own thread and its own client, released together by a barrier, with
  real times in milliseconds. The threads start in a random order: the lab answers one request at a
  time, and without the shuffle the writer whose thread starts first or last would win nearly every run;
- ``staged``: one thread plays rounds in which every live writer takes one step, in an order a seeded
  random generator picks. Every writer reads before any writes, so a read-modify-write that is not
  guarded always loses updates, and times are ticks, so the story is the same on every run.

Nothing here draws or prints: worker threads only collect rows, and views draw them in the main thread.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import threading
import time

from ..outcome import Outcome, attempt
from .result import RaceResult
from .retry import RetryPolicy, retry_policy
from .library import get_scenario
from .scenario import Scenario, own_request
from .steps import STALE_READ, RecordingClient, Step

MODES = ("threads", "staged")
MAX_WRITERS = 64
RETRYABLE_CODES = {"ConditionalCheckFailedException", "TransactionCanceledException"}
READ_OPERATIONS = {"GetItem", "TransactGetItems", "BatchGetItem", "Query", "Scan"}


class _Writer:
    """One writer's way through its program, attempt after attempt, as rows."""

    def __init__(self, number: int, program, client, policy: RetryPolicy, retryable: bool, rng: random.Random,
                 front=None):
        self.number, self.program, self.client, self.front = number, program, client, front
        self.policy, self.retryable, self.rng = policy, retryable, rng
        self.retry, self.pause, self.won, self.done = 0, 0.0, False, False
        self.rows: list[dict] = []
        self._start()

    def _start(self) -> None:
        self.last_write: Outcome | None = None
        self.generator = self.program(self.number)
        self._advance(None)

    def _advance(self, outcome: Outcome | None) -> None:
        try:
            self.step: Step = self.generator.send(outcome)
        except StopIteration:
            self._finish()

    def _finish(self) -> None:
        last = self.last_write
        self.won = last is not None and last.succeeded
        if (not self.won and self.retryable and last is not None and last.code in RETRYABLE_CODES
                and self.retry + 1 < self.policy.max_attempts):
            self.retry += 1
            self.pause = self.policy.pause(self.retry, self.rng)
            self._start()
        else:
            self.done = True

    def _seen(self, step, since: float) -> str:
        """For a read while stale reads are simulated: STALE_READ when the lab served an older version of the
        item, else 'current' (from the trace: this thread's entry since ``since``); '' otherwise."""
        front = self.front
        if step.kind != "read" or front is None or not front.stale.on:
            return ""
        thread, trace = threading.current_thread().name, front.trace
        for back in range(1, min(len(trace), 4 * MAX_WRITERS) + 1):
            entry = trace[-back]
            if entry.thread == thread and entry.start >= since:
                return STALE_READ if entry.stale else "current"
        return ""  # answered on another thread (a server in this process): the trace cannot tell which

    def take_step(self, clock) -> None:
        """Make the pending request, record it, and move the program on."""
        step, recorder = self.step, RecordingClient(self.client)
        since = time.perf_counter()
        start = clock()
        broken = False
        try:
            outcome = attempt(step.request, recorder, *step.args)
        except Exception as error:  # a bug in a learner's request function: show it, stop this writer
            outcome = Outcome(step.request.__name__, False, type(error).__name__, str(error))
            broken = True
        end = clock()
        self.rows.append({
            "writer": self.number, "retry": self.retry, "step": step.kind,
            "request": recorder.operation or outcome.operation, "condition": recorder.condition,
            "outcome": outcome.label, "reasons": ", ".join(r or "None" for r in outcome.reasons),
            "message": outcome.message or "", "item": outcome.item, "seen": self._seen(step, since),
            "start": start, "end": end,
        })
        if step.kind == "write":
            self.last_write = outcome
        if broken:
            self.done = True
        else:
            self._advance(outcome)


def race(lab, scenario: Scenario | str, *, writers: int = 8, variant: str | None = None, mode: str = "threads",
         retry: str | RetryPolicy = "none", seed: int = 0) -> RaceResult:
    """Run ``writers`` writers of a scenario's ``variant`` (default: guarded) at once; return every attempt.

    ``scenario`` is a Scenario, a scenario's name, or a learner's own request: a function
    ``request(writer, client)`` that makes one boto3 call (see ``own_request`` to give it a setup).
    """
    if callable(scenario) and not isinstance(scenario, Scenario):
        scenario = own_request(scenario)
    scenario = get_scenario(scenario) if isinstance(scenario, str) else scenario
    if not 1 <= writers <= MAX_WRITERS:
        raise ValueError(f"writers must be between 1 and {MAX_WRITERS}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    variant = variant or ("guarded" if "guarded" in scenario.variants else scenario.variants[0])
    program = scenario.program(variant)
    policy = retry_policy(retry)
    scenario.setup(lab.client, writers)
    clients = lab.clients(writers)
    retries = scenario.retries(variant)
    front = getattr(lab, "front", None)
    with scenario.simulation(lab, seed) if scenario.simulation else contextlib.nullcontext():
        crew = _crew(program, clients, range(1, writers + 1), policy, retries, seed, front)
        began = time.perf_counter()
        if mode == "threads":
            _run_threads(crew, random.Random())  # unseeded: threads mode is different on every run anyway
        else:
            _run_staged(crew, random.Random(seed))
        ended = time.perf_counter()
        stale = front.stale.describe() if front and front.stale.on else None
    rows = [row for writer in crew for row in writer.rows]
    conflicts = front.conflicts.describe() if front and front.conflicts.on else None
    return RaceResult.build(lab.client, scenario, variant, mode, policy, seed, rows,
                            winners=[w.number for w in crew if w.won], writers=writers, elapsed=ended - began,
                            capacity=_charged(front, began, ended), conflicts=conflicts, stale=stale)


def _crew(program, clients, numbers, policy: RetryPolicy, retryable: bool, seed: int, front=None) -> list[_Writer]:
    return [_Writer(n, program, client, policy, retryable, random.Random(seed * 1000 + n), front)
            for n, client in zip(numbers, clients)]


def run_writers(program, clients, numbers, *, policy: RetryPolicy, retryable: bool,
                seed: int = 0) -> tuple[list[dict], list[int]]:
    """Run the writers numbered ``numbers`` (one client each) together in threads: their rows and the
    numbers of those that won. What one member of a study group runs at Fire, where the scene is set
    before and the race judged after, over every member's rows."""
    crew = _crew(program, clients, numbers, policy, retryable, seed)
    _run_threads(crew, random.Random())
    return [row for writer in crew for row in writer.rows], [w.number for w in crew if w.won]


def _charged(front, began: float, ended: float) -> dict[str, float]:
    """The capacity the lab's DynamoDB charged for the race's requests, read from its trace: a failed
    condition is charged too, though its error carries no ConsumedCapacity (on AWS, CloudWatch's
    ConsumedWriteCapacityUnits shows it). Reads are told apart by consistency (strongly consistent ones keep the
    plain name every other race shows). Empty when the lab runs elsewhere and keeps no trace here."""
    charged: dict[str, float] = {}
    if front is None:
        return charged
    for entry in list(front.trace):
        if began <= entry.start <= ended and entry.capacity:
            if entry.operation == "TransactGetItems":
                kind = "RCU by transactional reads"
            elif entry.operation in READ_OPERATIONS:
                kind = "RCU by reads" if entry.consistent else "RCU by eventually consistent reads"
            elif entry.code is None:
                kind = "WCU by writes that succeeded"
            elif entry.code == "ConditionalCheckFailedException":
                kind = "WCU by writes whose condition failed"
            else:
                kind = f"WCU by writes that failed with {entry.code}"
            charged[kind] = charged.get(kind, 0.0) + entry.capacity
    return charged


def _run_threads(crew: list[_Writer], order: random.Random) -> None:
    gate = threading.Barrier(len(crew) + 1)  # every writer waiting, and this thread, which starts the clock
    zero = [0.0]

    def clock() -> float:
        return (time.perf_counter() - zero[0]) * 1000

    def run(writer: _Writer) -> None:
        gate.wait()
        while not writer.done:
            if writer.pause:
                time.sleep(writer.pause * writer.policy.base_seconds)
                writer.pause = 0.0
            writer.take_step(clock)
            time.sleep(0)  # let the other writers run, as a network round trip would

    threads = [threading.Thread(target=run, args=(w,), name=f"labkit-writer-{w.number}", daemon=True)
               for w in order.sample(crew, len(crew))]
    for thread in threads:
        thread.start()
    zero[0] = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()


def _run_staged(crew: list[_Writer], rng: random.Random) -> None:
    ticks = itertools.count()

    def clock() -> float:  # start and end of each step are the next two ticks
        return float(next(ticks))

    while live := [w for w in crew if not w.done]:
        for writer in rng.sample(live, len(live)):
            if writer.pause >= 1:  # backing off: sit this round out
                writer.pause -= 1
                continue
            writer.pause = 0.0
            writer.take_step(clock)
