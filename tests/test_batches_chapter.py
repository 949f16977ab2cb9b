"""Chapter 6's claims, checked by running the chapter's own code in this process, cell after cell.

Each claim is a function over the cells' results (what a cell printed, the value it showed, the orders in
the table after it), so that the same checks run on the chapter as it is and on a lab whose throttling
simulation is broken on purpose, where they must fail.
"""

from __future__ import annotations

import ast
import contextlib
import io
import random
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import boto3
import matplotlib
import nbformat
import pytest

import labkit
from labkit.front import TraceEntry
from labkit.front.throttle import Throttling
from labkit.race import Verdict, own_request, race

CHAPTER = Path(__file__).parent.parent / "notebooks" / "06_batches_and_retries.ipynb"
ORDERS = [f"order-{i:03}" for i in range(1, 26)]


@dataclass
class Cell:
    source: str
    printed: str
    value: object
    namespace: dict  # the chapter's names as this cell left them (a shallow copy)
    orders: list  # the Orders table's items after the cell
    batch_units: float  # write units the lab charged the cell's BatchWriteItem calls: one per order written


def run(source: str, namespace: dict) -> tuple[str, object]:
    """Run a cell as a kernel would: what it printed, and the value of its last expression."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # plt.show() on a non-interactive backend
        exec(compile(tree, "chapter 6", "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), "chapter 6", "eval"), namespace) if last else None
    return printed.getvalue(), value


def run_chapter() -> list[Cell]:
    matplotlib.use("Agg")
    notebook = nbformat.read(CHAPTER, as_version=4)
    namespace, cells, front = {}, [], labkit.connect().front
    for cell in notebook.cells:
        if cell.cell_type != "code" or "quiz_widget(" in cell.source:
            continue
        began = time.perf_counter()
        printed, value = run(cell.source, namespace)
        units = sum(e.capacity for e in front.since(began, "BatchWriteItem"))
        orders = labkit.scan_all(namespace["client"], "Orders")
        cells.append(Cell(cell.source, printed, value, dict(namespace), orders, units))
    import matplotlib.pyplot as plt
    plt.close("all")
    return cells


def cell(cells: list[Cell], snippet: str) -> Cell:
    """The first cell whose source contains ``snippet``."""
    return next(c for c in cells if snippet in c.source)


def solution(number: int) -> str:
    """The code of exercise ``number``'s solution, from its collapsed <details> cell."""
    notebook = nbformat.read(CHAPTER, as_version=4)
    revealed = [c.source for c in notebook.cells if c.cell_type == "markdown" and "<summary>Solution</summary>" in c.source]
    return re.search(r"```python\n(.*?)```", revealed[number - 1], re.S).group(1)


@pytest.fixture(scope="module")
def chapter(lab):
    return run_chapter()


# -- the claims ---------------------------------------------------------------------------------------

def refused_before_sending(cells):
    shown = cell(cells, "except ParamValidationError as error:").printed
    assert shown.startswith("ParamValidationError: Parameter validation failed:\n"
                            'Unknown parameter in RequestItems.Orders[0].PutRequest: "ConditionExpression", '
                            "must be one of: Item"), shown
    outcome = cell(cells, 'ConditionExpression="attribute_not_exists(OrderId)")').value
    assert outcome.code == "ParamValidationError" and 'Unknown parameter in input: "ConditionExpression"' in outcome.message


def partly_written(cells):
    """One throttled batch: some orders written, the others returned unwritten, nothing lost."""
    scene = cell(cells, "sent_back = unprocessed.get(")
    sent_back = {r["PutRequest"]["Item"]["OrderId"]["S"] for r in scene.namespace["sent_back"]}
    stored = {order["OrderId"] for order in scene.orders}
    assert 0 < len(sent_back) < 25, f"the simulation sent back {len(sent_back)} of 25"
    assert not sent_back & stored, f"sent back, yet written: {sorted(sent_back & stored)}"
    assert sent_back | stored == set(ORDERS), "some orders were neither written nor sent back"
    assert scene.printed.startswith(f"sent 25, sent back {len(sent_back)}, in the table {len(stored)}\n")


