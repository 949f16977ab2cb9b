"""``python -m labkit.quiz check``: every bank's shape, every key proven against the lab or cited, and the tells.

A key counts as **proven** when its question's proof ran against the lab and what the lab observed agrees
with exactly the keyed options' structured claims (and disagrees with every other option's); the claims are
written in the options' text and the stem's decisive values in the stem, so neither can drift from what is
proven. A proof that relies on the lab's own model of DynamoDB (capacity, conflicts, throttling) names the
model and cites the documentation, whose documented values its observation must reproduce. A key counts as
**cited** when the question names documentation sources (``sources.yaml``: an address and the sentence
quoted from it) that settle it. A question with **neither** fails the check.

The check also reports the tells a guesser would use: how often the key is the longest option, and where
the keys sit (the mock exam shuffles options per attempt; the banks' own order is what a chapter shows).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .claims import MYTH_IDS
from .proofs import ProofRun, matches, run_proof
from .questions import BANKS, CHAPTERS, Question, bank_names, load_bank, read_bank

TOPICS = ("conditional-writes", "optimistic-locking", "transactions", "conflicts", "idempotency", "capacity",
          "limits", "errors", "batch-writes", "dax", "global-tables", "streams")
_WHY_NONE = ("proof", "documented", "not_provable_yet")
MODELS = ("capacity", "conflicts", "idempotency", "throttling", "stale reads")
# DVA-C02 exam guide, content outline: domain -> (name, weight %); task -> name.
DOMAINS = {"1": ("Development with AWS Services", 32), "2": ("Security", 26), "3": ("Deployment", 24),
           "4": ("Troubleshooting and Optimization", 18)}
TASKS = {"1.1": "Develop code for applications hosted on AWS", "1.2": "Develop code for AWS Lambda",
         "1.3": "Use data stores in application development",
         "2.1": "Implement authentication and/or authorization for applications and AWS services",
         "2.2": "Implement encryption by using AWS services", "2.3": "Manage sensitive data in application code",
         "3.1": "Prepare application artifacts to be deployed to AWS", "3.2": "Test applications in development environments",
         "3.3": "Automate deployment testing", "3.4": "Deploy code by using AWS CI/CD services",
         "4.1": "Assist in a root cause analysis", "4.2": "Instrument code for observability",
         "4.3": "Optimize applications by using AWS services and features"}
SCOPE = ("the banks cover the DynamoDB slice of DVA-C02 (mostly Domain 1, Development with AWS Services, 32%); "
         "Security (26%), Deployment (24%) and most of Troubleshooting and Optimization (18%) are not covered")
# Questions with neither a proof nor a citation that the check tolerates: none. Every key is proven or cited.
NEITHER_CEILING = 0


def sources(folder: Path | None = None) -> dict:
    """The documentation sources questions cite: name -> {url, quote, asserts?}."""
    path = Path(folder or BANKS) / "sources.yaml"
    if not path.exists():
        path = BANKS / "sources.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _written(value) -> list[str]:
    """How a claimed value is written in prose: each element of a list, numbers without a needless .0."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return [f"{v:g}" if isinstance(v, float) else str(v) for v in values]


def claim_problems(question: Question, known_sources: dict | None = None) -> list[str]:
    """Claims not written in their option's text, given values not in the stem, unknown sources."""
    found = []
    text = lambda s: " ".join(s.lower().split())  # noqa: E731
    for i, claim in enumerate(question.claims):
        for name, value in claim.items():
            for written in _written(value):
                if text(written) not in text(question.options[i]):
                    found.append(f"option {i} claims {name}={written!r} but its text does not say so")
    for kind, values in (("given", question.given), ("goal", question.goal)):
        for name, value in values.items():
            for written in _written(value):
                if text(written) not in text(question.prompt):
                    found.append(f"{kind} {name}={written!r} is not written in the stem")
    if known_sources is not None:
        found += [f"cites {name!r}, which sources.yaml does not hold" for name in question.cite if name not in known_sources]
    if question.model and question.model not in MODELS:
        found.append(f"model {question.model!r} is not one of {', '.join(MODELS)}")
    if question.model and not question.cite:
        found.append(f"its proof relies on the lab's model of {question.model}: cite the documentation too")
    if question.task and question.task not in TASKS:
        found.append(f"task {question.task!r} is not a DVA-C02 task")
    if not question.task and question.topic != "exam-method":
        found.append("a DVA-C02 task is needed (task: \"1.3\" and so on, or the bank's own task)")
    if question.proof and "observed" not in question.proof:
        found.append("its proof must record what the lab did in `observed`, never name an option")
    return found


