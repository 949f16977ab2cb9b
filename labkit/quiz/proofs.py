"""Proofs: a question's short program, run against the embedded lab, that shows which options are right.

A proof is plain boto3 with a few names given to it:

- ``client``, ``lab``, ``labkit``, ``attempt``: the embedded lab (``labkit.connect()``) and its helpers;
- ``table(name, pk="pk", sk=None)``: an empty table with that key (``name`` says what it holds);
- ``given``: the stem's decisive values (each one is written in the stem, which the check verifies), so
  the proof runs what the stem says;
- ``claims``: each option's structured claim (each value is written in the option's text); a proof whose
  options are code runs each option's ``claims[i]["code"]``;
- ``billed()``: the capacity units the lab charged for the last request (also for a request that failed).

It prints what it saw and sets ``observed``: a dict of what the lab did (an exception's name, a number
of units, a final value, an outcome), or, when it ran each option's code, a list of such dicts, one per
option. It never names an option: the check compares the observation with every option's claim
(``decide``), and the key must be exactly the options that agree.
"""

from __future__ import annotations

import contextlib
import io
import traceback
from dataclasses import dataclass

from .questions import Question

PROOF_TABLE_PREFIX = "Quiz"


def _norm(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    return str(value).strip().lower()


def matches(wanted: dict, observed: dict) -> bool:
    """Every value ``wanted`` names was observed, equal (text compared without case, numbers as numbers)."""
    return bool(wanted) and all(k in observed and _norm(observed[k]) == _norm(v) for k, v in wanted.items())


def decide(question: Question, observed) -> tuple:
    """The options the observation supports: those whose claim it matches (a dict), or, for a list with one
    observation per option (each option's code run), those whose run achieved the stem's ``goal``."""
    if isinstance(observed, dict):
        if len(question.claims) != len(question.options):
            raise ProofError("every option needs a claim to compare the observation with")
        return tuple(i for i, claim in enumerate(question.claims) if matches(claim, observed))
    if isinstance(observed, list) and len(observed) == len(question.options) and all(isinstance(o, dict) for o in observed):
        if not question.goal:
            raise ProofError("one observation per option needs the stem's goal to compare them with")
        return tuple(i for i, seen in enumerate(observed) if matches(question.goal, seen))
    raise ProofError(f"`observed` is {observed!r}: a dict, or a list of one dict per option")


class ProofError(Exception):
    """A proof that could not decide: it broke, or its observation matches no single option."""


@dataclass(frozen=True)
class ProofRun:
    question: Question
    proven: tuple | None  # the options the run supports, sorted; None if it could not decide
    output: str  # what the proof printed (what "show me" shows)
    error: str = ""
    observed: object = None  # what the lab did, as the proof recorded it

    @property
    def agrees(self) -> bool:
        return self.proven == self.question.keys

    def verdict(self) -> str:
        if self.error:
            return f"{self.question.ref}: the proof failed: {self.error.strip().splitlines()[-1]}"
        if self.agrees:
            return f"{self.question.ref}: proven"
        shown = ", ".join(self.question.options[i] for i in self.proven) or "no option"
        key = ", ".join(self.question.options[i] for i in self.question.keys)
        return f"{self.question.ref}: the lab shows {shown!r} (observed {self.observed!r}) but the key says {key!r}"


def _tables(client):
    def table(name: str, pk: str = "pk", sk: str | None = None) -> str:
        """An empty table for the proof, keyed by strings. Proofs with the same key schema share one table
        (``Quiz_<keys>``), emptied before each use: creating a table takes the lab a (simulated) moment."""
        import labkit

        wanted = [pk] + ([sk] if sk else [])
        full = "_".join([PROOF_TABLE_PREFIX, *wanted])
        try:
            schema = [k["AttributeName"] for k in client.describe_table(TableName=full)["Table"]["KeySchema"]]
        except client.exceptions.ResourceNotFoundException:
            schema = None
        if schema == wanted:
            for item in labkit.scan_all(client, full):
                client.delete_item(TableName=full, Key={k: {"S": item[k]} for k in wanted})
        else:
            labkit.reset_table(client, full, pk, sk)
        return full

    return table


def run_proof(question: Question, lab=None) -> ProofRun:
    """Run the question's proof against the embedded lab and say which options it supports."""
    import labkit

    if not question.proof:
        raise ValueError(f"{question.ref} has no proof")
    lab = lab or labkit.connect("embedded")
    front = lab.front

    def billed() -> float:
        return front.trace[-1].capacity

    names = {"lab": lab, "client": lab.client, "labkit": labkit, "attempt": labkit.attempt,
             "table": _tables(lab.client), "given": dict(question.given),
             "claims": [dict(c) for c in question.claims], "billed": billed, "__name__": f"proof:{question.ref}"}
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(question.proof, f"<proof of {question.ref}>", "exec"), names)
        if "observed" not in names:
            raise ProofError("the proof did not set `observed`")
        proven = decide(question, names["observed"])
    except Exception:
        return ProofRun(question, None, printed.getvalue(), traceback.format_exc(limit=-2), names.get("observed"))
    return ProofRun(question, proven, printed.getvalue(), observed=names["observed"])