def none_taken(cells):
    scene = cell(cells, 'throttle("Orders", 1.0, seed=21)')
    assert scene.value.code == "ProvisionedThroughputExceededException", scene.value
    assert scene.orders == [], "a batch refused whole wrote something"


def retry_loop_converges(cells):
    """Every order written exactly once, the loop saw every request sent back, and the waits grew as asked."""
    scene = cell(cells, 'calls = write_all(client, {"Orders": order_puts(1, 25)}')
    calls = scene.namespace["calls"]
    assert len(calls) > 1, "nothing was sent back, so nothing was retried"
    assert all(later["sent"] == earlier["sent back"] for earlier, later in zip(calls, calls[1:]))
    assert calls[-1]["sent back"] == 0
    assert sum(c["sent"] - c["sent back"] for c in calls) == 25
    assert scene.batch_units == 25, f"the lab wrote {scene.batch_units} orders for 25"  # each order once
    assert {o["OrderId"]: o["total"] for o in scene.orders} == {f"order-{i:03}": 10 + i for i in range(1, 26)}
    for attempt, call in enumerate(calls[:-1]):
        assert call["wait up to (ms)"] == min(5000, 50 * 2 ** attempt) and 0 <= call["waited (ms)"] <= call["wait up to (ms)"]
    counted = cell(cells, "by the simulation's count").printed
    total = sum(c["sent back"] for c in calls)
    assert counted.endswith(f"sent back, by the loop's count: {total}; by the simulation's count: {total}\n"), counted


def every_share_converges(cells):
    lines = cell(cells, "fig, (pending_ax, waited_ax)").namespace["pending_ax"].get_lines()
    assert [line.get_label() for line in lines] == ["30% throttled", "50% throttled", "70% throttled"]
    assert all(line.get_ydata()[0] == 25 and line.get_ydata()[-1] == 0 for line in lines)
    calls_made = [len(line.get_xdata()) for line in lines]
    assert calls_made == sorted(calls_made) and calls_made[0] < calls_made[-1], calls_made


def batch_writer_resends_without_conditions(cells):
    scene = cell(cells, "with orders.batch_writer() as batch:\n        for i in range(1, 61)")
    calls = scene.namespace["calls"]
    assert all(c["sent"] <= 25 for c in calls), "batch_writer sent more than 25 requests in one call"
    assert sum(c["sent back"] for c in calls) > 0, "nothing was sent back, so nothing was resent"
    assert sum(c["sent"] - c["sent back"] for c in calls) == 60 and len(scene.orders) == 60
    assert scene.batch_units == 60, f"the lab wrote {scene.batch_units} orders for 60"
    escaped = cell(cells, 'escaped = "nothing"')
    assert escaped.printed == ("out of the with block: ProvisionedThroughputExceededException; "
                               "orders in the table: 59\n")
    last = escaped.namespace["calls"][-1]
    assert last["sent"] == last["sent back"] == 1


def costs(cells):
    frame = cell(cells, "def wcu(answer):").value
    sent_back = int(re.search(r"(\d+) sent back", frame.index[-1]).group(1))
    assert 0 < sent_back < 25, f"the throttled batch had {sent_back} of 25 sent back"
    assert list(frame["requests"]) == [25, 1, 1, 1, 1]
    assert list(frame["WCU"]) == [25, 25, 50, 75, 25 - sent_back], list(frame["WCU"])


def as_saved(cells):
    """The outputs shipped in the notebook are the ones a fresh run prints: the simulation is seeded."""
    saved = {c.source: "".join(o.get("text", "") for o in c.outputs)
             for c in nbformat.read(CHAPTER, as_version=4).cells if c.cell_type == "code"}
    for snippet in ("except ParamValidationError as error:", "sent_back = unprocessed.get(",
                    "by the simulation's count", 'escaped = "nothing"'):
        fresh = cell(cells, snippet)
        assert saved[fresh.source] == fresh.printed, snippet


