"""The question banks: every key proven against the lab by ``python -m labkit.quiz check``, which fails on a wrong key."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from labkit.quiz.check import TOPICS, check, shape_problems
from labkit.quiz.claims import MYTHS
from labkit.quiz.proofs import run_proof
from labkit.quiz.questions import BANKS, by_ref, load_bank, pool, question_from

ROOT = Path(__file__).parent.parent


def run_check(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("LABKIT_BACKEND", None)
    return subprocess.run([sys.executable, "-m", "labkit.quiz", "check", *args], capture_output=True, text=True,
                          env=env, timeout=900, cwd=ROOT)


@pytest.mark.slow
def test_the_check_command_proves_every_provable_key():
    done = run_check()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    proven = re.search(r"proven: (\d+) \(of (\d+) proofs run against the lab", done.stdout)
    assert proven and proven.group(1) == proven.group(2) and int(proven.group(1)) >= 8, done.stdout
    assert re.search(r"^  cited: \d+ ", done.stdout, re.M) and re.search(r"^  neither: 0 ", done.stdout, re.M)
    assert done.stdout.strip().endswith("PASSED")


@pytest.mark.slow
def test_the_check_command_fails_when_a_key_is_wrong(tmp_path):
    banks = tmp_path / "banks"
    shutil.copytree(BANKS, banks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = yaml.safe_load((banks / "exam.yaml").read_text())
    question = next(q for q in data["questions"] if q["id"] == "lim-transaction-actions")
    assert question["options"][question["answer"]]["text"] == "100"
    question["answer"] = [o["text"] for o in question["options"]].index("25")  # what the certification chapter says
    (banks / "exam.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    done = run_check("--folder", str(banks))
    assert done.returncode == 1
    assert "exam/lim-transaction-actions: the lab shows '100' (observed {'largest': '100'}) but the key says '25'" in done.stdout
    assert done.stdout.strip().endswith("FAILED")
    failures = [line for line in done.stdout.splitlines() if "but the key says" in line or "proof failed" in line]
    assert len(failures) == 1, failures  # every other proof still agrees



@pytest.mark.slow
def test_every_proof_agrees_again_when_run_twice_in_one_lab():
    """Show me can be clicked twice in one kernel: no proof may rely on what an earlier run left behind
    (a ClientRequestToken is remembered for 10 minutes of the lab's clock)."""
    failures = []
    for question in (q for q in pool() if q.proof):
        first, second = run_proof(question), run_proof(question)  # shown twice in a row, as a learner may
        failures += [run.verdict() for run in (first, second) if not run.agrees]
    assert failures == []

def raw_question(ref: str) -> dict:
    bank, qid = ref.split("/")
    return next(q for q in yaml.safe_load((BANKS / f"{bank}.yaml").read_text())["questions"] if q["id"] == qid)


def test_shape_problems_are_found():
    good = {"task": "1.3", **next(q for q in yaml.safe_load((BANKS / "exam.yaml").read_text())["questions"]
                                  if not isinstance(q["answer"], list))}
    assert shape_problems(question_from(good, "exam")) == []
    broken = {**good, "options": good["options"][:3]}
    assert "multiple choice is one key among four options" in " ".join(shape_problems(question_from(broken, "exam")))
    silent = {**good, "options": [{**o, "why": ""} if i == 2 else o for i, o in enumerate(good["options"])]}
    assert "every option needs its own explanation" in " ".join(shape_problems(question_from(silent, "exam")))
    proven = next(q for q in yaml.safe_load((BANKS / "exam.yaml").read_text())["questions"] if q.get("claim") or
                  any("claim" in o for o in q["options"]))
    drifted = {**proven, "options": [{**o, "text": "something else entirely"} if i == 0 else o
                                     for i, o in enumerate(proven["options"])]}
    assert "but its text does not say so" in " ".join(shape_problems(question_from(drifted, "exam")))
    untagged = {k: v for k, v in good.items() if k != "task"}
    assert "a DVA-C02 task is needed" in " ".join(shape_problems(question_from(untagged, "exam")))
    old_style = {**proven, "proof": "proven = 0"}
    assert "never name an option" in " ".join(shape_problems(question_from(old_style, "exam")))
    too_many = {**good, "answer": [0, 1, 2, 3]}
    assert "two or three keys" in " ".join(shape_problems(question_from(too_many, "exam")))
    misspelt = {**good, "documneted": "typo"}
    assert "unknown field(s): documneted" in " ".join(shape_problems(question_from(misspelt, "exam")))
    outside = {**good, "answer": 7}
    assert "not an option's index" in " ".join(shape_problems(question_from(outside, "exam")))


def test_a_broken_bank_fails_the_check_without_running_proofs(tmp_path):
    (tmp_path / "bad.json").write_text('{"title": "x", "task": "1.3", "questions": [{"id": "q", "prompt": "p", "options": ["a", "b"], '
                                       '"answer": 5, "why": "because"}]}')
    report = check(tmp_path, proofs=False)
    assert not report.ok and len(report.problems) == 2, report.problems


def test_the_exam_bank_has_the_exams_formats_and_topics():
    _, questions = load_bank("exam")
    assert len(questions) >= 80
    multiple = [q for q in questions if q.multiple]
    assert len(multiple) >= 10
    assert all(len(q.options) in (5, 6) and len(q.keys) in (2, 3) for q in multiple)
    assert all(len(q.options) == 4 for q in questions if not q.multiple)
    assert {q.topic for q in questions} == set(TOPICS)
    assert all(q.doc and len(q.explanations) == len(q.options) for q in questions)
    proven = [q for q in questions if q.proof]
    assert len(proven) >= 8
    assert all(q.cite for q in proven if q.model)  # the lab's own model is backed by the documentation


IN_FLIGHT = ["exam/cf-single-write-during-tx", "exam/cf-two-transactions", "exam/cf-get-during-tx",
             "exam/cf-retry-strategy", "exam/cf-reason-codes", "exam/cf-transact-get-conflict", "exam/id-in-progress"]


@pytest.mark.parametrize("ref", IN_FLIGHT)
def test_a_transaction_in_flight_proves_its_key_and_catches_a_wrong_one(ref):
    import labkit

    question = by_ref(pool())[ref]
    run = run_proof(question)
    assert run.agrees, run.output + run.error
    assert run.output.startswith("simulated: transaction conflicts: on")  # labelled where the learner sees it
    assert not labkit.connect("embedded").front.conflicts.on  # switched off again: proofs stay independent
    wrong = [0, 1] if question.multiple else (question.keys[0] + 1) % len(question.options)
    misled = question_from({**raw_question(ref), "answer": wrong}, question.bank)
    assert "but the key says" in run_proof(misled).verdict()  # the proof never reads the key


SOURCE_TITLES = {"000": "*Building DynamoDB Conditional Writes: Protecting Data Integrity*",
                 "001": "*DynamoDB Conditional Expressions: Syntax and Common Patterns*",
                 "002": "*DynamoDB Transactions and Conditional Writes*"}


def test_every_myth_is_asked_in_the_bank_and_told_in_the_myths_chapter():
    asked = {q.myth for q in pool() if q.myth}
    assert {m.id for m in MYTHS} <= asked
    cells = json.loads((ROOT / "notebooks" / "08_myths.ipynb").read_text())["cells"]
    for myth in MYTHS:
        heads = ["".join(c["source"]) for c in cells if f'<a id="myth-{myth.id}">' in "".join(c["source"])]
        assert len(heads) == 1, f"the myths chapter has no section for {myth.id}"
        titles = [SOURCE_TITLES[seed] for seed in myth.seed.split("/")]  # the chapter names sources by title
        assert "**The claim**, from " in heads[0] and all(title in heads[0] for title in titles), heads[0]


def test_chapter_banks_in_the_old_shape_join_the_pool_tagged_by_chapter(tmp_path):
    for bank in ("start_here", "race_lab"):
        shutil.copy(BANKS / f"{bank}.json", tmp_path)
    (tmp_path / "batches.json").write_text(
        '{"title": "Check yourself: batches", "task": "1.3", "questions": [{"id": "no-conditions", "prompt": "Does a batch take '
        'conditions?", "options": ["Yes", "No", "Only puts"], "answer": 1, "why": "BatchWriteItem takes none.", '
        '"cite": ["batch-no-conditions"]}]}')
    questions = pool(tmp_path)
    batch = next(q for q in questions if q.bank == "batches")
    assert (batch.ref, batch.chapter, batch.topic) == ("batches/no-conditions", "batches", "batch-writes")
    assert [q.bank for q in questions][-1] == "batches"  # chapters in teaching order
    assert check(tmp_path).ok


def test_a_question_with_neither_proof_nor_citation_fails_the_check(tmp_path):
    def bank(count, cite=None):
        questions = [{"id": f"q{i}", "prompt": f"Question {i}?", "options": ["a", "b", "c"], "answer": 0, "why": "because",
                      **({"cite": cite} if cite else {})} for i in range(count)]
        return json.dumps({"title": "t", "task": "1.3", "questions": questions})

    (tmp_path / "one.json").write_text(bank(1))
    report = check(tmp_path, proofs=False)
    assert not report.ok and [q.ref for q in report.neither] == ["one/q0"]
    summary = report.summary()
    assert "neither: 1 (a key with neither a proof nor a citation fails the check)" in summary
    assert "no proof and no citation: one/q0" in summary and summary.endswith("FAILED")
    (tmp_path / "one.json").write_text(bank(1, cite=["reserved-words"]))
    assert check(tmp_path, proofs=False).ok  # cited, it passes
    (tmp_path / "many.json").write_text(bank(1, cite=["no-such-source"]))
    assert "sources.yaml does not hold" in " ".join(check(tmp_path, proofs=False).problems)
