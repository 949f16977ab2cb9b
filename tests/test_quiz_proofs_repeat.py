"""A proof gives the same answer every run: every proof that relies on the lab's model of conflicts or of stale
reads (requests on threads, seeded draws) runs 50 times in a row, as `python -m labkit.quiz check` must pass 50
times in a row."""

from __future__ import annotations

import labkit
from labkit.quiz.proofs import run_proof
from labkit.quiz.questions import pool

RUNS = 50
MODELLED = [q for q in pool() if q.proof and (q.model in ("conflicts", "stale reads")
                                              or "lab.conflicts(" in q.proof or "lab.stale_reads(" in q.proof)]


def test_there_are_conflict_and_stale_read_proofs_to_repeat():
    refs = {q.ref for q in MODELLED}
    assert sum("lab.conflicts(" in q.proof for q in MODELLED) >= 7, refs
    assert sum("lab.stale_reads(" in q.proof for q in MODELLED) >= 2, refs


def test_each_modelled_proof_sees_the_same_thing_50_times():
    """Not only the same verdict: the same printed observation (a retry count that varies with thread timing
    is a proof that will one day fail)."""
    lab = labkit.connect("embedded")
    for question in MODELLED:
        runs = [run_proof(question, lab) for _ in range(RUNS)]
        assert all(run.agrees for run in runs), [run.verdict() for run in runs if not run.agrees]
        assert len({(run.proven, run.output) for run in runs}) == 1, (question.ref, {run.output for run in runs})