def shape_problems(question: Question, known_sources: dict | None = None) -> list[str]:
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
    found += claim_problems(question, known_sources)
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
    if sum(bool(getattr(question, k)) for k in _WHY_NONE) > 1:
        found.append("at most one of proof, documented or not_provable_yet")
    if question.proof:
        try:
            compile(question.proof, question.ref, "exec")
        except SyntaxError as error:
            found.append(f"the proof does not compile: {error}")
    return found


SCENARIO = (re.compile(r"\b(must|needs?|wants?|requires?)\b"), re.compile(r"\b(Which|What should|How should|What must)\b"))


def style(questions: list[Question]) -> dict:
    """The exam pool's style and scope: how many questions set a scenario with a requirement and ask which
    solution meets it (recognised by its wording: a requirement such as "must" and a question such as
    "Which"), how many are multiple response, and the DVA-C02 tasks they are tagged with."""
    pool = [q for q in questions if q.topic != "exam-method" and not q.chapter_only]
    scenario = [q for q in pool if all(p.search(q.prompt) for p in SCENARIO)]
    return {"pool": len(pool), "scenario": len(scenario), "multiple": sum(q.multiple for q in pool),
            "tasks": Counter(q.task for q in pool)}


# The exam's style goals: at least half the exam pool scenario-based and 15-25% of it multiple response, as the
# DVA-C02 exam is; and no tell a guesser could use: the key the longest option, or one position holding the key,
# in at most 35% of the questions (``tells``).
GOALS = {"scenario": 0.50, "multiple": (0.15, 0.25), "longest": 0.35, "position": 0.35}


def goals_missed(questions: list[Question]) -> list[str]:
    """The style goals the banks miss, each with its figure ([] when every goal holds)."""
    styled, told = style(questions), tells(questions)
    pool, single, four = max(1, styled["pool"]), max(1, told["single"]), max(1, told["four"])
    low, high = GOALS["multiple"]
    missed = []
    if styled["scenario"] / pool < GOALS["scenario"]:
        missed.append(f"scenario-based: {styled['scenario']} of {styled['pool']} exam-pool questions, under {GOALS['scenario']:.0%}")
    if not low <= styled["multiple"] / pool <= high:
        missed.append(f"multiple response: {styled['multiple']} of {styled['pool']} exam-pool questions, outside {100 * low:.0f}-{high:.0%}")
    if told["longest"] / single > GOALS["longest"]:
        missed.append(f"key is the longest option: {told['longest']} of {told['single']} single-answer questions, over {GOALS['longest']:.0%}")
    missed += [f"key at {p}: {n} of {told['four']} four-option questions, over {GOALS['position']:.0%}"
               for p, n in told["positions"].items() if n / four > GOALS["position"]]
    return missed


def tells(questions: list[Question]) -> dict:
    """What a guesser could use: the share of single-answer questions whose key is the longest option (alone),
    and how the keys of four-option single-answer questions spread over positions A-D."""
    single = [q for q in questions if not q.multiple]
    longest = [q for q in single if len(q.options[q.answer]) > max(len(o) for i, o in enumerate(q.options) if i != q.answer)]
    four = [q for q in single if len(q.options) == 4]
    spread = Counter("ABCD"[q.answer] for q in four)
    return {"single": len(single), "longest": len(longest), "four": len(four),
            "positions": {p: spread.get(p, 0) for p in "ABCD"}}


