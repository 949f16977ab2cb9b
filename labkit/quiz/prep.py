"""The exam-prep surfaces as widgets: practice one question at a time (spaced repetition), a timed mock
exam, a study-group member's round, and the facilitator's results."""

from __future__ import annotations

import html

import ipywidgets as widgets

from .exam import SCALE_NOTE, MockExam
from .files import download_link, read_json, uploads
from .progress import Progress, learner_file
from .rounds import MemberAnswers, Round, RoundResults
from .render import explanation_html
from .widget import FileControls, QuestionPanel
from ..views.saved import PlainWhenSaved

PRACTICE_CLASS = "labkit-practice"
EXAM_CLASS = "labkit-exam"
EXAM_QUESTION_CLASS = "labkit-exam-question"
EXAM_SCORE_CLASS = "labkit-exam-score"


def _button(label: str, css: str, action) -> widgets.Button:
    button = widgets.Button(description=label)
    button.add_class(css)
    button.on_click(lambda _: action())
    return button


class PracticeWidget(PlainWhenSaved, widgets.VBox):
    """One question at a time, in the order the learner's spaced-repetition schedule gives: missed ones first."""

    saved_text = "Run this cell to practise."

    def __init__(self, progress: Progress | None = None, *, topic: str | None = None, bank: str | None = None):
        self.progress = progress or Progress()
        self.topic, self.bank = topic, bank
        self.header = widgets.HTML()
        self.area = widgets.VBox()
        self.next_button = _button("Next question", "labkit-practice-next", self.next)
        self.table = widgets.HTML()
        self.files = FileControls(learner_file(self.progress.learner), self.progress.dump, self._restore)
        self.panel: QuestionPanel | None = None
        super().__init__([self.header, self.area, self.next_button, self.table, self.files])
        self.add_class(PRACTICE_CLASS)
        self.next()

    @property
    def question(self):
        return self.panel.question if self.panel else None

    def next(self) -> None:
        """Show the next question the schedule wants (not the one just answered)."""
        current = self.question.ref if self.question else None
        queue = [q for q in self.progress.next_questions(topic=self.topic, bank=self.bank) if q.ref != current]
        if not queue:
            self.panel = None
            self.area.children = [widgets.HTML("<p>Nothing is due now: every question you answered comes back when "
                                               "its review falls due. Save your progress and come back later.</p>")]
        else:
            self.panel = QuestionPanel(queue[0], on_check=self._checked, css="labkit-practice-question")
            self.area.children = [self.panel]
        self._refresh()

    def answer(self, choice) -> bool | None:
        """Choose and check, as a learner clicking would."""
        self.panel.choice.index = choice
        return self.panel.check()

    def _checked(self, question, indices, right) -> None:
        self.progress.record(question, indices)
        self._refresh()

    def _refresh(self) -> None:
        due = len(self.progress.due_today())
        new = sum(q.ref not in self.progress.records for q in self.progress.next_questions(topic=self.topic, bank=self.bank))
        where = self.question.ref if self.question else "-"
        self.header.value = (f"<b>Practice</b> · question <code>{html.escape(where)}</code> · due today: {due} · "
                             f"never seen: {new}")
        self.table.value = "<h4>Progress by chapter</h4>" + self.progress.table().to_html(index=False)

    def _restore(self, data: dict) -> str:
        said = self.progress.restore(data)
        self.next()
        return said


