"""A learner's progress across every bank: each answer kept, and py-fsrs deciding when each question returns.

One JSON file per learner holds it all (``<learner>_exam_progress.json``), so that it can be downloaded
from Binder and loaded back next time. A question answered wrong is rated ``Again`` and comes back within
minutes; one answered right is rated ``Good`` and comes back later and later. ``next_questions`` serves
the missed ones first, then the others that are due, then questions never seen.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card, Rating, Scheduler

from .files import read_json, write_json
from .questions import EXAM_BANK, CHAPTERS, Question, by_ref, chapter_notebook, pool
from .quiz import PASS_MARK, progress_file, stored

FORMAT = 1


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def learner_file(learner: str) -> str:
    return f"{learner}_exam_progress.json"


class Progress:
    """Every answer of one learner, and an FSRS card per question answered."""

    def __init__(self, learner: str = "me", *, questions=None, clock=now_utc):
        self.learner = learner
        self.questions = list(questions) if questions is not None else pool()
        self.by_ref = by_ref(self.questions)
        self.clock = clock
        self.scheduler = Scheduler(enable_fuzzing=False)  # the same answers always give the same schedule
        self.records: dict[str, dict] = {}  # ref -> {"card": Card.to_dict(), "answers": [...]}

    # -- answering ---------------------------------------------------------------------------------

    def record(self, question: Question, choice, at: datetime | None = None) -> bool:
        """Keep one answer and let FSRS schedule the question's return; say whether it was right."""
        indices = question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of {question.ref}")
        at = at or self.clock()
        right = question.is_right(indices)
        entry = self.records.setdefault(question.ref, {"answers": []})
        card = Card.from_dict(entry["card"]) if "card" in entry else Card()
        card, _ = self.scheduler.review_card(card, Rating.Good if right else Rating.Again, review_datetime=at)
        entry["card"] = card.to_dict()
        entry["answers"].append({"at": at.isoformat(), "choice": stored(indices, question), "right": right})
        return right

    def last_right(self, ref: str) -> bool | None:
        entry = self.records.get(ref)
        return entry["answers"][-1]["right"] if entry and entry["answers"] else None

    def due_at(self, ref: str) -> datetime | None:
        entry = self.records.get(ref)
        return Card.from_dict(entry["card"]).due if entry and "card" in entry else None

    # -- what comes next ---------------------------------------------------------------------------

    def next_questions(self, count: int | None = None, *, at: datetime | None = None, topic: str | None = None,
                       bank: str | None = None) -> list[Question]:
        """Questions to practise now: missed ones that are due (earliest first), then other due ones, then new."""
        at = at or self.clock()
        chosen = [q for q in self.questions if (topic is None or q.topic == topic) and (bank is None or q.bank == bank)
                  and q.topic != "exam-method"]
        due = [q for q in chosen if q.ref in self.records and self.due_at(q.ref) <= at]
        due.sort(key=lambda q: (self.last_right(q.ref), self.due_at(q.ref)))  # False (missed) sorts first
        new = [q for q in chosen if q.ref not in self.records]
        order = due + new
        return order if count is None else order[:count]

    def due_today(self, at: datetime | None = None) -> list[Question]:
        """Questions answered before whose review falls before the end of this (UTC) day."""
        at = at or self.clock()
        end = at.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return [self.by_ref[r] for r in self.records if r in self.by_ref and self.due_at(r) < end]

    # -- tables ------------------------------------------------------------------------------------

    def table(self, at: datetime | None = None):
        """One row per bank: the chapter, how many questions are right (last answer), passed at 60%, due today."""
        import pandas as pd

        due = {q.ref for q in self.due_today(at)}
        rows = []
        for bank in dict.fromkeys(q.bank for q in self.questions):
            questions = [q for q in self.questions if q.bank == bank]
            right = sum(self.last_right(q.ref) is True for q in questions)
            rows.append({"chapter": chapter_notebook(bank) if bank in CHAPTERS else "exam bank" if bank == EXAM_BANK else bank,
                         "bank": bank, "questions": len(questions),
                         "answered": sum(q.ref in self.records for q in questions), "right": right,
                         "score": f"{right / len(questions):.0%}",
                         "check passed": right >= PASS_MARK * len(questions),
                         "due today": sum(q.ref in due for q in questions)})
        return pd.DataFrame(rows)

    # -- the file ----------------------------------------------------------------------------------

    def dump(self) -> dict:
        return {"format": FORMAT, "learner": self.learner, "records": self.records}

    def restore(self, data: dict) -> str:
        if "records" not in data:
            raise ValueError("this is not an exam-prep progress file (no records)")
        self.learner = data.get("learner", self.learner)
        self.records = {ref: entry for ref, entry in data["records"].items() if ref in self.by_ref}
        return f"Loaded {len(self.records)} questions' progress for {self.learner}."

    def save(self, path: str | Path | None = None) -> Path:
        return write_json(path or learner_file(self.learner), self.dump())

    @classmethod
    def load(cls, path: str | Path, **options) -> Progress:
        progress = cls(**options)
        progress.restore(read_json(path))
        return progress

    def absorb_chapter_files(self, folder: str | Path = ".") -> int:
        """Take in the answers each chapter's check saved (``<bank>_progress.json``) for questions not yet here."""
        taken = 0
        for bank in dict.fromkeys(q.bank for q in self.questions):
            path = Path(folder) / progress_file(bank)
            if not path.exists():
                continue
            answers = read_json(path).get("answers", {})
            for question_id, choice in answers.items():
                question = self.by_ref.get(f"{bank}/{question_id}")
                if question and question.ref not in self.records and question.indices(choice) is not None:
                    self.record(question, choice)
                    taken += 1
        return taken
