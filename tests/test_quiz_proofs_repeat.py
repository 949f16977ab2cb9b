"""A proof gives the same answer every run: the conflict proofs, whose requests run on threads, run 20 times each."""

from __future__ import annotations

import labkit
from labkit.quiz.proofs import run_proof
from labkit.quiz.questions import pool

CONFLICT_PROOFS = [q for q in pool() if "lab.conflicts(" in q.proof]


def test_there_are_conflict_proofs_to_repeat():
    assert len(CONFLICT_PROOFS) >= 7


def test_each_conflict_proof_sees_the_same_thing_20_times():
    """Not only the same verdict: the same printed observation (a retry count that varies with thread timing
    is a proof that will one day fail)."""
    lab = labkit.connect("embedded")
    for question in CONFLICT_PROOFS:
        runs = [run_proof(question, lab) for _ in range(20)]
        assert all(run.agrees for run in runs), [run.verdict() for run in runs if not run.agrees]
        assert len({run.output for run in runs}) == 1, (question.ref, {run.output for run in runs})