class MockExamWidget(PlainWhenSaved, widgets.VBox):
    """The mock exam one question at a time, with Previous / Next / Finish and the time left."""

    saved_text = "Run this cell to get the mock exam."

    def __init__(self, exam: MockExam | None = None, *, feedback: str = "end", progress: Progress | None = None,
                 seed: int | None = None):
        if feedback not in ("end", "immediate"):
            raise ValueError("feedback is 'end' (after Finish) or 'immediate' (after each Check)")
        self.exam = exam or MockExam(seed=seed)
        self.immediate, self.progress = feedback == "immediate", progress
        self.position = 0
        self.panels: dict[int, QuestionPanel] = {}
        self.header = widgets.HTML()
        self.area = widgets.VBox()
        self.previous_button = _button("Previous", "labkit-exam-previous", lambda: self.go(self.position - 1))
        self.next_button = _button("Next", "labkit-exam-next", lambda: self.go(self.position + 1))
        self.finish_button = _button("Finish", "labkit-exam-finish", self.finish)
        self.score = widgets.HTML()
        self.score.add_class(EXAM_SCORE_CLASS)
        self.review = widgets.HTML()
        note = widgets.HTML(f"<p style='color:#555'>{len(self.exam.questions)} questions, {self.exam.minutes:g} "
                            f"minutes, feedback {'after each Check' if self.immediate else 'at the end'}. "
                            f"{html.escape(SCALE_NOTE)}</p>")
        super().__init__([note, self.header, self.area,
                          widgets.HBox([self.previous_button, self.next_button, self.finish_button]),
                          self.score, self.review])
        self.add_class(EXAM_CLASS)
        self.go(0)

    def panel(self, position: int) -> QuestionPanel:
        if position not in self.panels:
            question = self.exam.questions[position]
            self.panels[position] = QuestionPanel(question, f"{position + 1}.", immediate=self.immediate,
                                                  on_check=lambda q, i, r: self._keep(q, i), css=EXAM_QUESTION_CLASS,
                                                  check_label="Check" if self.immediate else "Answer")
        return self.panels[position]

    def _keep(self, question, indices) -> None:
        if self.exam.over:
            self.finish()
            return
        self.exam.answer(question, indices)
        self._refresh_header()

    def _keep_current(self) -> None:
        panel = self.panels.get(self.position)
        if panel is not None and panel.indices is not None and not self.exam.over:
            self.exam.answer(panel.question, panel.indices)

    def go(self, position: int) -> None:
        if self.exam.finished_at is not None:
            return
        self._keep_current()
        if self.exam.over:
            self.finish()
            return
        self.position = max(0, min(position, len(self.exam.questions) - 1))
        self.area.children = [self.panel(self.position)]
        self._refresh_header()

    def choose(self, choice) -> None:
        """Select options of the current question, as a learner clicking would (kept on Next or Finish)."""
        self.panel(self.position).choice.index = choice

    def _refresh_header(self) -> None:
        question = self.exam.questions[self.position]
        left = self.exam.remaining()
        self.header.value = (f"<b>Question {self.position + 1} of {len(self.exam.questions)}</b> · "
                             f"{html.escape(question.topic)} · <code class='labkit-exam-ref'>{html.escape(question.ref)}"
                             f"</code> · answered {len(self.exam.answers)} · time left {int(left // 60)} min "
                             f"{int(left % 60):02d} s (updated as you move)")

    def finish(self):
        """Score the exam and show the result, the topics and every missed question explained."""
        if self.exam.finished_at is None:
            self._keep_current()
        result = self.exam.finish()
        colour = "#2e7d32" if result.passed else "#c62828"
        self.score.value = (f"<p style='font-size:1.2em;color:{colour}'><b>{html.escape(result.headline())}</b></p>"
                            f"<p style='color:#555'>{html.escape(SCALE_NOTE)}</p>")
        missed = "".join(f"<div><p><b>{html.escape(q.ref)}</b>: {html.escape(q.prompt)}</p>"
                         f"{explanation_html(q, self.exam.answers.get(q.ref))}</div>" for q in result.missed)
        self.review.value = (f"<h4>By topic</h4>{result.by_topic.to_html(index=False)}"
                             f"<h4>To review ({len(result.missed)})</h4>{missed}")
        for button in (self.previous_button, self.next_button, self.finish_button):
            button.disabled = True
        for panel in self.panels.values():
            panel.reveal(self.exam.answers.get(panel.question.ref))
        if self.progress is not None:
            for question in self.exam.questions:
                if question.ref in self.exam.answers:
                    self.progress.record(question, self.exam.answers[question.ref])
        return result


class RoundWidget(PlainWhenSaved, widgets.VBox):
    """A member's side of a study-group round: answer every question, then save and send the answer file."""

    saved_text = "Run this cell to answer the round."

    def __init__(self, round_: Round, member: str = ""):
        self.round = round_
        self.member = widgets.Text(value=member, description="your name")
        self.panels = [QuestionPanel(q, f"{n}.", immediate=False, css="labkit-round-question", check_label="Answer")
                       for n, q in enumerate(round_.questions, 1)]
        self.save_button = _button("Save my answers", "labkit-round-save", self.save)
        self.status = widgets.HTML()
        super().__init__([widgets.HTML(f"<h4>Round {html.escape(round_.name)}</h4>"), self.member, *self.panels,
                          self.save_button, self.status])

    def answers(self) -> MemberAnswers:
        given = MemberAnswers(self.round, self.member.value.strip() or "anonymous", {})
        for panel in self.panels:
            if panel.indices is not None:
                given.answer(panel.question, panel.indices)
        return given

    def save(self):
        given = self.answers()
        path = given.save()
        for panel in self.panels:
            panel.reveal()
        self.status.value = (f"Saved {len(given.answers)} answers to <code>{html.escape(str(path))}</code>: "
                             f"{download_link(path.name, given.dump())} and send it to your facilitator.")
        return path


class FacilitatorWidget(PlainWhenSaved, widgets.VBox):
    """Load the members' answer files (upload them, or name them) and see the round's results."""

    saved_text = "Run this cell to load the round's answers."

    def __init__(self, round_source):
        self.round = Round.load(round_source)
        self.upload = widgets.FileUpload(accept=".json", multiple=True, description="Answer files")
        self.upload.observe(lambda _: self.show([read_json(c) for _, c in uploads(self.upload)]), names="value")
        self.results = widgets.HTML(f"<p>Round {html.escape(self.round.name)}: upload the members' answer files.</p>")
        super().__init__([self.upload, self.results])

    def show(self, answer_data: list[dict]) -> RoundResults:
        results = RoundResults(self.round, answer_data)
        self.results.value = results._repr_html_()
        return results


def practice(learner: str = "me", **options) -> PracticeWidget:
    return PracticeWidget(Progress(learner), **options)


def mock_exam(seed: int | None = None, **options) -> MockExamWidget:
    return MockExamWidget(seed=seed, **options)


def round_widget(round_source, member: str = "") -> RoundWidget:
    return RoundWidget(Round.load(round_source), member)


def facilitator(round_source) -> FacilitatorWidget:
    return FacilitatorWidget(round_source)


__all__ = ["FacilitatorWidget", "MockExamWidget", "PracticeWidget", "RoundWidget", "facilitator",
           "mock_exam", "practice", "round_widget"]
