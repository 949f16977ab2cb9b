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

from .files import FileProblem, expect_kind, read_json, safe_name, source_name, write_json
from .questions import EXAM_BANK, CHAPTERS, Question, by_ref, chapter_notebook, pool
from .quiz import PASS_MARK, Quiz, progress_file, stored

FORMAT = 1


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def learner_file(learner: str) -> str:
    """The learner's progress file, in the working folder whatever the name (see ``safe_name``)."""
    return f"{safe_name(learner, 'learner name')}_exam_progress.json"


def _moment(text, name: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise FileProblem(name, f"{where}: {text!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise FileProblem(name, f"{where}: {text!r} has no time zone")
    return moment


def _is_index(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class Progress:
    """Every answer of one learner, and an FSRS card per question answered."""

    def __init__(self, learner: str = "me", *, questions=None, clock=now_utc):
        learner_file(learner)  # a name that cannot be a file name is refused now, not at the first save
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

    def _checked_records(self, data: dict, name: str) -> tuple[dict, int]:
        """The file's records, each checked as the scheduler will use it, and how many name unknown questions."""
        records = data["records"]
        if not isinstance(records, dict):
            raise FileProblem(name, f"its records are a JSON {type(records).__name__}, not a mapping from question "
                                    "to record")
        kept, unknown = {}, 0
        for ref, entry in records.items():
            if ref not in self.by_ref:
                unknown += 1
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("card"), dict):
                raise FileProblem(name, f"the record of {ref} has no card (the schedule of its reviews)")
            if not isinstance(entry.get("answers"), list) or not entry["answers"]:
                raise FileProblem(name, f"the record of {ref} has no answers")
            try:
                card = Card.from_dict(entry["card"])
                self.scheduler.review_card(card, Rating.Good, review_datetime=card.due)
            except Exception as error:  # noqa: BLE001 - whatever py-fsrs trips on, the card is unusable
                raise FileProblem(name, f"the card of {ref} is not one the scheduler can read "
                                        f"({type(error).__name__}: {error})") from None
            for number, answer in enumerate(entry["answers"], 1):
                where = f"answer {number} to {ref}"
                if not isinstance(answer, dict) or not {"at", "choice", "right"} <= set(answer):
                    raise FileProblem(name, f"{where} lacks its time, choice or verdict")
                _moment(answer["at"], name, where)
                choice = answer["choice"]  # kept as history: its verdict, not its option, drives the schedule
                if not (_is_index(choice) or (isinstance(choice, list) and choice and all(map(_is_index, choice)))):
                    raise FileProblem(name, f"{where}: {choice!r} is not an option number")
                if not isinstance(answer["right"], bool):
                    raise FileProblem(name, f"{where}: {answer['right']!r} is not true or false")
            kept[ref] = entry
        return kept, unknown

    def restore(self, data: dict, name: str = "the file", *, any_learner: bool = False) -> str:
        """Take back a saved progress, checked whole first: on ``FileProblem`` nothing here changes.

        Another learner's file is refused unless ``any_learner`` (what ``load`` does): loading it would
        replace this learner's answers with theirs.
        """
        expect_kind(data, name, "a learner's exam-prep progress", ("format", "learner", "records"))
        if data.get("format") != FORMAT:
            raise FileProblem(name, f"it is in format {data.get('format')!r}; this labkit reads format {FORMAT} "
                                    "(a file from another version of the lab?)")
        learner = data["learner"]
        if not isinstance(learner, str) or not learner.strip():
            raise FileProblem(name, "it names no learner")
        try:
            learner_file(learner)
        except ValueError as error:
            raise FileProblem(name, f"its learner's name cannot be used: {error}") from None
        if learner != self.learner and not any_learner:
            raise FileProblem(name, f"it holds {learner}'s progress, not {self.learner}'s; to continue as "
                                    f"{learner}, run practice({learner!r}) and load it there")
        records, unknown = self._checked_records(data, name)
        self.learner, self.records = learner, records
        dropped = f" ({unknown} records of questions this lab no longer has were left out)" if unknown else ""
        return f"Loaded {len(self.records)} questions' progress for {self.learner}{dropped}."

    def save(self, path: str | Path | None = None) -> Path:
        return write_json(path or learner_file(self.learner), self.dump())

    @classmethod
    def load(cls, path: str | Path, **options) -> Progress:
        progress = cls(**options)
        progress.restore(read_json(path), source_name(path), any_learner=True)
        return progress

    def absorb_chapter_files(self, folder: str | Path = ".") -> int:
        """Take in the answers each chapter's check saved (``<bank>_progress.json``) for questions not yet here."""
        found = []
        for bank in dict.fromkeys(q.bank for q in self.questions if q.bank != EXAM_BANK):
            path = Path(folder) / progress_file(bank)
            if path.exists():
                quiz = Quiz(bank)
                quiz.restore(read_json(path), path.name)  # every file checked before any answer is taken
                found.append((bank, quiz.answers))
        taken = 0
        for bank, answers in found:
            for question_id, choice in answers.items():
                question = self.by_ref.get(f"{bank}/{question_id}")
                if question and question.ref not in self.records and question.indices(choice) is not None:
                    self.record(question, choice)
                    taken += 1
        return taken