CLAIMS = [refused_before_sending, partly_written, none_taken, retry_loop_converges, every_share_converges,
          batch_writer_resends_without_conditions, costs, as_saved]


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.__name__ for c in CLAIMS])
def test_the_chapter_shows(chapter, claim):
    claim(chapter)


def test_a_batch_overwrites_and_a_transaction_keeps_the_first_loader(chapter):
    def raced(snippet):  # the race, and what loaded_by() shows in the cell after it
        at = next(i for i, c in enumerate(chapter) if snippet in c.source)
        assert "loaded_by()" == chapter[at + 1].source.strip()
        return chapter[at].value, chapter[at + 1].value

    batch, orders = raced("race(lab, load_by_batch")
    writers = [int(w) for w in batch.frame["writer"]]
    assert list(batch.frame["outcome"]) == ["succeeded"] * 3
    assert writers[0] != writers[-1] and set(orders.values()) == {writers[-1]}  # the last loader's totals
    transaction, orders = raced("race(lab, load_if_new")
    assert sorted(transaction.frame["outcome"]) == ["TransactionCanceledException"] * 2 + ["succeeded"]
    winner = transaction.frame[transaction.frame["outcome"] == "succeeded"]["writer"]
    assert int(winner.iloc[0]) == int(transaction.frame.iloc[0]["writer"])  # the first to send it won
    assert set(orders.values()) == {int(winner.iloc[0])} and len(orders) == 3


def test_single_conditional_writes_decide_each_order_and_a_transaction_all(chapter):
    singles = cell(chapter, "for item in new_orders\n])").value
    assert dict(zip(singles["order"], singles["outcome"])) == {
        "order-001": "succeeded", "order-002": "succeeded", "order-003": "ConditionalCheckFailedException",
        "order-004": "succeeded", "order-005": "succeeded"}
    whole = cell(chapter, "outcome = labkit.attempt(client.transact_write_items")
    assert whole.namespace["outcome"].reasons == ["None", "None", "ConditionalCheckFailed", "None", "None"]
    assert [o["OrderId"] for o in whole.orders] == ["order-003"]


def test_overwrite_by_pkeys_sends_one_request_where_duplicates_are_refused(chapter):
    assert cell(chapter, "batch.put_item(Item={\"OrderId\": \"order-500\", \"total\": 2})\nexcept").printed == (
        "ValidationException - Provided list of item keys contains duplicates\n")
    kept = cell(chapter, "overwrite_by_pkeys=[\"OrderId\"]")
    assert kept.printed == "requests sent: [1]\n" and kept.value == {"OrderId": "order-500", "total": 2}


# -- the exercises: each check sets up what it checks, and says why a wrong answer is wrong --------------

def submit(namespace: dict, answer: str, check: str) -> str:
    """Run an answer's code, then a check cell, in the chapter's namespace: the one line the check showed."""
    exec(answer, namespace)
    printed, value = run(check, namespace)
    said = str(value)
    assert not printed and "\n" not in said and said.startswith(("Right: ", "Not yet: ")), (printed, said)
    return said


CHECK_1 = "check(counted_what_came_back)"
CHECK_2 = "check(sixty_orders_loaded, setup=throttled_orders)"

WRONG_1 = {  # answer -> the reason the check must give
    "tables, not requests": ('unprocessed = [r for a in answers for r in a["UnprocessedItems"].get("Orders", [])]\n'
                             'sent_back_total = sum(len(a["UnprocessedItems"]) for a in answers)\n'
                             'unwritten_ids = {r["PutRequest"]["Item"]["OrderId"]["S"] for r in unprocessed}',
                             "count the requests, in all three answers"),
    "typed ids": ('unprocessed = [r for a in answers for r in a["UnprocessedItems"].get("Orders", [])]\n'
                  'sent_back_total = len(unprocessed)\n'
                  'unwritten_ids = [r["PutRequest"]["Item"]["OrderId"] for r in unprocessed]',
                  "should be a set of OrderId strings"),
    "the first answer only": ('unprocessed = answers[0]["UnprocessedItems"].get("Orders", [])\n'
                              'sent_back_total = len(unprocessed)\n'
                              'unwritten_ids = {r["PutRequest"]["Item"]["OrderId"]["S"] for r in unprocessed}',
                              "requests came back in all, not"),
}

