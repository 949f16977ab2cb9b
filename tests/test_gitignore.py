"""What a learner's widgets save beside the chapters stays out of git: every file name labkit's quizzes
write, as they name it, is ignored in ``notebooks/``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from labkit.quiz.progress import learner_file
from labkit.quiz.quiz import progress_file
from labkit.quiz.rounds import export_round

ROOT = Path(__file__).resolve().parents[1]


def test_the_files_the_widgets_save_in_notebooks_are_ignored(tmp_path):
    if not shutil.which("git") or subprocess.run(["git", "-C", ROOT, "rev-parse"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    round_ = export_round(tmp_path / "round1.json", topics=["transactions"], questions=2, seed=1)
    saved = [progress_file("race_lab"), learner_file("ana"), "round1.json", round_.answers_file("Ana Lopez")]
    checked = subprocess.run(["git", "check-ignore", "--no-index", *(f"notebooks/{name}" for name in saved)],
                             cwd=ROOT, capture_output=True, text=True)
    assert sorted(checked.stdout.split()) == sorted(f"notebooks/{name}" for name in saved)
    kept = subprocess.run(["git", "check-ignore", "--no-index", "notebooks/00_start_here.ipynb"], cwd=ROOT)
    assert kept.returncode == 1  # the chapters themselves are not
