"""A scored quiz: answers in, score out, progress kept in a JSON file (Binder keeps nothing after a session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from .questions import Question, load_bank


class Score(NamedTuple):
    correct: int
    total: int

    def __str__(self) -> str:
        return f"Score: {self.correct} / {self.total}"


class Quiz:
    """A bank's questions and the learner's answers so far (question id -> option index)."""

    def __init__(self, bank: str = "race_lab"):
        self.bank = bank
        self.title, self.questions = load_bank(bank)
        self.answers: dict[str, int] = {}

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"no question {question_id!r} in {self.bank}")

    def answer(self, question_id: str, choice) -> bool:
        """Record an answer (an option's index or text) and say whether it is right."""
        question = self.question(question_id)
        index = question.index_of(choice)
        if index is None:
            raise ValueError(f"{choice!r} is not an option of {question_id!r}")
        self.answers[question_id] = index
        return question.is_right(index)

    def grade(self, answers: dict | None = None) -> Score:
        """The score of ``answers`` (default: the answers recorded so far) over all the questions."""
        answers = self.answers if answers is None else answers
        right = sum(q.is_right(answers[q.id]) for q in self.questions if q.id in answers)
        return Score(right, len(self.questions))

    def missed(self) -> list[Question]:
        """Questions not yet answered right: the ones to come back to."""
        return [q for q in self.questions if not (q.id in self.answers and q.is_right(self.answers[q.id]))]

    def save(self, path: str | Path) -> Path:
        """Write the progress to a JSON file the learner can download and keep."""
        path = Path(path)
        path.write_text(json.dumps({"bank": self.bank, "answers": self.answers}, indent=1), encoding="utf-8")
        return path

    def load(self, path: str | Path) -> Score:
        """Read progress saved by ``save`` (answers to questions this bank no longer has are dropped)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("bank") != self.bank:
            raise ValueError(f"{path} holds progress for {data.get('bank')!r}, not {self.bank!r}")
        known = {q.id: q for q in self.questions}
        self.answers = {k: v for k, v in data["answers"].items() if k in known and known[k].index_of(v) is not None}
        return self.grade()
