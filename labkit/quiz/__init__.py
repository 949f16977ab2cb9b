"""Check yourself: scored questions from JSON banks, as a plain-Python API and as a widget."""

from .questions import Question, load_bank
from .quiz import Quiz, Score
from .widget import CHECK_CLASS, QUESTION_CLASS, SCORE_CLASS, QuizWidget, quiz_widget

__all__ = ["CHECK_CLASS", "QUESTION_CLASS", "Question", "Quiz", "QuizWidget", "SCORE_CLASS", "Score", "load_bank",
           "quiz_widget"]
