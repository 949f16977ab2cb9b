"""A timed mock exam: 65 questions drawn across topics, scored all or nothing, reported as a scaled score.

The DVA-C02 exam has 65 questions in 130 minutes and reports a scaled score from 100 to 1000, 720 to
pass. AWS does not publish how answers map to that scale (and 15 of the 65 questions are unscored trials,
unknown to the candidate). Here every question counts and the scaled score is a straight line from none
right (100) to all right (1000), so 720 needs about 69% right: an approximation, said so wherever it shows.
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


def scaled_score(right: int, total: int) -> int:
    """The approximate scaled score (100-1000) of ``right`` answers out of ``total``."""
    return round(LOWEST + (HIGHEST - LOWEST) * right / total) if total else LOWEST


def draw(questions: list[Question], count: int = EXAM_QUESTIONS, seed: int | None = None) -> list[Question]:
    """``count`` questions spread across topics: each topic in turn gives its next question, shuffled by ``seed``."""
    rng = random.Random(seed)
    by_topic: dict[str, list[Question]] = {}
    for question in questions:
        by_topic.setdefault(question.topic, []).append(question)
    for group in by_topic.values():
        rng.shuffle(group)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    drawn: list[Question] = []
    while len(drawn) < count and any(by_topic.values()):
        for topic in topics:
            if by_topic[topic] and len(drawn) < count:
                drawn.append(by_topic[topic].pop())
    rng.shuffle(drawn)
    return drawn


def exam_pool() -> list[Question]:
    """Every question about DynamoDB (not the ones about how to study)."""
    return [q for q in pool() if q.topic != "exam-method"]


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
    """The questions drawn, the answers given, and the clock, which runs from ``start()`` (by default at once)."""

    def __init__(self, count: int = EXAM_QUESTIONS, *, seed: int | None = None, minutes: float = EXAM_MINUTES,
                 questions: list[Question] | None = None, clock=time.monotonic, start: bool = True):
        available = exam_pool() if questions is None else questions
        self.questions = draw(available, count, seed)
        self.notice = (f"count={count}: the pool has {len(self.questions)} questions, so this exam has "
                       f"{len(self.questions)}." if count > len(self.questions) else "")
        self.minutes, self.clock = minutes, clock
        self.started: float | None = None
        self.answers: dict[str, tuple] = {}
        self.finished_at: float | None = None
        self.result: ExamResult | None = None
        if start:
            self.start()

    def start(self) -> None:
        """Start the clock (once)."""
        if self.started is None:
            self.started = self.clock()

    def remaining(self) -> float:
        """Seconds left (0 when time is up; the whole time before the start)."""
        if self.started is None:
            return self.minutes * 60.0
        end = self.finished_at if self.finished_at is not None else self.clock()
        return max(0.0, self.minutes * 60 - (end - self.started))

    @property
    def over(self) -> bool:
        return self.finished_at is not None or self.remaining() <= 0

    def answer(self, question: Question, choice) -> bool:
        """Record an answer; refused before the start, once the exam is over (time up or finished), and for a
        question that is not in this exam."""
        if self.started is None:
            raise RuntimeError("the exam has not started: start it first")
        if self.over:
            raise RuntimeError("the exam is over: no more answers")
        if question not in self.questions:
            raise ValueError(f"{question.ref} is not a question of this exam")
        indices = question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of {question.ref}")
        self.answers[question.ref] = indices
        return question.is_right(indices)

    def finish(self) -> ExamResult:
        """Score the exam; a finished exam stays as it was finished (the same result every time)."""
        import pandas as pd

        if self.result is not None:
            return self.result
        self.start()
        timed_out = self.remaining() <= 0
        self.finished_at = min(self.clock(), self.started + self.minutes * 60)
        right = [q for q in self.questions if q.ref in self.answers and q.is_right(self.answers[q.ref])]
        frame = pd.DataFrame([{"topic": q.topic, "right": q in right} for q in self.questions])
        by_topic = frame.groupby("topic").agg(questions=("right", "size"), right=("right", "sum")).reset_index()
        self.result = ExamResult(len(right), len(self.questions), len(self.answers),
                                 scaled_score(len(right), len(self.questions)), by_topic,
                                 [q for q in self.questions if q not in right], timed_out)
        return self.result
