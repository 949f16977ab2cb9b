"""A timed mock exam: 65 questions drawn from the exam pool, options shuffled per attempt, scored all or nothing.

What it covers: only the DynamoDB slice of DVA-C02 (conditional writes, optimistic locking, transactions,
batches, capacity and errors), which the exam guide places under Domain 1, task 1.3 "Use data stores in
application development", with a few questions under 2.1 and 4.1/4.3. The real exam spreads its questions
over four domains (Development with AWS Services 32%, Security 26%, Deployment 24%, Troubleshooting and
Optimization 18%). A PASS here says you know this slice; it does not predict the real exam's score.

The DVA-C02 exam has 65 questions in 130 minutes and reports a scaled score from 100 to 1000, 720 to
pass. AWS does not publish how answers map to that scale (and 15 of the 65 questions are unscored trials,
unknown to the candidate). Here every question counts and the scaled score is a straight line from none
right (100) to all right (1000), so 720 needs about 69% right: an approximation, said so wherever it shows.

The API an exam interface builds on:

- ``MockExam(count=65, seed=None, minutes=130, questions=None, clock=time.monotonic)``: draws ``count``
  questions (ValueError if the pool holds fewer), at most one per group of questions that ask the same fact,
  none that make sense only inside their chapter. ``exam.seed`` is always set (a random one when None is
  given): ``MockExam(seed=exam.seed)`` replays the same attempt (questions, their order, and every option
  order), so an attempt is saved by saving its seed and its answers.
- ``exam.questions``: the drawn questions, in exam order.
- ``exam.options(question)``: ``[(index, text), ...]`` in the order this attempt shows them; ``index`` is the
  option's index in the bank, which ``answer`` takes. ``exam.order(question)`` is just the indices.
- ``exam.start()``: starts the clock (the constructor does not); ``exam.started`` is None before.
- ``exam.answer(question, choice)``: records an answer (bank indices or texts); ValueError for a question not
  in this exam or a choice not among its options; RuntimeError once the exam is over. Returns whether right.
- ``exam.remaining()``, ``exam.over``; ``exam.finish()``: the ExamResult, the same object on every call (a
  finished exam stays as it finished, "(time ran out)" included).
- ``SCOPE_NOTE`` and ``SCALE_NOTE``: what to show next to the score.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from .questions import Question, pool

EXAM_QUESTIONS = 65
EXAM_MINUTES = 130
LOWEST, HIGHEST, PASSING = 100, 1000, 720
SCALE_NOTE = ("The scaled score is an approximation: AWS reports 100-1000 with 720 to pass but does not publish "
              "how answers map to it. Here it is a straight line from none right (100) to all right (1000), "
              "so 720 needs about 69% right; on the real exam 15 of the 65 questions are unscored.")
SCOPE_NOTE = ("This mock exam covers one slice of DVA-C02: DynamoDB conditional writes, optimistic locking, "
              "transactions, batches, capacity and their errors (mostly Domain 1, task 1.3 \"Use data stores in "
              "application development\"). The real exam spreads 65 questions over four domains: Development "
              "with AWS Services 32%, Security 26%, Deployment 24%, Troubleshooting and Optimization 18%. A PASS "
              "here means you know this slice well; it does not predict a pass on the real exam.")


def scaled_score(right: int, total: int) -> int:
    """The approximate scaled score (100-1000) of ``right`` answers out of ``total``."""
    return round(LOWEST + (HIGHEST - LOWEST) * right / total) if total else LOWEST


def one_per_group(questions: list[Question], rng: random.Random) -> list[Question]:
    """The questions with at most one of each ``group`` (questions that ask one fact), picked by ``rng``."""
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.group or question.ref, []).append(question)
    return [rng.choice(members) for _, members in sorted(groups.items())]


def draw(questions: list[Question], count: int = EXAM_QUESTIONS, seed: int | None = None) -> list[Question]:
    """``count`` questions, one per fact, spread across topics: each topic in turn gives its next question."""
    rng = random.Random(seed)
    available = one_per_group(questions, rng)
    if count > len(available):
        raise ValueError(f"the pool holds {len(available)} distinct questions; {count} cannot be drawn")
    by_topic: dict[str, list[Question]] = {}
    for question in available:
        by_topic.setdefault(question.topic, []).append(question)
    for group in by_topic.values():
        rng.shuffle(group)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    drawn: list[Question] = []
    while len(drawn) < count:
        for topic in topics:
            if by_topic[topic] and len(drawn) < count:
                drawn.append(by_topic[topic].pop())
    rng.shuffle(drawn)
    return drawn


def option_order(question: Question, seed) -> tuple:
    """The order one attempt shows a question's options in: seeded by the attempt and the question."""
    order = list(range(len(question.options)))
    random.Random(f"{seed}:{question.ref}").shuffle(order)
    return tuple(order)


