"""The quiz as widgets: a question panel (options, Check, every option explained, "show me" running the
proof), and a chapter's check-yourself made of them with a score line and progress kept in a file."""

from __future__ import annotations

import html

import ipywidgets as widgets

from .files import FileProblem, download_link, in_folder, read_json, uploads, write_json
from .questions import Question
from .render import explanation_html, proof_html
from .quiz import Quiz
from .quiz import progress_file as default_progress_file
from ..views.saved import PlainWhenSaved

QUESTION_CLASS = "labkit-quiz-question"
CHECK_CLASS = "labkit-quiz-check"
SCORE_CLASS = "labkit-quiz-score"
SHOW_ME_CLASS = "labkit-quiz-show-me"
OPTIONS_CLASS = "labkit-quiz-options"
# ipywidgets draws a radio button's label one line high (a long option wrapped over the next one) and a
# checkbox's label on one line cut with an ellipsis: an exam's options are sentences, read whole.
_OPTIONS_STYLE = (f"<style>.{OPTIONS_CLASS} .widget-radio-box label, .{OPTIONS_CLASS} .jupyter-widget-radio-box label "
                  "{ display: flex; flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start; "
                  "height: auto; line-height: 1.4; padding: 3px 0; } "
                  f".{OPTIONS_CLASS} .widget-radio-box input, .{OPTIONS_CLASS} .jupyter-widget-radio-box input "
                  "{ float: none; flex: none; height: auto; margin-top: 3px; } "
                  f".{OPTIONS_CLASS} .widget-checkbox, .{OPTIONS_CLASS} .jupyter-widget-checkbox {{ height: auto; }} "
                  f".{OPTIONS_CLASS} .widget-label-basic, .{OPTIONS_CLASS} .jupyter-widget-label-basic "
                  "{ white-space: normal; overflow: visible; line-height: 1.4; padding: 3px 0; }</style>")


class MultipleChoice(widgets.VBox):
    """Checkboxes for a multiple-response question, with RadioButtons' ``index`` (here a tuple, or None)."""

    def __init__(self, options):
        self.boxes = [widgets.Checkbox(description=o, value=False, indent=False, layout=widgets.Layout(width="auto"))
                      for o in options]
        super().__init__(self.boxes)

    @property
    def index(self):
        chosen = tuple(i for i, box in enumerate(self.boxes) if box.value)
        return chosen or None

    @index.setter
    def index(self, indices):
        chosen = set(indices or ())
        for i, box in enumerate(self.boxes):
            box.value = i in chosen

    @property
    def disabled(self) -> bool:
        return all(box.disabled for box in self.boxes)

    @disabled.setter
    def disabled(self, value: bool) -> None:
        for box in self.boxes:
            box.disabled = value


def choice_widget(question: Question, order: tuple):
    """Checkboxes or radio buttons for the options, shown in ``order`` (indices into the question's options)."""
    shown = [question.options[i] for i in order]
    if question.multiple:
        choice = MultipleChoice(shown)
    else:
        choice = widgets.RadioButtons(options=shown, value=None, layout=widgets.Layout(width="auto"))
    choice.add_class(OPTIONS_CLASS)
    return choice


class QuestionPanel(widgets.VBox):
    """One question: its options, a Check button, the explanation of every option, and "show me".

    ``on_check(question, indices, right)`` is called after each check. With ``immediate=False`` the
    panel records the choice without saying whether it was right; ``reveal()`` explains it later. Once the
    explanation shows, the panel is locked: the answer it explained is the one that counts, as on the exam.
    """

    def __init__(self, question: Question, number: str = "", *, on_check=None, immediate: bool = True,
                 css: str = QUESTION_CLASS, check_label: str = "Check", order=None):
        self.question, self.on_check, self.immediate = question, on_check, immediate
        self.order = tuple(order) if order is not None else tuple(range(len(question.options)))
        self.choice = choice_widget(question, self.order)
        self.check_button = widgets.Button(description=check_label)
        self.check_button.add_class(CHECK_CLASS)
        self.check_button.on_click(lambda _: self.check())
        self.feedback = widgets.HTML()
        self.notice = widgets.HTML()  # what a click on a locked panel is told
        self.locked_text = "Answered: the first answer is the one scored, as on the exam."
        self.show_me = widgets.Button(description="Show me", tooltip="run this question's proof against the lab",
                                      layout=widgets.Layout(display="none"))
        self.show_me.add_class(SHOW_ME_CLASS)
        self.show_me.on_click(lambda _: self.prove())
        self.proof = widgets.HTML()
        heading = f"<b>{html.escape(number)}</b> " if number else ""
        prompt = widgets.HTML(f"{_OPTIONS_STYLE}<p>{heading}{html.escape(question.prompt)} <i>{question.choose()}</i></p>")
        super().__init__([prompt, self.choice, self.check_button, self.notice, self.feedback, self.show_me, self.proof])
        self.add_class(css)

    @property
    def indices(self) -> tuple | None:
        """The options selected, as indices into the question's options (whatever order they are shown in)."""
        shown = self.choice.index
        if shown is None:
            return None
        shown = shown if isinstance(shown, tuple) else (shown,)
        return self.question.indices([self.order[p] for p in shown])

    def select(self, choice) -> None:
        """Select ``choice`` (option indices or texts, as ``Question.indices`` takes), as a learner clicks."""
        indices = self.question.indices(choice)
        if indices is None:
            raise ValueError(f"{choice!r} is not an option of this question")
        shown = tuple(self.order.index(i) for i in indices)
        self.choice.index = shown if self.question.multiple else shown[0]

    @property
    def locked(self) -> bool:
        return self.check_button.disabled

    def lock(self) -> None:
        self.choice.disabled = self.check_button.disabled = True

    def check(self) -> bool | None:
        """Grade the selected options; what the Check button does (nothing once locked)."""
        if self.locked:
            self.notice.value = f"<i>{html.escape(self.locked_text)}</i>"
            return None
        indices = self.indices
        if indices is None:
            self.feedback.value = "<i>Pick an option first.</i>" if not self.question.multiple else \
                "<i>Pick the options first.</i>"
            return None
        right = self.question.is_right(indices)
        if self.immediate:
            self.reveal(indices)
        else:
            self.feedback.value = "<i>Answer recorded.</i>"
        if self.on_check:
            self.on_check(self.question, indices, right)
        return right

    def reveal(self, indices: tuple | None = None) -> None:
        """Explain every option against ``indices`` (default: those selected), and lock the panel."""
        self.lock()
        self.feedback.value = explanation_html(self.question, self.indices if indices is None else indices,
                                               order=self.order)
        question = self.question
        if question.proof or question.documented or question.not_provable_yet:  # a chapter's plain check has none
            self.show_me.layout.display = None

    def prove(self) -> None:
        self.proof.value = "<i>Running the proof against the lab...</i>"
        self.proof.value = proof_html(self.question)


