"""``run.py test`` runs everything; ``run.py test quick`` leaves out the browser and Binder tests by marker,
and does not need Chromium."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(monkeypatch):
    """run.py's main(), with the venv, Chromium and pytest stood in for: what it would run, and whether it
    would install Chromium."""
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seen = {"chromium": False}
    monkeypatch.setattr(module, "ensure_venv", lambda: None)
    monkeypatch.setattr(module, "ensure_chromium", lambda: seen.update(chromium=True))
    monkeypatch.setattr(module.subprocess, "call", lambda command, **_: seen.update(command=command[3:]) or 0)

    def main(*argv):
        assert module.main(list(argv)) == 0
        return seen
    return main


def test_test_runs_every_test_with_chromium(run):
    seen = run("test", "-x")
    assert seen["chromium"] and "-m" not in seen["command"] and seen["command"][-1] == "-x"
    assert seen["command"][:2] == ["tests", "notebooks"]


def test_quick_leaves_out_the_browser_and_binder_tests(run):
    seen = run("test", "quick", "-x")
    assert not seen["chromium"]
    assert seen["command"][-3:] == ["-m", "not browser and not binder", "-x"]