@dataclass
class Report:
    questions: int = 0
    problems: list[str] = field(default_factory=list)
    runs: list[ProofRun] = field(default_factory=list)
    cited: list[Question] = field(default_factory=list)
    neither: list[Question] = field(default_factory=list)
    not_run: list[Question] = field(default_factory=list)  # proofs not run (--no-proofs, or a narrowed check)
    model_disagrees: list[str] = field(default_factory=list)
    by_topic: Counter = field(default_factory=Counter)
    all_questions: list[Question] = field(default_factory=list)
    ceiling: int = NEITHER_CEILING

    @property
    def ok(self) -> bool:
        return (not self.problems and all(run.agrees for run in self.runs) and not self.model_disagrees
                and len(self.neither) <= self.ceiling)

    @property
    def proven(self) -> int:
        return sum(run.agrees for run in self.runs)

    def summary(self) -> str:
        lines = [run.verdict() for run in self.runs if not run.agrees] + self.problems + self.model_disagrees
        told = tells(self.all_questions)
        lines += [f"{self.questions} questions checked: shape {'ok' if not self.problems else 'NOT ok'}",
                  f"  proven: {self.proven} (of {len(self.runs)} proofs run against the lab, each option's claim "
                  "compared with what the lab observed)" + (f"; {len(self.not_run)} proofs not run" if self.not_run else ""),
                  f"  cited: {len(self.cited)} (a quoted sentence of the documentation settles the key)",
                  f"  neither: {len(self.neither)}" + (f" (tolerated up to {self.ceiling}; the goal is 0)" if self.ceiling
                                                       else " (a key with neither a proof nor a citation fails the check)")]
        lines += [f"  no proof and no citation: {q.ref}" for q in self.neither]
        lines.append(f"  key is the longest option: {told['longest']} of {told['single']} single-answer questions "
                     f"({100 * told['longest'] / max(1, told['single']):.0f}%; goal at most {GOALS['longest']:.0%})")
        lines.append(f"  key positions in the banks (four options): " + ", ".join(
            f"{p} {n} ({100 * n / max(1, told['four']):.0f}%)" for p, n in told["positions"].items())
            + f" (goal: none over {GOALS['position']:.0%}); the mock exam shuffles options per attempt")
        styled = style(self.all_questions)
        pool = max(1, styled["pool"])
        lines.append(f"  exam pool: {styled['pool']} questions; scenario-based {styled['scenario']} "
                     f"({100 * styled['scenario'] / pool:.0f}%; goal at least {GOALS['scenario']:.0%}), multiple response "
                     f"{styled['multiple']} ({100 * styled['multiple'] / pool:.0f}%; goal {100 * GOALS['multiple'][0]:.0f}-"
                     f"{GOALS['multiple'][1]:.0%})")
        lines += [f"  style goal missed: {missed}" for missed in goals_missed(self.all_questions)]
        lines.append("  DVA-C02 tasks: " + ", ".join(f"{t} {TASKS.get(t, '?')} ({n})" for t, n in sorted(styled["tasks"].items())))
        lines.append(f"  scope: {SCOPE}")
        lines.append("  by topic: " + ", ".join(f"{t} {n}" for t, n in sorted(self.by_topic.items())))
        lines.append("PASSED" if self.ok else "FAILED")
        return "\n".join(lines)


def _model_check(run: ProofRun, known: dict) -> list[str]:
    """A proof on the lab's model must observe what the documentation it cites asserts."""
    found = []
    q = run.question
    if not q.model or not isinstance(run.observed, dict):
        return found
    for name in q.cite:
        asserts = known.get(name, {}).get("asserts") or {}
        if asserts and not matches(asserts, run.observed):
            found.append(f"{q.ref}: the lab's model of {q.model} observed {run.observed!r}, but {name} "
                         f"({known[name]['url']}) documents {asserts!r}")
    return found


def check(folder: Path | None = None, *, proofs: bool = True, lab=None, only=None) -> Report:
    """Check every bank in ``folder`` (default: labkit's own) and run every proof (or those of the refs in
    ``only``)."""
    report = Report()
    known = sources(folder)
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
            report.all_questions.append(question)
            report.by_topic[question.topic] += 1
            if question.ref in seen:
                report.problems.append(f"{question.ref}: the id is used twice")
            seen.add(question.ref)
            problems = shape_problems(question, known)
            report.problems += problems
            if question.proof:
                if proofs and not problems and (only is None or question.ref in only):
                    run = run_proof(question, lab)
                    report.runs.append(run)
                    report.model_disagrees += _model_check(run, known)
                else:
                    report.not_run.append(question)
            elif question.cite:
                report.cited.append(question)
            elif not question.proof:
                report.neither.append(question)
    return report
