"""The exam-prep surfaces as widgets: practice one question at a time (spaced repetition), a timed mock
exam, a study-group member's round, and the facilitator's results."""

from __future__ import annotations

import html
import random

import ipywidgets as widgets

from .exam import EXAM_QUESTIONS, SCALE_NOTE, SCOPE_NOTE, MockExam, exam_pool, one_per_group
from .files import download_link, uploads
from .progress import Progress, learner_file
from .questions import EXAM_BANK, chapter_notebook
from .rounds import MemberAnswers, Round, RoundResults
from .render import explanation_html
from .widget import FileControls, QuestionPanel
from ..views.saved import PlainWhenSaved

PRACTICE_CLASS = "labkit-practice"
EXAM_CLASS = "labkit-exam"
EXAM_QUESTION_CLASS = "labkit-exam-question"
EXAM_SCORE_CLASS = "labkit-exam-score"
NAVIGATOR_CLASS = "labkit-exam-navigator"
REVIEW_CLASS = "labkit-exam-review"
ROUND_QUESTIONS_MAX_PX = 640  # a round's questions scroll inside this box
REVIEW_MAX_PX = 480  # the review of missed questions scrolls inside this box, so the result stays one screen tall


def _button(label: str, css: str, action) -> widgets.Button:
    button = widgets.Button(description=label)
    button.add_class(css)
    button.on_click(lambda _: action())
    return button


class PracticeWidget(PlainWhenSaved, widgets.VBox):
    """One question at a time, in the order the learner's spaced-repetition schedule gives: missed ones first.
    "Next question" without answering skips ahead: a skipped question waits behind every other one."""

    saved_text = "Run this cell to practise."

    def __init__(self, progress: Progress | None = None, *, topic: str | None = None, bank: str | None = None):
        self.progress = progress or Progress()
        self.topic, self.bank = topic, bank
        self.skipped: list[str] = []  # refs skipped in this session, the oldest first
        self.header = widgets.HTML()
        self.area = widgets.VBox()
        self.next_button = _button("Next question", "labkit-practice-next", self.next)
        self.table = widgets.HTML(layout=widgets.Layout(width="100%", overflow="auto"))  # a narrow page scrolls it
        self.files = FileControls(learner_file(self.progress.learner), self.progress.dump, self._restore)
        self.panel: QuestionPanel | None = None
        super().__init__([self.header, self.area, self.next_button, self.table, self.files])
        self.add_class(PRACTICE_CLASS)
        self.next()

    @property
    def question(self):
        return self.panel.question if self.panel else None

    def next(self) -> None:
        """Show the next question the schedule wants (not the one shown; one skipped goes behind the others)."""
        current = self.question
        if current is not None and not self.panel.locked:
            self.skipped = [r for r in self.skipped if r != current.ref] + [current.ref]
        queue = [q for q in self.progress.next_questions(topic=self.topic, bank=self.bank)
                 if current is None or q.ref != current.ref]
        waiting = {ref: n for n, ref in enumerate(self.skipped)}
        queue.sort(key=lambda q: waiting.get(q.ref, -1))  # stable: the schedule's order, then the skipped ones
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
        self.panel.select(choice)
        return self.panel.check()

    def _checked(self, question, indices, right) -> None:
        self.progress.record(question, indices)
        self.skipped = [r for r in self.skipped if r != question.ref]
        self._refresh()

    def _refresh(self) -> None:
        due = len(self.progress.due_today())
        new = sum(q.ref not in self.progress.records for q in self.progress.next_questions(topic=self.topic, bank=self.bank))
        where = ""
        if self.question:  # where the question comes from, never its id (ids can name the answer)
            bank = self.question.bank
            where = f" · from {'the exam bank' if bank == EXAM_BANK else html.escape(chapter_notebook(bank))}"
        self.header.value = f"<b>Practice</b>{where} · due today: {due} · never seen: {new}"
        self.table.value = f"<h4>Progress by chapter</h4>{self.progress.table().to_html(index=False)}"

    def _restore(self, data: dict, name: str) -> str:
        said = self.progress.restore(data, name)
        self.skipped = []
        self.panel = None
        self.next()
        return said