class FileControls(widgets.VBox):
    """Save to a file, a download link (Binder keeps nothing), and loading back from a path or an upload."""

    def __init__(self, default_name: str, dump, restore, what: str = "progress"):
        self.dump, self.restore = dump, restore
        self.path = widgets.Text(value=default_name, description=what)
        save = widgets.Button(description=f"Save {what}")
        load = widgets.Button(description=f"Load {what}")
        save.on_click(lambda _: self.save())
        load.on_click(lambda _: self.load())
        self.upload = widgets.FileUpload(accept=".json", multiple=False, description="Upload")
        self.upload.observe(lambda _: self.load_upload(), names="value")
        self.link = widgets.HTML()
        self.status = widgets.HTML()
        row = widgets.HBox([self.path, save, load, self.upload], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([row, self.link, self.status])

    def save(self) -> None:
        data = self.dump()
        self.link.value = download_link(self.path.value.rsplit("/", 1)[-1] or "progress.json", data)
        try:
            path = write_json(in_folder(self.path.value), data)
        except (OSError, ValueError) as error:  # the download link still keeps the answers
            self.status.value = f"Could not save: {html.escape(str(error))}. Use the download link instead."
            return
        self.status.value = (f"Saved to <code>{html.escape(str(path))}</code>. Download it to keep it: a Binder "
                             "session keeps nothing when it ends.")

    def load(self, source=None, name: str | None = None) -> None:
        """Load a file (default: the one the box names), checked whole first: a bad one is named, with why,
        and nothing here changes (answers, learner, the box)."""
        try:
            if source is None:
                source, name = in_folder(self.path.value), self.path.value
            self.status.value = html.escape(self.restore(read_json(source, name), name or "the file"), quote=False)
        except (FileProblem, ValueError) as error:
            self.status.value = (f"<span class='labkit-load-refused'>Could not load: {html.escape(str(error))}. "
                                 "Nothing was changed: what you had is still here.</span>")

    def load_upload(self) -> None:
        for name, content in uploads(self.upload):
            self.load(content, name)


class QuizWidget(PlainWhenSaved, widgets.VBox):
    """A chapter's check: every question on the page, each with its Check, and the score."""

    saved_text = "Run this cell to get the quiz."

    def __init__(self, quiz: Quiz, progress_file: str | None = None):
        self.quiz = quiz
        self.panels = {q.id: QuestionPanel(q, f"{n}.", on_check=self._checked) for n, q in enumerate(quiz.questions, 1)}
        self.choices = {k: p.choice for k, p in self.panels.items()}
        self.checks = {k: p.check_button for k, p in self.panels.items()}
        self.feedback = {k: p.feedback for k, p in self.panels.items()}
        self.score = widgets.HTML()
        self.score.add_class(SCORE_CLASS)
        self.files = FileControls(progress_file or default_progress_file(quiz.bank), self._dump, self._restore)
        title = widgets.HTML(f"<h4>{html.escape(quiz.title)}</h4>")
        super().__init__([title, *self.panels.values(), self.score, self.files])
        self._show_score()

    @property
    def path(self):
        return self.files.path

    @property
    def status(self):
        return self.files.status

    def check(self, question_id: str) -> bool | None:
        return self.panels[question_id].check()

    def _checked(self, question: Question, indices: tuple, right: bool) -> None:
        self.quiz.answer(question.id, indices)
        self._show_score()

    def _show_score(self) -> None:
        score = self.quiz.grade()
        mark = " (passed: 60% or more)" if score.passed else ""
        self.score.value = f"<b>{score}</b>{mark}"

    def _dump(self) -> dict:
        return self.quiz.dump()

    def _restore(self, data: dict, name: str) -> str:
        """The file's answers, and those given here to questions the file does not answer."""
        given = dict(self.quiz.answers)
        self.quiz.restore(data, name)
        loaded = len(self.quiz.answers)
        self.quiz.answers.update({k: v for k, v in given.items() if k not in self.quiz.answers})
        for question_id, answer in self.quiz.answers.items():
            panel = self.panels[question_id]
            panel.select(answer)
            panel.reveal()
        self._show_score()
        return f"Loaded {loaded} answers."

    def save(self) -> None:
        self.files.save()

    def load(self) -> None:
        self.files.load()


def quiz_widget(bank: str = "race_lab", **options) -> QuizWidget:
    """The quiz of a question bank as a widget (``race_lab`` is the race lab's check-yourself)."""
    return QuizWidget(Quiz(bank), **options)
