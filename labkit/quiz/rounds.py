"""Study-group rounds with files and no server.

1. The facilitator exports a round: ``export_round("round1.json", topics=[...])`` (or the group's weakest
   topics, read from earlier answer files: ``weakest=[...]``) and sends the file round.
2. Each member opens it in their own notebook, answers (``round_widget``), and sends back their answer file.
3. The facilitator loads them all: ``round_results("round1.json", [...files])`` shows, per question, how
   many got it right, the most missed ones with their explanations, each member's score, and a chart.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import html
import io
import itertools
import json
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..race.report import scroll_box
from .files import FileProblem, expect_kind, kind_of, read_json, safe_name, source_name, write_json
from .questions import Question, by_ref, pool
from .render import explanation_html

ROUND_FORMAT = "labkit-round/2"
ANSWERS_FORMAT = "labkit-round-answers/2"
# The results of a round scroll in boxes this tall, so that a round of many questions or members stays one
# screen: each table, and the most missed questions explained (the members' table has the chart beside it).
TABLE_MAX_PX = 200
MISSED_MAX_PX = 360


def content_id(questions) -> str:
    """A round's identity beyond its name: a hash of its questions as asked (text, options and keys), so that
    answers to another round of the same name, or to this one after its questions changed, are recognised."""
    asked = [[q.ref, q.prompt, list(q.options), list(q.keys)] for q in questions]
    return hashlib.sha256(json.dumps(asked, ensure_ascii=False).encode()).hexdigest()[:16]


def _check_format(data: dict, name: str, kind: str, expected: str, fields=()) -> None:
    expect_kind(data, name, kind, ("format",))
    if data["format"] != expected:
        raise FileProblem(name, f"it is in format {data['format']!r}; this lab reads {expected!r} (made by another "
                                "version of the lab: export the round again)")
    expect_kind(data, name, kind, fields)


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

    @property
    def id(self) -> str:
        return content_id(self.questions)

    def dump(self) -> dict:
        return {"format": ROUND_FORMAT, "round": self.name, "id": self.id, "questions": list(self.refs)}

    def save(self, path: str | Path) -> Path:
        return write_json(path, self.dump())

    @classmethod
    def restore(cls, data: dict, name: str = "the round file") -> Round:
        """The round a file holds, checked whole: its name, its questions (all known), and its identity."""
        _check_format(data, name, "a study-group round file", ROUND_FORMAT, ("round", "id", "questions"))
        title, refs = data.get("round"), data.get("questions")
        if not isinstance(title, str) or not title.strip():
            raise FileProblem(name, "it names no round")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            raise FileProblem(name, "it lists no questions")
        if len(set(refs)) != len(refs):
            raise FileProblem(name, "it lists a question twice")
        known = by_ref(pool())
        missing = [r for r in refs if r not in known]
        if missing:
            raise FileProblem(name, f"it names questions this lab does not have: {', '.join(missing)}")
        round_ = cls(title, tuple(refs))
        if data.get("id") != round_.id:
            raise FileProblem(name, "its questions have changed in this lab since the round was exported (its "
                                    "identity does not match them): export the round again")
        return round_

    @classmethod
    def load(cls, source) -> Round:
        return cls.restore(read_json(source), source_name(source))

    def answers_file(self, member: str) -> str:
        """A member's answer file: the round's and the member's names made safe, joined by ``-``."""
        return f"{safe_name(self.name, 'round name')}-{safe_name(member, 'member name')}.json"


def _answers(data: dict, name: str) -> dict:
    """A member's answers, question -> indices, as written (their shape checked, not the round)."""
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise FileProblem(name, "it holds no answers (a mapping from question to options)")
    for ref, choice in answers.items():
        if not (isinstance(choice, list) and choice and all(isinstance(i, int) and not isinstance(i, bool)
                                                            for i in choice)):
            raise FileProblem(name, f"its answer to {ref} ({choice!r}) is not a list of option numbers")
    return answers


