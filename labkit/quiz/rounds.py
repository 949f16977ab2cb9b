"""Study-group rounds with files and no server.

1. The facilitator exports a round: ``export_round("round1.json", topics=[...])`` (or the group's weakest
   topics, read from earlier answer files: ``weakest=[...]``) and sends the file round.
2. Each member opens it in their own notebook, answers (``round_widget``), and sends back their answer file.
3. The facilitator loads them all: ``round_results("round1.json", [...files])`` shows, per question, how
   many got it right, the most missed ones with their explanations, each member's score, and a chart.
"""

from __future__ import annotations

import base64
import html
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

from .files import read_json, write_json
from .questions import Question, by_ref, pool
from .render import explanation_html

ROUND_FORMAT = "labkit-round/1"
ANSWERS_FORMAT = "labkit-round-answers/1"


@dataclass(frozen=True)
class Round:
    name: str
    refs: tuple  # the questions, in the order members see them

    @property
    def questions(self) -> list[Question]:
        known = by_ref(pool())
        missing = [r for r in self.refs if r not in known]
        if missing:
            raise ValueError(f"round {self.name!r} names questions this labkit does not have: {', '.join(missing)}")
        return [known[r] for r in self.refs]

    def dump(self) -> dict:
        return {"format": ROUND_FORMAT, "round": self.name, "questions": list(self.refs)}

    def save(self, path: str | Path) -> Path:
        return write_json(path, self.dump())

    @classmethod
    def restore(cls, data: dict) -> Round:
        if data.get("format") != ROUND_FORMAT:
            raise ValueError("this is not a study-group round file")
        return cls(data["round"], tuple(data["questions"]))

    @classmethod
    def load(cls, source) -> Round:
        return cls.restore(read_json(source))

    def answers_file(self, member: str) -> str:
        return f"{_slug(self.name)}-{_slug(member)}.json"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "member"


def topic_shares(answer_files) -> dict[str, float]:
    """Per topic, the share of right answers in members' answer files (what ``weakest`` ranks)."""
    known = by_ref(pool())
    counts: dict[str, list[int]] = {}
    for source in answer_files:
        data = read_json(source) if not isinstance(source, dict) else source
        for ref, choice in data.get("answers", {}).items():
            if ref in known:
                tally = counts.setdefault(known[ref].topic, [0, 0])
                tally[0] += known[ref].is_right(choice)
                tally[1] += 1
    return {topic: right / total for topic, (right, total) in counts.items()}


def export_round(path: str | Path, *, name: str | None = None, topics=None, weakest=None, questions: int = 10,
                 seed: int = 0, exclude=()) -> Round:
    """Write a round of ``questions`` questions, from ``topics`` or from the group's weakest topics in ``weakest``
    (members' answer files of earlier rounds); questions already asked (``exclude``, or those files') are skipped."""
    candidates = [q for q in pool() if q.topic != "exam-method"]
    asked = set(exclude)
    if weakest:  # the two weakest topics among those someone missed (the two weakest, if nobody missed)
        shares = topic_shares(weakest)
        ranked = sorted(shares, key=lambda t: (shares[t], t))
        topics = [t for t in ranked if shares[t] < 1][:2] or ranked[:2]
        asked |= {ref for source in weakest for ref in read_json(source).get("answers", {})}
    if topics:
        candidates = [q for q in candidates if q.topic in set(topics)]
    fresh = [q for q in candidates if q.ref not in asked] or candidates
    chosen = random.Random(seed).sample(fresh, min(questions, len(fresh)))
    round_ = Round(name or Path(path).stem, tuple(q.ref for q in chosen))
    round_.save(path)
    return round_


@dataclass(frozen=True)
class Chart:
    """A matplotlib figure that a notebook shows as a picture (without pyplot's global state)."""

    figure: object

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()


# -- a member's answers ------------------------------------------------------------------------------