NAV_COLOURS = {"answered": "#c8e6c9", "flagged": "#ffe082", "unanswered": "#eeeeee"}


class MockExamWidget(PlainWhenSaved, widgets.VBox):
    """The mock exam as the real one is taken: Start starts the clock; one question at a time with Previous,
    Next, Flag for review and a navigator of every question; Finish asks to confirm; then the score and the
    topics first, and the missed questions explained in a box that scrolls."""

    saved_text = "Run this cell to get the mock exam."

    def __init__(self, exam: MockExam | None = None, *, feedback: str = "end", progress: Progress | None = None,
                 seed: int | None = None, count: int = EXAM_QUESTIONS):
        if feedback not in ("end", "immediate"):
            raise ValueError("feedback is 'end' (after Finish) or 'immediate' (after each Check)")
        self.notice = ""
        if exam is None:
            size = len(one_per_group(exam_pool(), random.Random(seed)))  # one question per fact
            if count > size:
                self.notice = f"count={count}: the pool holds {size} distinct questions, so this exam has {size}."
            exam = MockExam(min(count, size), seed=seed)
        self.exam = exam
        self.immediate, self.progress = feedback == "immediate", progress
        self.position = 0
        self.flagged: set[int] = set()
        self.panels: dict[int, QuestionPanel] = {}
        total = len(self.exam.questions)
        notice = f" {html.escape(self.notice)}" if self.notice else ""
        note = widgets.HTML(
            f"<p style='color:#555'>{total} questions, {self.exam.minutes:g} minutes, feedback "
            f"{'after each Check' if self.immediate else 'at the end'}.{notice} {html.escape(SCOPE_NOTE)} "
            f"{html.escape(SCALE_NOTE)}</p>")
        self.start_button = _button("Start", "labkit-exam-start", self.start)
        self.header = widgets.HTML()
        self.area = widgets.VBox()
        self.previous_button = _button("Previous", "labkit-exam-previous", lambda: self.go(self.position - 1))
        self.flag_button = _button("Flag for review", "labkit-exam-flag", self.toggle_flag)
        self.next_button = _button("Next", "labkit-exam-next", lambda: self.go(self.position + 1))
        self.finish_button = _button("Finish", "labkit-exam-finish", self.ask_finish)
        self.confirm_text = widgets.HTML()
        self.confirm_button = _button("Yes, finish", "labkit-exam-confirm", self.finish)
        self.cancel_button = _button("Keep going", "labkit-exam-cancel", self._hide_confirm)
        self.confirm = widgets.VBox([self.confirm_text, widgets.HBox([self.confirm_button, self.cancel_button])],
                                    layout=widgets.Layout(display="none"))
        self.confirm.add_class("labkit-exam-confirm-box")
        self.legend = widgets.HTML()
        self.nav_buttons = [self._nav_button(n) for n in range(total)]
        self._nav_shown: dict[int, tuple] = {}
        navigator = widgets.Box(self.nav_buttons, layout=widgets.Layout(flex_flow="row wrap", max_width="560px"))
        navigator.add_class(NAVIGATOR_CLASS)
        wrap = widgets.Layout(flex_flow="row wrap")
        self.taking = widgets.VBox([self.header, self.area,
                                    widgets.HBox([self.previous_button, self.flag_button, self.next_button,
                                                  self.finish_button], layout=wrap),
                                    self.confirm, self.legend, navigator], layout=widgets.Layout(display="none"))
        self.score = widgets.HTML()
        self.score.add_class(EXAM_SCORE_CLASS)
        self.review = widgets.HTML()
        super().__init__([note, self.start_button, self.taking, self.score, self.review])
        self.add_class(EXAM_CLASS)

    # -- taking the exam -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the clock and show the first question."""
        self.exam.start()
        self.start_button.layout.display = "none"
        self.taking.layout.display = None
        self.go(0)

    def _nav_button(self, position: int) -> widgets.Button:
        button = widgets.Button(description=str(position + 1), tooltip=f"question {position + 1}",
                                layout=widgets.Layout(width="44px", height="28px", margin="1px", padding="0"))
        button.add_class("labkit-exam-nav")
        button.on_click(lambda _: self.go(position))
        return button

    def state(self, position: int) -> str:
        """answered, flagged (answered or not) or unanswered: what the navigator shows of a question."""
        if position in self.flagged:
            return "flagged"
        return "answered" if self.exam.questions[position].ref in self.exam.answers else "unanswered"

    def panel(self, position: int) -> QuestionPanel:
        if position not in self.panels:
            question = self.exam.questions[position]
            self.panels[position] = QuestionPanel(question, f"{position + 1}.", order=self.exam.order(question),
                                                  immediate=self.immediate,
                                                  on_check=lambda q, i, r: self._keep(q, i), css=EXAM_QUESTION_CLASS,
                                                  check_label="Check" if self.immediate else "Answer")
        return self.panels[position]

    def _keep(self, question, indices) -> None:
        if self.exam.over:
            late = self.exam.finished_at is None
            self.finish()
            self.panel(self.position).notice.value = (
                "<i>Time ran out: this answer came too late to count.</i>" if late else
                "<i>The exam is over: answers no longer count.</i>")
            return
        self.exam.answer(question, indices)
        self._refresh()

    def _keep_current(self) -> None:
        panel = self.panels.get(self.position)
        if panel is not None and panel.indices is not None and not panel.locked and not self.exam.over:
            self.exam.answer(panel.question, panel.indices)

    def go(self, position: int) -> None:
        if self.exam.finished_at is not None or self.exam.started is None:
            return
        self._keep_current()
        if self.exam.over:
            self.finish()
            return
        self.position = max(0, min(position, len(self.exam.questions) - 1))
        self.area.children = [self.panel(self.position)]
        self._hide_confirm()
        self._refresh()

    def choose(self, choice) -> None:
        """Select options of the current question, as a learner clicking would (kept on Next or Finish)."""
        self.panel(self.position).select(choice)

    def toggle_flag(self) -> None:
        """Flag the question shown for review, or take its flag off."""
        if self.exam.finished_at is None:
            self._keep_current()
            self.flagged ^= {self.position}
            self._refresh()

    def _refresh(self) -> None:
        total, left = len(self.exam.questions), self.exam.remaining()
        flag = " · <span class='labkit-exam-flagged'>flagged for review</span>" if self.position in self.flagged else ""
        self.header.value = (f"<b>Question {self.position + 1} of {total}</b>{flag} · answered {len(self.exam.answers)} "
                             f"· time left {int(left // 60)} min {int(left % 60):02d} s (updated as you move)")
        self.flag_button.description = "Remove flag" if self.position in self.flagged else "Flag for review"
        states = [self.state(n) for n in range(total)]
        self.legend.value = ("<span style='color:#555'>Go to a question: "
                             + " · ".join(f"<span style='background:{NAV_COLOURS[s]};padding:0 6px'>{s}</span> "
                                          f"{states.count(s)}" for s in NAV_COLOURS) + "</span>")
        for position, button in enumerate(self.nav_buttons):  # only the buttons that change: fewer messages
            shown = (states[position], position == self.position)
            if self._nav_shown.get(position) == shown:
                continue
            old = self._nav_shown.get(position, (None, False))[0]
            if old:
                button.remove_class(f"labkit-exam-nav-{old}")
            button.add_class(f"labkit-exam-nav-{shown[0]}")
            button.style.button_color = NAV_COLOURS[shown[0]]
            button.style.font_weight = "bold" if shown[1] else "normal"
            self._nav_shown[position] = shown

    # -- finishing -------------------------------------------------------------------------------------

    def ask_finish(self) -> None:
        """What Finish does: say what is left, and finish only once confirmed."""
        if self.exam.finished_at is not None:
            return
        self._keep_current()
        states = [self.state(n) for n in range(len(self.exam.questions))]
        unanswered = sum(q.ref not in self.exam.answers for q in self.exam.questions)
        self.confirm_text.value = (f"<b>Finish the exam?</b> {unanswered} unanswered, {states.count('flagged')} "
                                   "flagged for review. After Finish no answer can change.")
        self.confirm.layout.display = None

    def _hide_confirm(self) -> None:
        self.confirm.layout.display = "none"

    def finish(self):
        """Score the exam and show the result: the score and the topics first, then every missed question
        explained in a box that scrolls. Once finished, the exam stays as it was."""
        if self.exam.finished_at is not None:
            return self.exam.finish()  # the same result, shown as it was
        if self.exam.started is not None:
            self._keep_current()
        result = self.exam.finish()
        colour = "#2e7d32" if result.passed else "#c62828"
        by_topic = result.by_topic.set_index("topic").T  # topics across, so the table is three rows tall
        self.score.value = (f"<p style='font-size:1.2em;color:{colour}'><b>{html.escape(result.headline())}</b></p>"
                            f"<p style='color:#555'>{html.escape(SCALE_NOTE)}</p>"
                            f"<h4>By topic</h4><div style='overflow-x:auto;font-size:85%'>{by_topic.to_html()}</div>")
        number = {q.ref: n for n, q in enumerate(self.exam.questions, 1)}
        missed = "".join(f"<div><p><b>Question {number[q.ref]}.</b> {html.escape(q.prompt)}</p>"
                         f"{explanation_html(q, self.exam.answers.get(q.ref), order=self.exam.order(q))}</div>"
                         for q in result.missed)
        self.review.value = (f"<h4>To review ({len(result.missed)})</h4><div class='{REVIEW_CLASS}' "
                             f"style='max-height:{REVIEW_MAX_PX}px;overflow-y:auto'>{missed}</div>")
        for button in (self.previous_button, self.next_button, self.finish_button, self.flag_button,
                       self.start_button, *self.nav_buttons):
            button.disabled = True
        self._hide_confirm()
        self.taking.layout.display = "none"  # the result comes first, where the questions were
        for panel in self.panels.values():
            panel.locked_text = "The exam is over: answers no longer count."
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
        # the questions scroll in a box of their own, so the Save button stays in view under them
        questions = widgets.VBox(self.panels, layout=widgets.Layout(max_height=f"{ROUND_QUESTIONS_MAX_PX}px",
                                                                    overflow="auto"))
        super().__init__([widgets.HTML(f"<h4>Round {html.escape(round_.name)}</h4>"), self.member, questions,
                          self.save_button, self.status])

    def answers(self) -> MemberAnswers:
        given = MemberAnswers(self.round, self.member.value.strip() or "anonymous", {})
        for panel in self.panels:
            if panel.indices is not None:
                given.answer(panel.question, panel.indices)
        return given

    def save(self):
        given = self.answers()
        try:
            path = given.save()
        except (OSError, ValueError) as error:
            self.status.value = f"Could not save: {html.escape(str(error))}"
            return None
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
        self.upload.observe(lambda _: self.show(uploads(self.upload)), names="value")
        self.results = widgets.HTML(f"<p>Round {html.escape(self.round.name)}: upload the members' answer files.</p>")
        super().__init__([self.upload, self.results])

    def show(self, files) -> RoundResults:
        """The results of the files uploaded, (name, content) each: those that count, and the others named."""
        results = RoundResults.collect(self.round, files)
        self.results.value = results._repr_html_()
        return results


def practice(learner: str = "me", **options) -> PracticeWidget:
    return PracticeWidget(Progress(learner), **options)


def mock_exam(seed: int | None = None, **options) -> MockExamWidget:
    """The mock exam; it starts when the learner presses Start."""
    return MockExamWidget(seed=seed, **options)


def round_widget(round_source, member: str = "") -> RoundWidget:
    return RoundWidget(Round.load(round_source), member)


def facilitator(round_source) -> FacilitatorWidget:
    return FacilitatorWidget(round_source)


__all__ = ["FacilitatorWidget", "MockExamWidget", "PracticeWidget", "RoundWidget", "facilitator",
           "mock_exam", "practice", "round_widget"]