def topic_shares(answer_files) -> dict[str, float]:
    """Per topic, the share of right answers in members' answer files (what ``weakest`` ranks)."""
    known = by_ref(pool())
    counts: dict[str, list[int]] = {}
    for source in answer_files:
        data = source if isinstance(source, dict) else read_json(source)
        name = "an answer file" if isinstance(source, dict) else source_name(source)
        _check_format(data, name, "a member's answers to a study-group round", ANSWERS_FORMAT)
        for ref, choice in _answers(data, name).items():
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
        shares = topic_shares(weakest)  # every file checked before anything is written
        ranked = sorted(shares, key=lambda t: (shares[t], t))
        topics = [t for t in ranked if shares[t] < 1][:2] or ranked[:2]
        asked |= {ref for source in weakest for ref in read_json(source).get("answers", {})}
    if topics:
        candidates = [q for q in candidates if q.topic in set(topics)]
    fresh = [q for q in candidates if q.ref not in asked] or candidates
    shuffled = random.Random(seed).sample(fresh, len(fresh))
    if topics:  # in turn from each topic, so that a round on two topics holds both (a draw from all may not)
        by_topic = {topic: [q for q in shuffled if q.topic == topic] for topic in dict.fromkeys(topics)}
        shuffled = [q for turn in itertools.zip_longest(*by_topic.values()) for q in turn if q]
    chosen = shuffled[:questions]
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
    saved: str = ""  # when the file was written (UTC, ISO 8601): of a member's two files, the newer counts

    def answer(self, question: Question, choice) -> None:
        indices = question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of {question.ref}")
        self.answers[question.ref] = list(indices)

    def dump(self) -> dict:
        return {"format": ANSWERS_FORMAT, "round": self.round.name, "id": self.round.id, "member": self.member,
                "saved": self.saved or datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "answers": self.answers}

    def save(self, path: str | Path | None = None) -> Path:
        return write_json(path or self.round.answers_file(self.member), self.dump())

    @classmethod
    def restore(cls, round_: Round, data: dict, name: str = "the answer file") -> MemberAnswers:
        """A member's answers to ``round_``, checked whole: the round by name and identity, the member, every answer."""
        if kind_of(data) == "a study-group round file":
            raise FileProblem(name, "this is the round file itself, not a member's answers")
        _check_format(data, name, "a member's answers to a study-group round", ANSWERS_FORMAT,
                      ("round", "id", "member", "saved", "answers"))
        if data.get("round") != round_.name:
            raise FileProblem(name, f"it answers round {data.get('round')!r}, not {round_.name!r}")
        if data.get("id") != round_.id:
            raise FileProblem(name, f"it answers another round named {round_.name!r} (its questions differ from "
                                    "this round file's)")
        member = data.get("member")
        if not isinstance(member, str) or not member.strip():
            raise FileProblem(name, "it names no member")
        saved = data.get("saved")
        try:
            if datetime.fromisoformat(saved).tzinfo is None:
                raise ValueError
        except (TypeError, ValueError):
            raise FileProblem(name, f"its time of saving ({saved!r}) is not a date and time with a zone") from None
        known = by_ref(round_.questions)
        answers = {}
        for ref, choice in _answers(data, name).items():
            if ref not in known:
                raise FileProblem(name, f"it answers {ref}, which is not in round {round_.name!r}")
            indices = known[ref].indices(choice)
            if indices is None:
                raise FileProblem(name, f"its answer to {ref} ({choice!r}) is not among the options")
            answers[ref] = list(indices)
        return cls(round_, member.strip(), answers, saved)


# -- the facilitator's view ------------------------------------------------------------------------

class RoundResults:
    """Every member's answers to one round: tables, the most missed questions explained, and a chart.

    Built from files with ``collect``: each is checked on its own, so that a broken one is named in
    ``problems`` and left out while the others count; a member's second file replaces the older one.
    """

    def __init__(self, round_: Round, members: list[MemberAnswers], problems=()):
        self.round = round_
        self.members = [(m.member, m.answers) for m in members]
        self.problems = list(problems)

    @classmethod
    def collect(cls, round_: Round, files) -> RoundResults:
        """``files``: (name, source) pairs, a source being a path, bytes from an upload, or the data itself."""
        problems, newest = [], {}
        for name, source in files:
            try:
                data = source if isinstance(source, dict) else read_json(source, name)
                given = MemberAnswers.restore(round_, data, name)
            except FileProblem as problem:
                problems.append(f"{problem}: left out.")
                continue
            if given.member in newest:
                kept_name, kept = newest[given.member]
                older, newer = sorted([(kept.saved, kept_name), (given.saved, name)])
                problems.append(f"{given.member} sent two answer files: {newer[1]} (saved {newer[0]}) counts, "
                                f"the older {older[1]} (saved {older[0]}) is left out.")
                if given.saved < kept.saved:
                    continue
            newest[given.member] = (name, given)
        return cls(round_, [given for _, given in newest.values()], problems)

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

    def problems_html(self) -> str:
        if not self.problems:
            return ""
        items = "".join(f"<li>{html.escape(p)}</li>" for p in self.problems)
        return (f"<div class='labkit-round-problems' style='border-left:4px solid #f9a825;padding-left:8px'>"
                f"<b>Not every file counted:</b><ul>{items}</ul></div>")

    def _repr_html_(self) -> str:
        if not self.members:
            return (f"<div class='labkit-round-results'><h4>Round {html.escape(self.round.name)}</h4>"
                    f"{self.problems_html()}<p>No member's answers to show.</p></div>")
        image = base64.b64encode(self.chart()._repr_png_()).decode()
        missed = "".join(
            f"<div class='labkit-round-missed'><p><b>{html.escape(q.ref)}</b>: missed by {n} of {len(self.members)}. "
            f"{html.escape(q.prompt)}</p>{explanation_html(q, None, verdict=False)}</div>"
            for q, n in self.most_missed())
        if missed:
            missed = scroll_box(missed, MISSED_MAX_PX, "labkit-round-missed-box")
        return (f"<div class='labkit-round-results'><h4>Round {html.escape(self.round.name)}</h4>{self.problems_html()}"
                f"{scroll_box(self.per_question().to_html(index=False), TABLE_MAX_PX, 'labkit-round-questions-box')}"
                # the members and the chart side by side (one above the other on a narrow page)
                "<div style='display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start'>"
                "<div><h4>By member</h4>"
                f"{scroll_box(self.per_member().to_html(index=False), TABLE_MAX_PX, 'labkit-round-members-box')}</div>"
                f"<img alt='members right per question' src='data:image/png;base64,{image}'></div><h4>Most missed</h4>"
                f"{missed or '<p>Nobody missed anything.</p>'}</div>")


def round_results(round_source, answer_sources) -> RoundResults:
    """The results of a round from its file and the members' answer files: paths, or a pattern such as
    ``"round1-*.json"`` (absolute or relative). Files that cannot count are named in ``problems``."""
    round_ = Round.load(round_source)
    if isinstance(answer_sources, (str, Path)):
        pattern = str(answer_sources)
        answer_sources = sorted(glob.glob(pattern))
        if not answer_sources:
            results = RoundResults(round_, [])
            results.problems.append(f"No file matches {pattern}.")
            return results
    return RoundResults.collect(round_, [(source_name(s), s) for s in answer_sources])