@dataclass
class MemberAnswers:
    round: Round
    member: str
    answers: dict  # ref -> [indices]

    def answer(self, question: Question, choice) -> None:
        indices = question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of {question.ref}")
        self.answers[question.ref] = list(indices)

    def dump(self) -> dict:
        return {"format": ANSWERS_FORMAT, "round": self.round.name, "member": self.member, "answers": self.answers}

    def save(self, path: str | Path | None = None) -> Path:
        return write_json(path or self.round.answers_file(self.member), self.dump())


# -- the facilitator's view ------------------------------------------------------------------------

class RoundResults:
    """Every member's answers to one round: tables, the most missed questions explained, and a chart."""

    def __init__(self, round_: Round, answer_data: list[dict]):
        self.round = round_
        self.members = []
        for number, data in enumerate(answer_data, 1):
            if data.get("format") != ANSWERS_FORMAT or data.get("round") != round_.name:
                raise ValueError(f"answer file {number} is not for round {round_.name!r}")
            self.members.append((data.get("member") or f"member {number}", data["answers"]))

    def per_question(self):
        import pandas as pd

        rows = []
        for number, question in enumerate(self.round.questions, 1):
            answered = [a[question.ref] for _, a in self.members if question.ref in a]
            rows.append({"#": number, "question": question.ref, "topic": question.topic,
                         "right": sum(question.is_right(a) for a in answered), "answered": len(answered),
                         "members": len(self.members)})
        return pd.DataFrame(rows)

    def per_member(self):
        import pandas as pd

        questions = self.round.questions
        rows = [{"member": member, "right": sum(q.ref in a and q.is_right(a[q.ref]) for q in questions),
                 "answered": sum(q.ref in a for q in questions), "questions": len(questions)}
                for member, a in self.members]
        return pd.DataFrame(rows)

    def most_missed(self, count: int = 3) -> list[tuple[Question, int]]:
        """The questions the fewest members got right (only those someone missed), with how many missed them."""
        frame = self.per_question()
        frame["missed"] = frame["members"] - frame["right"]
        frame = frame[frame["missed"] > 0].sort_values(["missed", "#"], ascending=[False, True]).head(count)
        known = by_ref(self.round.questions)
        return [(known[ref], int(missed)) for ref, missed in zip(frame["question"], frame["missed"])]

    def chart(self) -> Chart:
        """A bar per question: how many members got it right."""
        from matplotlib.figure import Figure  # no pyplot: nothing global changes, nothing left open

        frame = self.per_question()
        figure = Figure(figsize=(max(4, 0.6 * len(frame)), 2.6))
        axes = figure.subplots()
        colours = ["#2e7d32" if r == len(self.members) else "#c62828" if r == 0 else "#f9a825" for r in frame["right"]]
        axes.bar(frame["#"].astype(str), frame["right"], color=colours)
        axes.set_ylim(0, max(1, len(self.members)))
        axes.set_xlabel("question")
        axes.set_ylabel("members right")
        axes.set_title(f"Round {self.round.name}: {len(self.members)} members")
        figure.tight_layout()
        return Chart(figure)

    def _repr_html_(self) -> str:
        image = base64.b64encode(self.chart()._repr_png_()).decode()
        missed = "".join(
            f"<div class='labkit-round-missed'><p><b>{html.escape(q.ref)}</b>: missed by {n} of {len(self.members)}. "
            f"{html.escape(q.prompt)}</p>{explanation_html(q, None, verdict=False)}</div>"
            for q, n in self.most_missed())
        return (f"<div class='labkit-round-results'><h4>Round {html.escape(self.round.name)}</h4>"
                f"{self.per_question().to_html(index=False)}<h4>By member</h4>{self.per_member().to_html(index=False)}"
                f"<h4>Most missed</h4>{missed or '<p>Nobody missed anything.</p>'}"
                f"<img alt='members right per question' src='data:image/png;base64,{image}'></div>")


def round_results(round_source, answer_sources) -> RoundResults:
    """The results of a round from its file and the members' answer files (paths, or bytes from an upload)."""
    round_ = Round.load(round_source)
    if isinstance(answer_sources, (str, Path)):
        answer_sources = sorted(Path().glob(str(answer_sources)))
    return RoundResults(round_, [read_json(s) for s in answer_sources])
