"""A scored quiz: answers in, score out, progress kept in a JSON file (Binder keeps nothing after a session)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .files import FileProblem, expect_kind, read_json, source_name, write_json
from .questions import Question, load_bank

PASS_MARK = 0.6  # a chapter's check is passed at 60%, the certification chapter's own threshold


class Score(NamedTuple):
    correct: int
    total: int

    def __str__(self) -> str:
        return f"Score: {self.correct} / {self.total}"

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.correct >= PASS_MARK * self.total


def progress_file(bank: str) -> str:
    """Where a bank's progress is saved by default: one file per bank, so that chapters never overwrite each other."""
    return f"{bank}_progress.json"


def stored(indices: tuple, question: Question):
    """An answer as the progress file keeps it: an index, or a list of them for multiple response."""
    return list(indices) if question.multiple else indices[0]


class Quiz:
    """A bank's questions and the learner's answers so far (question id -> option index, or indices)."""

    def __init__(self, bank: str = "race_lab"):
        self.bank = bank
        self.title, self.questions = load_bank(bank)
        self.answers: dict[str, int | list] = {}

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"no question {question_id!r} in {self.bank}")

    def answer(self, question_id: str, choice) -> bool:
        """Record an answer (an option's index or text; several for multiple response) and say whether it is right.

        The first answer to a question is the one scored, as on the exam: once its explanation has shown,
        another answer would score what the explanation gave away, so it is refused.
        """
        question = self.question(question_id)
        indices = question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of {question_id!r}")
        if question_id in self.answers:
            raise ValueError(f"{question_id!r} is answered already: the first answer is the one scored")
        self.answers[question_id] = stored(indices, question)
        return question.is_right(indices)

    def grade(self, answers: dict | None = None) -> Score:
        """The score of ``answers`` (default: the answers recorded so far) over all the questions."""
        answers = self.answers if answers is None else answers
        right = sum(q.is_right(answers[q.id]) for q in self.questions if q.id in answers)
        return Score(right, len(self.questions))

    def missed(self) -> list[Question]:
        """Questions not yet answered right: the ones to come back to."""
        return [q for q in self.questions if not (q.id in self.answers and q.is_right(self.answers[q.id]))]

    def dump(self) -> dict:
        return {"bank": self.bank, "answers": self.answers}

    def restore(self, data: dict, name: str = "the file") -> Score:
        """Take back answers dumped by ``dump``, checked whole first (``FileProblem`` leaves the answers as they
        were); answers to questions this bank no longer has are left out."""
        expect_kind(data, name, "a chapter's check progress", ("bank", "answers"))
        if data["bank"] != self.bank:
            raise FileProblem(name, f"it holds the check progress of {data['bank']!r}, not {self.bank!r}")
        if not isinstance(data["answers"], dict):
            raise FileProblem(name, "its answers are not a mapping from question to option")
        known = {q.id: q for q in self.questions}
        answers = {}
        for question_id, choice in data["answers"].items():
            if question_id not in known:
                continue
            indices = known[question_id].indices(choice)
            if indices is None:
                raise FileProblem(name, f"its answer to {question_id!r} ({choice!r}) is not one of the options")
            answers[question_id] = stored(indices, known[question_id])
        self.answers = answers
        return self.grade()

    def save(self, path: str | Path | None = None) -> Path:
        """Write the progress to a JSON file the learner can download and keep (default: one file per bank)."""
        return write_json(path or progress_file(self.bank), self.dump())

    def load(self, path: str | Path | None = None) -> Score:
        """Read progress saved by ``save``."""
        path = path or progress_file(self.bank)
        return self.restore(read_json(path), source_name(path))