WRONG_2 = {
    "no retry": ("def load(client, table, requests):\n"
                 "    for start in range(0, len(requests), 25):\n"
                 "        client.batch_write_item(RequestItems={table: requests[start:start + 25]})",
                 "were not sent again"),
    "one call": ("def load(client, table, requests):\n"
                 "    client.batch_write_item(RequestItems={table: requests})",
                 "Not yet: DynamoDB refused the request: ValidationException: 1 validation error detected"),
    "an immediate retry": ("def load(client, table, requests):\n"
                           "    for start in range(0, len(requests), 25):\n"
                           "        write_all(client, {table: requests[start:start + 25]}, rng=random.Random(),\n"
                           "                  sleep=lambda seconds: None)",
                           "resends went out less than 1 ms after DynamoDB sent the requests back"),
    "a fixed pause": ("def load(client, table, requests):\n"
                      "    for start in range(0, len(requests), 25):\n"
                      "        pending = {table: requests[start:start + 25]}\n"
                      "        while pending:\n"
                      "            try:\n"
                      "                pending = client.batch_write_item(RequestItems=pending)['UnprocessedItems']\n"
                      "            except client.exceptions.ProvisionedThroughputExceededException:\n"
                      "                pass\n"
                      "            if pending:\n"
                      "                lab_sleep(0.1)",
                      "A fixed pause is not a backoff"),
}


def test_the_exercises_ship_unanswered(chapter):
    assert str(cell(chapter, CHECK_1).value) == ("Not yet: set sent_back_total in the cell above, run it, then run "
                                                 "this cell again.")
    assert str(cell(chapter, CHECK_2).value) == "Not yet: your code raised NotImplementedError: write load() in this cell"


@pytest.mark.parametrize("wrong", WRONG_1, ids=list(WRONG_1))
def test_exercise_1_says_why_a_wrong_answer_is_wrong_and_then_takes_the_right_one(chapter, wrong):
    """After Run All (whose exercise 2 check empties Orders), a wrong answer, then the solution, twice."""
    namespace = dict(cell(chapter, CHECK_2).namespace)
    answer, reason = WRONG_1[wrong]
    printed = submit(namespace, answer, cell(chapter, CHECK_1).source)
    assert printed.startswith("Not yet: ") and reason in printed, printed
    for _ in range(2):
        printed = submit(namespace, solution(1), cell(chapter, CHECK_1).source)
        assert printed.startswith("Right: ") and namespace["sent_back_total"] > 0, printed


@pytest.mark.parametrize("wrong", WRONG_2, ids=list(WRONG_2))
def test_exercise_2_says_why_a_wrong_answer_is_wrong_and_then_takes_the_right_one(chapter, wrong):
    namespace = dict(cell(chapter, CHECK_2).namespace)
    answer, reason = WRONG_2[wrong]
    printed = submit(namespace, answer, cell(chapter, CHECK_2).source)
    assert printed.startswith("Not yet: ") and reason in printed, printed
    printed = submit(namespace, solution(2), cell(chapter, CHECK_2).source)
    assert printed.startswith("Right: all 60 orders are in the table, after "), printed
    assert namespace["lab"].front.throttling.rules == {}, "the check left the throttling simulation on"


