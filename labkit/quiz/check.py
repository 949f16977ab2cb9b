"""``python -m labkit.quiz check``: every bank's shape, and every proof run against the lab and held to its key.

A wrong key cannot ship: a proof prints what the lab did and names the options that supports; the check
fails when those are not exactly the keyed ones. Questions without a proof say why (the documentation is
the proof, or the lab cannot show it yet), and the report counts each kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .claims import MYTH_IDS
from .proofs import ProofRun, run_proof
from .questions import CHAPTERS, Question, bank_names, load_bank, read_bank

TOPICS = ("conditional-writes", "optimistic-locking", "transactions", "conflicts", "idempotency", "capacity",
          "limits", "errors", "batch-writes", "dax", "global-tables", "streams")
_WHY_NONE = ("proof", "documented", "not_provable_yet")


def shape_problems(question: Question) -> list[str]:
    """What is wrong with one question's shape ([] when nothing)."""
    found = []
    n = len(question.options)
    if not question.id or not question.prompt.strip():
        found.append("an id and a prompt are needed")
    if len(set(question.options)) != n or n < 3:
        found.append("at least three options, all different")
    if question.multiple:
        if len(set(question.answer)) != len(question.answer) or not all(
                isinstance(i, int) and 0 <= i < n for i in question.answer):
            found.append(f"answer {list(question.answer)} names options that do not exist")
    elif isinstance(question.answer, bool) or not isinstance(question.answer, int) or not 0 <= question.answer < n:
        found.append(f"answer {question.answer!r} is not an option's index")
    if not question.why.strip() and not question.explanations:
        found.append("an explanation is needed")
    if question.explanations:  # the exam-style shape
        found += _exam_shape(question)
    if question.extra:
        found.append(f"unknown field(s): {', '.join(sorted(question.extra))}")
    if question.myth and question.myth not in MYTH_IDS:
        found.append(f"myth {question.myth!r} is not one of the catalogued claims")
    return [f"{question.ref}: {p}" for p in found]


def _exam_shape(question: Question) -> list[str]:
    found = []
    n = len(question.options)
    if len(question.explanations) != n or not all(e.strip() for e in question.explanations):
        found.append("every option needs its own explanation")
    if question.multiple and not (n in (5, 6) and 2 <= len(question.answer) <= 3):
        found.append("multiple response is two or three keys among five or six options")
    if not question.multiple and n != 4:
        found.append("multiple choice is one key among four options")
    if not question.doc.strip():
        found.append("a documentation reference is needed")
    if question.topic not in TOPICS and question.topic not in {t for _, t in CHAPTERS.values()}:
        found.append(f"topic {question.topic!r} is not one of {', '.join(TOPICS)}")
    if sum(bool(getattr(question, k)) for k in _WHY_NONE) != 1:
        found.append("exactly one of proof, documented or not_provable_yet")
    if question.proof:
        try:
            compile(question.proof, question.ref, "exec")
        except SyntaxError as error:
            found.append(f"the proof does not compile: {error}")
    return found


@dataclass
class Report:
    questions: int = 0
    problems: list[str] = field(default_factory=list)
    runs: list[ProofRun] = field(default_factory=list)
    documented: list[Question] = field(default_factory=list)
    not_yet: list[Question] = field(default_factory=list)
    by_topic: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems and all(run.agrees for run in self.runs)

    @property
    def proven(self) -> int:
        return sum(run.agrees for run in self.runs)

    def summary(self) -> str:
        lines = [run.verdict() for run in self.runs if not run.agrees] + self.problems
        lines += [f"{self.questions} questions checked: shape {'ok' if not self.problems else 'NOT ok'}",
                  f"  {self.proven} of {len(self.runs)} proofs run against the lab agree with their keys",
                  f"  {len(self.documented)} shown by documentation only (the lab cannot show them)",
                  f"  {len(self.not_yet)} not provable in the lab yet" + (":" if self.not_yet else "")]
        lines += [f"    {q.ref}: {q.not_provable_yet}" for q in self.not_yet]
        lines.append("  by topic: " + ", ".join(f"{t} {n}" for t, n in sorted(self.by_topic.items())))
        lines.append("PASSED" if self.ok else "FAILED")
        return "\n".join(lines)


def check(folder: Path | None = None, *, proofs: bool = True, lab=None) -> Report:
    """Check every bank in ``folder`` (default: labkit's own) and run every proof."""
    report = Report()
    seen: set[str] = set()
    for bank in bank_names(folder):
        try:
            data = read_bank(bank, folder)
            _, questions = load_bank(bank, folder)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            report.problems.append(f"{bank}: cannot be read: {type(error).__name__}: {error}")
            continue
        if not str(data.get("title", "")).strip():
            report.problems.append(f"{bank}: a title is needed")
        for question in questions:
            report.questions += 1
            report.by_topic[question.topic] += 1
            if question.ref in seen:
                report.problems.append(f"{question.ref}: the id is used twice")
            seen.add(question.ref)
            problems = shape_problems(question)
            report.problems += problems
            if question.documented:
                report.documented.append(question)
            elif question.not_provable_yet:
                report.not_yet.append(question)
            elif question.proof and proofs and not problems:
                report.runs.append(run_proof(question, lab))
    return report
