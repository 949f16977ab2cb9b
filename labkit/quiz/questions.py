"""Question banks: JSON files next to this module, one per chapter, each question with its explanation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    options: tuple
    answer: int  # index of the right option
    why: str  # the explanation shown after checking, right or wrong

    def is_right(self, choice) -> bool:
        """``choice`` is an option's index or its text."""
        return self.index_of(choice) == self.answer

    def index_of(self, choice) -> int | None:
        if isinstance(choice, int):
            return choice if 0 <= choice < len(self.options) else None
        return self.options.index(choice) if choice in self.options else None


def load_bank(name: str) -> tuple[str, list[Question]]:
    """The title and questions of the bank ``name`` (``race_lab`` reads ``race_lab.json``)."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    questions = [Question(q["id"], q["prompt"], tuple(q["options"]), q["answer"], q["why"]) for q in data["questions"]]
    return data["title"], questions
