"""Question banks: data files next to this module, one per bank, each question with its explanation.

Two shapes are read, the second a superset of the first:

- a chapter's check (JSON): ``{"title", "questions": [{"id", "prompt", "options": [text...],
  "answer": index, "why"}]}``;
- an exam-style bank (JSON or YAML) whose options carry their own explanation (``{"text", "why"}``),
  whose ``answer`` may be a list (multiple response: every key and nothing else scores), and whose
  questions name a ``topic``, a ``chapter``, a ``doc`` reference, the ``myth`` they test if any, and
  either a ``proof`` (a short program run against the lab that shows the key is right) or the reason
  there is none (``documented``: the lab cannot show it; ``not_provable_yet``: it needs a simulation the
  lab does not run yet).

Every bank in the folder joins the exam-prep pool (``pool()``), its questions tagged by chapter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

BANKS = Path(__file__).parent
SUFFIXES = (".json", ".yaml")
# The chapter banks in teaching order: bank -> (notebook, the topic of a question that names none). A bank
# not listed here still joins the pool, after these, under its own name.
CHAPTERS = {
    "start_here": ("00_start_here", "conditional-writes"), "cli_tutorial": ("01_cli_tutorial", "conditional-writes"),
    "race_lab": ("02_race_lab", "optimistic-locking"),
    "conditions": ("03_condition_expressions", "conditional-writes"), "patterns": ("04_patterns", "optimistic-locking"),
    "workers": ("05_workers_and_mappers", "conditional-writes"), "batches": ("06_batches_and_retries", "batch-writes"),
    "transactions": ("07_transactions", "transactions"), "myths": ("08_myths", "myths"),
    "exam_prep": ("09_exam_prep", "exam-method"), "study_group": ("10_study_group", "conditional-writes"),
}
NOT_BANKS = {"sources"}  # data files next to the banks that are not banks (the documentation sources questions cite)
EXAM_BANK = "exam"  # the exam-style bank of its own: questions that belong to no one chapter's check


@dataclass(frozen=True, repr=False)
class Question:
    id: str
    prompt: str
    options: tuple
    answer: int | tuple  # an option's index; a tuple of indices for multiple response
    why: str  # the explanation shown after checking, right or wrong
    explanations: tuple = ()  # one per option, where the bank gives them
    topic: str = ""
    chapter: str = ""  # the bank of the chapter that teaches it
    bank: str = ""
    doc: str = ""
    myth: str = ""
    proof: str = ""
    documented: str = ""  # why the lab cannot show it (the documentation is the proof)
    not_provable_yet: str = ""  # why the lab cannot show it yet
    claims: tuple = ()  # one dict per option: what it claims, in a form a proof's observation is compared with
    given: dict = field(default_factory=dict, compare=False)  # the stem's decisive values, which a proof reads
    goal: dict = field(default_factory=dict, compare=False)  # what the stem asks an option's code to achieve
    model: str = ""  # the lab's own model of DynamoDB a proof relies on (capacity, conflicts, throttling)
    cite: tuple = ()  # names of documentation sources (sources.yaml) whose quoted sentences settle the key
    task: str = ""  # the DVA-C02 exam guide's task, e.g. "1.3"
    group: str = ""  # questions that ask one fact share a group; a mock exam draws one of them
    chapter_only: str = ""  # why it makes sense only inside its chapter (kept out of the exam pool)
    extra: dict = field(default_factory=dict, compare=False)  # fields the shape does not know: typos, to report

    def __repr__(self) -> str:
        return f"Question({self.ref})"

    @property
    def multiple(self) -> bool:
        return isinstance(self.answer, tuple)

    @property
    def keys(self) -> tuple:
        """The right options' indices, sorted (one for multiple choice)."""
        return tuple(sorted(self.answer)) if self.multiple else (self.answer,)

    @property
    def ref(self) -> str:
        """The question's name in the pool: ``bank/id``."""
        return f"{self.bank}/{self.id}"

    def choose(self) -> str:
        """What the learner is asked to pick, as the exam says it."""
        if self.multiple:
            return f"Choose {_WORDS.get(len(self.keys), len(self.keys))}."
        return "Choose one."

    def index_of(self, choice) -> int | None:
        if isinstance(choice, bool):
            return None
        if isinstance(choice, int):
            return choice if 0 <= choice < len(self.options) else None
        return self.options.index(choice) if choice in self.options else None

    def indices(self, choice) -> tuple | None:
        """A choice (an index or text; a collection of them for multiple response) as sorted indices."""
        many = choice if isinstance(choice, (list, tuple, set, frozenset)) else [choice]
        found = [self.index_of(c) for c in many]
        if not found or None in found or len(set(found)) != len(found):
            return None
        return tuple(sorted(found))

    def is_right(self, choice) -> bool:
        """All or nothing: every key and no other option (the exam gives no partial credit)."""
        return self.indices(choice) == self.keys

    def explain(self, index: int) -> str:
        return self.explanations[index] if index < len(self.explanations) and self.explanations[index] else ""


