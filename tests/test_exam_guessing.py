"""An exam that guessing cannot pass: three strategies that never read a question, over 200 mock exams."""

from __future__ import annotations

import random

import pytest

from labkit.quiz.exam import MockExam, exam_pool


def _shown(exam, question):
    return exam.options(question)  # (bank index, text) in the order this attempt shows them


def longest(exam, question, rng):
    ranked = sorted(_shown(exam, question), key=lambda pair: -len(pair[1]))
    return [i for i, _ in ranked[:len(question.keys)]]


def always_b(exam, question, rng):
    shown = _shown(exam, question)
    return [shown[p][0] for p in range(1, 1 + len(question.keys))]  # B (then C, D for more keys)


def at_random(exam, question, rng):
    return [i for i, _ in rng.sample(_shown(exam, question), len(question.keys))]


@pytest.fixture(scope="module")
def pool():
    return exam_pool()


@pytest.mark.parametrize("strategy", [longest, always_b, at_random], ids=lambda s: s.__name__)
def test_a_strategy_that_never_reads_passes_fewer_than_5_percent_of_200_exams(pool, strategy):
    rng, passed, scores = random.Random(1), 0, []
    for seed in range(200):
        exam = MockExam(seed=seed, questions=pool, clock=lambda: 0.0)
        for question in exam.questions:
            exam.answer(question, strategy(exam, question, rng))
        result = exam.finish()
        passed += result.passed
        scores.append(result.scaled)
    assert passed < 10, f"{strategy.__name__} passed {passed} of 200 (mean {sum(scores) / 200:.0f})"
