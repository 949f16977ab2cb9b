"""The quiz as widgets: one box per question, a Check button, feedback that explains, a score line."""

from __future__ import annotations

import html

import ipywidgets as widgets

from .quiz import Quiz

QUESTION_CLASS = "labkit-quiz-question"
CHECK_CLASS = "labkit-quiz-check"
SCORE_CLASS = "labkit-quiz-score"


class QuizWidget(widgets.VBox):
    def __init__(self, quiz: Quiz, progress_file: str = "race_lab_progress.json"):
        self.quiz = quiz
        self.choices: dict[str, widgets.RadioButtons] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self.checks: dict[str, widgets.Button] = {}
        self.score = widgets.HTML()
        self.score.add_class(SCORE_CLASS)
        boxes = [widgets.HTML(f"<h4>{html.escape(quiz.title)}</h4>")]
        for number, question in enumerate(quiz.questions, 1):
            choice = widgets.RadioButtons(options=list(question.options), value=None,
                                          layout=widgets.Layout(width="auto"))
            check = widgets.Button(description="Check")
            check.add_class(CHECK_CLASS)
            check.on_click(lambda _, q=question.id: self.check(q))
            feedback = widgets.HTML()
            box = widgets.VBox([widgets.HTML(f"<b>{number}.</b> {html.escape(question.prompt)}"), choice, check,
                                feedback])
            box.add_class(QUESTION_CLASS)
            self.choices[question.id], self.checks[question.id], self.feedback[question.id] = choice, check, feedback
            boxes.append(box)
        self.path = widgets.Text(value=progress_file, description="progress")
        save, load = widgets.Button(description="Save progress"), widgets.Button(description="Load progress")
        save.on_click(lambda _: self.save())
        load.on_click(lambda _: self.load())
        self.status = widgets.HTML()
        super().__init__(boxes + [self.score, widgets.HBox([self.path, save, load]), self.status])
        self._show_score()

    def check(self, question_id: str) -> bool | None:
        """Grade the selected option of one question and explain; what its Check button does."""
        chosen = self.choices[question_id].index
        if chosen is None:
            self.feedback[question_id].value = "<i>Pick an option first.</i>"
            return None
        right = self.quiz.answer(question_id, chosen)
        self._explain(question_id, right)
        self._show_score()
        return right

    def _explain(self, question_id: str, right: bool) -> None:
        why = html.escape(self.quiz.question(question_id).why)
        verdict = "<b style='color:#2e7d32'>Right.</b>" if right else "<b style='color:#c62828'>Not quite.</b>"
        self.feedback[question_id].value = f"<p>{verdict} {why}</p>"

    def _show_score(self) -> None:
        self.score.value = f"<b>{self.quiz.grade()}</b>"

    def save(self) -> None:
        path = self.quiz.save(self.path.value)
        self.status.value = (f"Saved to <code>{html.escape(str(path))}</code>: download it from the file browser "
                             "to keep it (Binder keeps nothing after the session).")

    def load(self) -> None:
        try:
            self.quiz.load(self.path.value)
        except (OSError, ValueError) as error:
            self.status.value = f"Could not load: {html.escape(str(error))}"
            return
        for question_id, choice in self.quiz.answers.items():
            self.choices[question_id].index = choice
            self._explain(question_id, self.quiz.question(question_id).is_right(choice))
        self._show_score()
        self.status.value = f"Loaded {len(self.quiz.answers)} answers."


def quiz_widget(bank: str = "race_lab", **options) -> QuizWidget:
    """The quiz of a question bank as a widget (``race_lab`` is the race lab's check-yourself)."""
    return QuizWidget(Quiz(bank), **options)
