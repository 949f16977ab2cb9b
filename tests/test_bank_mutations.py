"""A mutation test of the bank: change a question (its key, its options' texts, its stem's decisive value) or
the lab's behaviour, and the check must fail. Only the mutated question's proof runs, so each case is fast."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from labkit.front import items as lab_items
from labkit.front import transactions as lab_transactions
from labkit.front import writes as lab_writes
from labkit.quiz.check import check
from labkit.quiz.questions import BANKS


def mutated(tmp_path: Path, qid: str, change) -> Path:
    """A copy of the banks with exam question ``qid`` changed by ``change(raw)``."""
    banks = tmp_path / "banks"
    shutil.copytree(BANKS, banks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = yaml.safe_load((banks / "exam.yaml").read_text())
    question = next(q for q in data["questions"] if q["id"] == qid)
    change(question)
    (banks / "exam.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return banks


@pytest.fixture(scope="module")
def lab():
    import labkit

    return labkit.connect("embedded")


def fails(folder: Path, qid: str, lab) -> bool:
    report = check(folder, only={f"exam/{qid}"}, lab=lab)
    return not report.ok


def proven_ids() -> list[str]:
    return [q["id"] for q in yaml.safe_load((BANKS / "exam.yaml").read_text())["questions"] if q.get("proof")]


def test_the_unmutated_questions_pass(tmp_path, lab):
    folder = mutated(tmp_path, "cap-transaction-double", lambda q: None)
    report = check(folder, only={f"exam/{qid}" for qid in proven_ids()}, lab=lab)
    assert report.ok, report.summary()


# -- the mutations the review found passing -------------------------------------------------------

def _key_says(text, claim=None):
    """A mutation: the key's text becomes ``text``, and its structured claim ``claim`` when one is given."""
    def mutate(q):
        q["options"][q["answer"]]["text"] = text
        if claim is not None:
            q["options"][q["answer"]]["claim"] = claim
    return mutate


def _swap_texts(q, i, j):
    q["options"][i]["text"], q["options"][j]["text"] = q["options"][j]["text"], q["options"][i]["text"]


ABSENT_FREE = "A failed conditional write consumes write capacity, but is free when the item does not exist"
LISTED = {
    "err-catch-in-python: the key's text is except Exception":
        ("err-catch-in-python", _key_says("except Exception")),
    "err-catch-in-python: the key's text and claim are except Exception":
        ("err-catch-in-python", _key_says("except Exception", {"code": "Exception"})),
    "ol-version-condition: the key's update without the version increment":
        ("ol-version-condition", _key_says("SET bio = :bio with ConditionExpression version = :five")),
    "ol-version-condition: the key's text and claim without the version increment":
        ("ol-version-condition", _key_says("SET bio = :bio with ConditionExpression version = :five",
                                           {"update": "SET bio = :bio", "condition": "version = :five"})),
    "lim-expression-placeholders: two options' texts swapped":
        ("lim-expression-placeholders", lambda q: _swap_texts(q, 0, 2)),
    "lim-expression-placeholders: two whole options swapped":
        ("lim-expression-placeholders", lambda q: q["options"].__setitem__(slice(0, 3), [q["options"][2], q["options"][1], q["options"][0]])),
    "cw-missing-attribute-compare: the stem's condition changed":
        ("cw-missing-attribute-compare", lambda q: q.update(prompt=q["prompt"].replace(
            "retry_count < :max", "attribute_not_exists(retry_count) OR retry_count < :max"))),
    "cw-missing-attribute-compare: the stem's condition and its given value changed":
        ("cw-missing-attribute-compare", lambda q: (q.update(prompt=q["prompt"].replace(
            "retry_count < :max", "attribute_not_exists(retry_count) OR retry_count < :max")),
            q.update(given={"condition": "ConditionExpression attribute_not_exists(retry_count) OR retry_count < :max."}))),
    "cap-failed-condition: the key says a failure on an absent item is free":
        ("cap-failed-condition", _key_says(ABSENT_FREE)),
    "cap-failed-condition: the key's text and claim say a failure on an absent item is free":
        ("cap-failed-condition", _key_says(ABSENT_FREE, {"billed": "write capacity",
                                                         "absent": "free when the item does not exist"})),
    "cap-read-units: the key's text swapped with the TransactGetItems option's (both say 1 RCU)":
        ("cap-read-units", lambda q: _swap_texts(q, 0, 2)),
    "cap-read-units: the key moved to the next option":
        ("cap-read-units", lambda q: q.update(answer=[1, 2])),
}