def exam_pool() -> list[Question]:
    """The questions that stand alone: about DynamoDB (not how to study), and not tied to their chapter."""
    return [q for q in pool() if q.topic != "exam-method" and not q.chapter_only]


@dataclass(frozen=True)
class ExamResult:
    right: int
    total: int
    answered: int
    scaled: int
    by_topic: object  # DataFrame: topic, questions, right
    missed: list  # the questions not answered right, in exam order
    timed_out: bool

    @property
    def passed(self) -> bool:
        return self.scaled >= PASSING

    def headline(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        late = " (time ran out)" if self.timed_out else ""
        return (f"Scaled score: {self.scaled} / {HIGHEST} (pass mark {PASSING}): {verdict}{late} · "
                f"{self.right} of {self.total} right, {self.answered} answered")


class MockExam:
    """The questions drawn, their option order, the answers given, and the clock."""

    def __init__(self, count: int = EXAM_QUESTIONS, *, seed: int | None = None, minutes: float = EXAM_MINUTES,
                 questions: list[Question] | None = None, clock=time.monotonic):
        self.seed = random.randrange(2**31) if seed is None else seed
        self.questions = draw(exam_pool() if questions is None else questions, count, self.seed)
        self._refs = {q.ref for q in self.questions}
        self.minutes, self.clock = minutes, clock
        self.started: float | None = None
        self.answers: dict[str, tuple] = {}
        self.finished_at: float | None = None
        self._result: ExamResult | None = None

    def start(self) -> None:
        """Start the clock (once)."""
        if self.started is None:
            self.started = self.clock()

    def order(self, question: Question) -> tuple:
        return option_order(question, self.seed)

    def options(self, question: Question) -> list[tuple[int, str]]:
        """This attempt's option order: (index in the bank, text) pairs."""
        return [(i, question.options[i]) for i in self.order(question)]

    def remaining(self) -> float:
        """Seconds left (all of them before the start, 0 when time is up)."""
        if self.started is None:
            return self.minutes * 60.0
        end = self.finished_at if self.finished_at is not None else self.clock()
        return max(0.0, self.minutes * 60 - (end - self.started))

    @property
    def over(self) -> bool:
        return self.finished_at is not None or self.remaining() <= 0

    def answer(self, question: Question, choice) -> bool:
        """Record an answer; refused once the exam is over (time up or finished)."""
        if question.ref not in self._refs:
            raise ValueError(f"that question is not part of this exam")
        if self.over:
            raise RuntimeError("the exam is over: no more answers")
        self.start()
        indices = question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of this question")
        self.answers[question.ref] = indices
        return question.is_right(indices)

    def finish(self) -> ExamResult:
        """Score the exam; a second call returns the first result unchanged."""
        import pandas as pd

        if self._result is not None:
            return self._result
        self.start()
        timed_out = self.remaining() <= 0
        self.finished_at = min(self.clock(), self.started + self.minutes * 60)
        right = [q for q in self.questions if q.ref in self.answers and q.is_right(self.answers[q.ref])]
        frame = pd.DataFrame([{"topic": q.topic, "right": q in right} for q in self.questions])
        by_topic = frame.groupby("topic").agg(questions=("right", "size"), right=("right", "sum")).reset_index()
        self._result = ExamResult(len(right), len(self.questions), len(self.answers),
                                  scaled_score(len(right), len(self.questions)), by_topic,
                                  [q for q in self.questions if q not in right], timed_out)
        return self._result
