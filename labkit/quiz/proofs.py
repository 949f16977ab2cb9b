"""Proofs: a question's short program, run against the embedded lab, that shows which options are right.

A proof is plain boto3 with a few names given to it:

- ``client``, ``lab``, ``labkit``, ``attempt``: the embedded lab (``labkit.connect()``) and its helpers;
- ``table(name, pk="pk", sk=None)``: an empty table with that key (``name`` says what it holds);
- ``options`` and ``option_with(text)``: the question's options, and the index of the one that contains
  ``text`` (an error when none does, or several);
- ``billed()``: the capacity units the lab charged for the last request (also for a request that failed).

It prints what it saw and sets ``proven``: the index, or the indices for multiple response, that what
it saw supports. It never reads the key: a proof that agrees does so because the lab behaved that way.
"""

from __future__ import annotations

import contextlib
import io
import traceback
from dataclasses import dataclass

from .questions import Question

PROOF_TABLE_PREFIX = "Quiz"


class ProofError(Exception):
    """A proof that could not decide: it broke, or its observation matches no single option."""


@dataclass(frozen=True)
class ProofRun:
    question: Question
    proven: tuple | None  # the options the run supports, sorted; None if it could not decide
    output: str  # what the proof printed (what "show me" shows)
    error: str = ""

    @property
    def agrees(self) -> bool:
        return self.proven == self.question.keys

    def verdict(self) -> str:
        if self.error:
            return f"{self.question.ref}: the proof failed: {self.error.strip().splitlines()[-1]}"
        if self.agrees:
            return f"{self.question.ref}: proven"
        shown = ", ".join(self.question.options[i] for i in self.proven)
        key = ", ".join(self.question.options[i] for i in self.question.keys)
        return f"{self.question.ref}: the lab shows {shown!r} but the key says {key!r}"


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


def _option_with(question: Question):
    def option_with(text) -> int:
        text = str(text)
        found = [i for i, option in enumerate(question.options) if text in option]
        if len(found) != 1:
            raise ProofError(f"{len(found)} options contain {text!r}")
        return found[0]

    return option_with


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
             "table": _tables(lab.client), "options": question.options, "option_with": _option_with(question),
             "billed": billed, "__name__": f"proof:{question.ref}"}
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(question.proof, f"<proof of {question.ref}>", "exec"), names)
        if "proven" not in names:
            raise ProofError("the proof did not set `proven`")
        proven = question.indices(names["proven"])
        if proven is None:
            raise ProofError(f"`proven` is {names['proven']!r}, not options of the question")
    except Exception:
        return ProofRun(question, None, printed.getvalue(), traceback.format_exc(limit=-2))
    return ProofRun(question, proven, printed.getvalue())