_WORDS = {2: "two", 3: "three"}


def bank_path(name: str, folder: Path | None = None) -> Path:
    folder = Path(folder) if folder else BANKS
    for suffix in SUFFIXES:
        if (folder / f"{name}{suffix}").exists():
            return folder / f"{name}{suffix}"
    raise FileNotFoundError(f"no question bank {name!r} in {folder}")


def bank_names(folder: Path | None = None) -> list[str]:
    """Every bank in the folder: the chapters' in teaching order, then the others by name."""
    folder = Path(folder) if folder else BANKS
    found = {p.stem for p in folder.iterdir() if p.suffix in SUFFIXES and p.stem not in NOT_BANKS}
    ordered = [bank for bank in CHAPTERS if bank in found]
    return ordered + sorted(found - set(ordered))


def chapter_notebook(bank: str) -> str:
    return CHAPTERS.get(bank, (bank, ""))[0]


def read_bank(name: str, folder: Path | None = None) -> dict:
    """The bank's data as written (a dict with ``title`` and ``questions``)."""
    path = bank_path(name, folder)
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)


def question_from(data: dict, bank: str, defaults: dict | None = None) -> Question:
    """One question from its data; raises KeyError/TypeError/ValueError on a malformed one."""
    defaults = defaults or {}
    options, explanations, claims = [], [], []
    for option in data["options"]:
        if isinstance(option, dict):
            options.append(str(option["text"]))
            explanations.append(str(option.get("why", "")))
            claims.append(dict(option.get("claim") or {}))
        else:
            options.append(str(option))
            explanations.append("")
            claims.append({})
    answer = data["answer"]
    if isinstance(answer, list):
        answer = tuple(answer)
    known = {"id", "prompt", "options", "answer", "why", "topic", "chapter", "doc", "myth", "proof", "documented",
             "not_provable_yet", "given", "goal", "model", "cite", "task", "group", "chapter_only"}
    cite = data.get("cite") or ()
    cite = (cite,) if isinstance(cite, str) else tuple(cite)
    return Question(
        id=str(data["id"]), prompt=str(data["prompt"]), options=tuple(options), answer=answer,
        why=str(data.get("why", "")), explanations=tuple(explanations) if any(explanations) else (),
        topic=str(data.get("topic", defaults.get("topic", ""))), chapter=str(data.get("chapter", defaults.get("chapter", bank))),
        bank=bank, doc=str(data.get("doc", "")), myth=str(data.get("myth", "")), proof=str(data.get("proof") or ""),
        documented=str(data.get("documented", "")), not_provable_yet=str(data.get("not_provable_yet", "")),
        claims=tuple(claims) if any(claims) else (), given=dict(data.get("given") or {}),
        goal=dict(data.get("goal") or {}), model=str(data.get("model", "")), cite=cite,
        task=str(data.get("task", defaults.get("task", ""))), group=str(data.get("group", "")),
        chapter_only=str(data.get("chapter_only", "")),
        extra={k: v for k, v in data.items() if k not in known})


def load_bank(name: str, folder: Path | None = None) -> tuple[str, list[Question]]:
    """The title and questions of the bank ``name`` (``race_lab`` reads ``race_lab.json``)."""
    data = read_bank(name, folder)
    defaults = {"topic": data.get("topic", CHAPTERS.get(name, ("", "general"))[1]), "chapter": data.get("chapter", name),
                "task": data.get("task", "")}
    return data["title"], [question_from(q, name, defaults) for q in data["questions"]]


@lru_cache(maxsize=8)
def _pool(folder: str) -> tuple:
    return tuple(q for bank in bank_names(Path(folder)) for q in load_bank(bank, Path(folder))[1])


def pool(folder: Path | None = None) -> list[Question]:
    """Every question of every bank, the exam bank's and each chapter's, in teaching order."""
    return list(_pool(str(Path(folder) if folder else BANKS)))


def by_ref(questions) -> dict[str, Question]:
    return {q.ref: q for q in questions}
