"""Check yourself and prepare for the exam: question banks kept as data, each key proven against the lab.

- ``quiz_widget("race_lab")``: a chapter's scored check (progress in ``race_lab_progress.json``);
- ``practice()``, ``mock_exam()``: one question at a time under spaced repetition, or a timed mock exam;
- ``export_round(...)``, ``round_widget(...)``, ``round_results(...)``: study-group rounds with files;
- ``python -m labkit.quiz check``: every question's shape, and every proof run against the lab.
"""

from .exam import MockExam, scaled_score
from .prep import FacilitatorWidget, MockExamWidget, PracticeWidget, RoundWidget, facilitator, mock_exam, practice, round_widget
from .progress import Progress
from .questions import Question, load_bank, pool
from .quiz import Quiz, Score
from .rounds import Round, export_round, round_results
from .widget import CHECK_CLASS, QUESTION_CLASS, SCORE_CLASS, QuizWidget, quiz_widget

__all__ = ["CHECK_CLASS", "FacilitatorWidget", "MockExam", "MockExamWidget", "PracticeWidget", "Progress",
           "QUESTION_CLASS", "Question", "Quiz", "QuizWidget", "Round", "RoundWidget", "SCORE_CLASS", "Score",
           "export_round", "facilitator", "load_bank", "mock_exam", "pool", "practice", "quiz_widget", "round_results",
           "round_widget", "scaled_score"]