def test_each_exercise_passes_after_the_other(chapter):
    namespace = dict(cell(chapter, CHECK_2).namespace)
    for check, number in ((CHECK_1, 1), (CHECK_2, 2), (CHECK_1, 1), (CHECK_2, 2)):
        printed = submit(namespace, solution(number), cell(chapter, check).source)
        assert printed.startswith("Right: "), (number, printed)


@pytest.mark.parametrize("trace", ["as it is", "full"])
def test_a_default_client_retries_a_batch_refused_whole_4_times(lab, table, monkeypatch, trace):
    """Section 5's claim about botocore: the standard retry mode gives DynamoDB 4 attempts (waits skipped).
    Counted in a trace that is full, too, as after a long session (it keeps its last 100,000 requests)."""
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    default_client = boto3.client("dynamodb", region_name=lab.region)  # the lab routes the default session
    kept = list(lab.front.trace)
    if trace == "full":
        old = TraceEntry("BatchWriteItem", table, "an earlier request", 0.0, 0.0, 200, None)
        lab.front.trace.extend([old] * (lab.front.trace.maxlen - len(lab.front.trace)))
    lab.throttle(table, 1.0, seed=1)
    began = time.perf_counter()
    try:
        outcome = labkit.attempt(default_client.batch_write_item,
                                 RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})
        attempts = lab.front.since(began, "BatchWriteItem")
    finally:
        lab.throttle(table, 0)
        lab.front.trace.clear()
        lab.front.trace.extend(kept)
    assert outcome.code == "ProvisionedThroughputExceededException"
    assert outcome.response["ResponseMetadata"]["RetryAttempts"] == 3 and len(attempts) == 4


def test_own_request_names_the_rule_it_checks(lab):
    """The race's summary states the learner's invariant, not 'none given', when one is passed."""
    labkit.reset_table(lab.client, "Mine6", "pk")

    def claim(writer, client):
        return client.put_item(TableName="Mine6", Item={"pk": {"S": "x"}}, ConditionExpression="attribute_not_exists(pk)")

    scenario = own_request(claim, tables=("Mine6",), invariant="one item",
                           check=lambda final, frame, writers: Verdict(len(final["Mine6"]) == 1, {}))
    assert "invariant: one item: HELD" in str(race(lab, scenario, writers=2, mode="staged"))
    assert own_request(claim).invariant == "none given for a request of your own"


# -- the same claims on a lab whose throttling simulation is broken ------------------------------------

def never_throttles(self, table, requests):
    return requests, []


def writes_what_it_sends_back(self, table, requests):
    rule = self.rules.get(table)
    if rule is None:
        return requests, []
    return requests, [r for r in requests if rule.draw.random() < rule.share]  # all written, some reported not


_set = Throttling.set


def ignores_its_seed(self, table, share, seed=None):
    _set(self, table, share, None if seed is None else seed + 1)


@pytest.mark.slow
@pytest.mark.parametrize("method, sabotage, broken", [
    ("split", never_throttles, set(CLAIMS) - {refused_before_sending}),
    ("split", writes_what_it_sends_back, {partly_written, retry_loop_converges, batch_writer_resends_without_conditions}),
    ("set", ignores_its_seed, {as_saved}),
], ids=["never-throttles", "writes-what-it-sends-back", "ignores-its-seed"])
def test_the_claims_fail_when_the_throttling_simulation_is_broken(lab, monkeypatch, method, sabotage, broken):
    monkeypatch.setattr(Throttling, method, sabotage)
    cells = run_chapter()
    for claim in broken:
        with pytest.raises(AssertionError):
            claim(cells)


def test_the_quiz_bank_is_well_formed_and_its_answers_are_not_all_in_one_place():
    from labkit.quiz import Quiz

    questions = Quiz("batches").questions
    # at least eight, each proven against the lab or settled by a quoted sentence of the documentation
    assert len(questions) >= 8 and len({q.id for q in questions}) == len(questions)
    assert all(len(q.options) >= 3 and 0 <= q.answer < len(q.options) and len(q.why) > 40 for q in questions)
    assert len({q.answer for q in questions}) >= 3