@pytest.mark.parametrize("name", sorted(LISTED))
def test_each_listed_mutation_fails_the_check(tmp_path, name, lab):
    qid, change = LISTED[name]
    assert fails(mutated(tmp_path, qid, change), qid, lab)


class _Scaled:
    """The lab's ``items`` module as one module sees it, with one cost changed."""

    def __init__(self, **overrides):
        self.__dict__.update(overrides)

    def __getattr__(self, name):
        return getattr(lab_items, name)


def test_a_transaction_cost_factor_of_3_with_the_key_moved_to_9_fails_the_check(tmp_path, monkeypatch, lab):
    monkeypatch.setattr(lab_transactions, "items", _Scaled(write_units=lambda *i: lab_items.write_units(*i) * 1.5))
    folder = mutated(tmp_path, "cap-transaction-double",
                     lambda q: q.update(answer=[o["text"] for o in q["options"]].index("9")))
    report = check(folder, only={"exam/cap-transaction-double"}, lab=lab)
    assert not report.ok
    assert any("documents {'units_per_item_kb': 2}" in line for line in report.model_disagrees), report.summary()


def test_free_failed_writes_in_the_lab_fail_the_check(tmp_path, monkeypatch, lab):
    monkeypatch.setattr(lab_writes, "items", _Scaled(write_units=lambda *i: 0 if len(i) == 1 else lab_items.write_units(*i)))
    assert fails(mutated(tmp_path, "cap-failed-condition", lambda q: None), "cap-failed-condition", lab)


def test_a_lab_that_takes_only_25_actions_fails_the_check(tmp_path, monkeypatch, lab):
    monkeypatch.setattr(lab_transactions, "MAX_ACTIONS", 25)
    assert fails(mutated(tmp_path, "lim-transaction-actions", lambda q: None), "lim-transaction-actions", lab)


# -- a sample of 20 more ------------------------------------------------------------------------------

def _change_key(q):
    n = len(q["options"])
    q["answer"] = [(k + 1) % n for k in q["answer"]] if isinstance(q["answer"], list) else (q["answer"] + 1) % n


def _swap_key_text(q):
    key = q["answer"][0] if isinstance(q["answer"], list) else q["answer"]
    other = next(i for i in range(len(q["options"])) if i != key and i not in (q["answer"] if isinstance(q["answer"], list) else [key]))
    _swap_texts(q, key, other)


def _stem_value(q):
    given = q.get("given") or q.get("goal")
    name, value = next(iter(given.items()))
    q["prompt"] = q["prompt"].replace(str(value), "something else")


def _sample():
    raw = {q["id"]: q for q in yaml.safe_load((BANKS / "exam.yaml").read_text())["questions"]}
    cases = [(qid, "change the key", _change_key) for qid in proven_ids()]
    cases += [(qid, "swap the key's text with another option's", _swap_key_text) for qid in proven_ids()]
    cases += [(qid, "alter the stem's decisive value", _stem_value) for qid in proven_ids()
              if raw[qid].get("given") or raw[qid].get("goal")]
    return random.Random(20).sample(cases, min(20, len(cases)))


@pytest.mark.parametrize("qid,what,change", _sample(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_sampled_mutation_fails_the_check(tmp_path, qid, what, change, lab):
    assert fails(mutated(tmp_path, qid, change), qid, lab), f"{qid}: {what} passed the check"


def test_transactions_as_cheap_as_single_writes_fail_the_cost_comparison(tmp_path, monkeypatch, lab):
    """ol-optimistic-vs-transaction keys the version condition as the cheaper of the two that prevent the
    overwrite: the proof measures both saves' units, so a lab that bills a transactional write like a single
    one makes the two tie, and the check fails."""
    monkeypatch.setattr(lab_transactions, "items", _Scaled(write_units=lambda *i: lab_items.write_units(*i) / 2))
    qid = "ol-optimistic-vs-transaction"
    assert fails(mutated(tmp_path, qid, lambda q: None), qid, lab)


def test_a_lab_that_throttles_nothing_fails_the_batch_retry_question(monkeypatch, lab):
    """Every loop writes all 25 orders when nothing is throttled: no option is singled out."""
    from labkit.front.throttle import Throttling

    monkeypatch.setattr(Throttling, "set", lambda self, table, share, seed=None: None)
    report = check(BANKS, only={"batches/retry-loop-writes-all"}, lab=lab)
    assert not report.ok and not report.runs[-1].agrees, report.summary()
