"""The race engine and its scenarios: guards hold, naive versions really break, staged runs repeat."""

from __future__ import annotations

import ast
import html
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

import labkit
from labkit.race import Verdict, engine, get_scenario, library, own_request, race, report, scenarios
from labkit.palette import in_outcome_order
from labkit.race.report import summary_html

ROOT = Path(__file__).resolve().parent.parent

GUARDED = [(name, variant) for name, s in scenarios().items() for variant in s.variants if variant != "naive"]
NAIVE = list(scenarios())


@pytest.mark.parametrize("name, variant", GUARDED)
def test_guarded_version_holds_its_invariant_in_every_threaded_run(lab, name, variant):
    broken = [r.verdict.numbers for r in (race(lab, name, writers=32, variant=variant) for _ in range(100))
              if not r.held]
    assert broken == []


@pytest.mark.parametrize("name", NAIVE)
def test_naive_version_breaks_in_staged_mode_at_every_size(lab, name):
    for writers in (2, 3, 8, 32, 64):
        result = race(lab, name, writers=writers, variant="naive", mode="staged", seed=writers)
        assert not result.held, (writers, result.verdict.numbers)


@pytest.mark.parametrize("name", NAIVE)
def test_naive_version_breaks_in_most_threaded_runs(lab, name):
    broke = sum(not race(lab, name, writers=32, variant="naive").held for _ in range(20))
    assert broke >= 10


def test_staged_mode_tells_the_same_story_every_run(lab):
    first, second = (race(lab, "optimistic_lock", writers=6, mode="staged", retry="backoff", seed=3) for _ in range(2))
    assert first.frame.equals(second.frame)
    assert first.final == second.final


def test_staged_rounds_put_every_read_before_any_write(lab):
    frame = race(lab, "optimistic_lock", writers=5, variant="naive", mode="staged").frame
    assert list(frame["step"]) == ["read"] * 5 + ["write"] * 5
    assert list(frame["start"]) == [float(t) for t in range(0, 20, 2)]
    assert set(frame["latency"]) == {1.0}


def test_guarded_registration_has_one_winner_and_shows_who_beat_the_rest(lab):
    result = race(lab, "registration", writers=8, mode="staged")
    assert (len(result.winners), len(result.losers)) == (1, 7)
    winner_email = f"alice.{result.winners[0]}@example.com"
    assert result.final["Users"] == [{"Email": winner_email, "Username": "alice"}]
    losers = result.frame[result.frame["outcome"] != "succeeded"]
    assert set(losers["outcome"]) == {"ConditionalCheckFailedException"}
    assert all(item == {"Email": winner_email, "Username": "alice"} for item in losers["item"])
    assert set(losers["condition"]) == {"attribute_not_exists(Username)"}


def test_naive_counter_numbers_show_the_lost_updates(lab):
    result = race(lab, "optimistic_lock", writers=8, variant="naive", mode="staged")
    assert result.verdict.numbers == {"increments reported": 8, "hits in the table": 1, "updates lost": 7}


@pytest.mark.parametrize("mode", ["staged", "threads"])
@pytest.mark.parametrize("policy", ["immediate", "backoff"])
def test_retrying_losers_reread_until_every_increment_lands(lab, mode, policy):
    result = race(lab, "optimistic_lock", writers=6, mode=mode, retry=policy)
    assert result.held
    assert result.final["Counters"][0]["hits"] == len(result.winners)
    assert len(result.winners) >= 5  # 8 attempts each: at most a very unlucky writer gives up
    assert result.frame["retry"].max() >= 1


def test_without_retries_a_loser_gives_up(lab):
    result = race(lab, "optimistic_lock", writers=6, mode="staged", retry="none")
    assert len(result.winners) == 1 and result.frame["retry"].max() == 0


def test_transfer_in_a_transaction_is_cancelled_with_one_reason_per_action(lab):
    result = race(lab, "bank_transfer", writers=5, mode="staged", seed=1)
    cancelled = result.frame[result.frame["outcome"] == "TransactionCanceledException"]
    assert len(cancelled) > 0
    assert set(cancelled["reasons"]) == {"None, ConditionalCheckFailed"}
    assert result.verdict.numbers["money vanished"] == 0


def test_naive_transfer_loses_money_when_the_credit_fails(lab):
    result = race(lab, "bank_transfer", writers=5, variant="naive", mode="staged")
    numbers = result.verdict.numbers
    assert numbers["money vanished"] == numbers["total at the start"] - numbers["total now"] > 0


def test_legacy_expected_guards_the_claim_like_a_condition_expression(lab):
    legacy = race(lab, "task_claim", writers=8, variant="legacy", mode="staged")
    modern = race(lab, "task_claim", writers=8, variant="guarded", mode="staged")
    assert legacy.held and modern.held
    assert legacy.frame["condition"].iloc[0].startswith("Expected ")
    assert list(legacy.frame["outcome"]) == list(modern.frame["outcome"])


def test_role_change_uses_a_placeholder_for_the_reserved_word(lab):
    code = get_scenario("role_change").code("guarded")
    assert '"#role": "Role"' in code and "#role = :seen" in code
    assert race(lab, "role_change", writers=2, mode="staged").held


def test_scenario_code_is_the_plain_boto3_the_writers_run():
    code = get_scenario("bank_transfer").code("guarded")
    assert "client.transact_write_items(" in code and "def debit_alice" in code and "def guarded_transfer" in code
    assert "client.put_item(" in get_scenario("registration").code("naive")


def test_a_learners_own_request_races_like_a_scenario(lab):
    labkit.reset_table(lab.client, "Mine", "pk")

    def claim(writer, client):
        return client.put_item(TableName="Mine", Item={"pk": {"S": "x"}, "by": {"N": str(writer)}},
                               ConditionExpression="attribute_not_exists(pk)")

    result = race(lab, claim, writers=12)
    assert len(result.winners) == 1
    assert result.frame["request"].eq("put_item").all()
    assert "ConditionExpression" in own_request(claim).code("yours")

    def check(final, frame, writers):
        return Verdict(len(final["Mine"]) == 1, {"items": len(final["Mine"])})

    mine = own_request(claim, setup=lambda client, n: labkit.reset_table(client, "Mine", "pk"), tables=("Mine",),
                       check=check)
    assert race(lab, mine, writers=4, mode="staged").verdict == Verdict(True, {"items": 1})


def test_a_broken_request_is_a_row_not_a_crash(lab):
    def broken(writer, client):
        raise RuntimeError("typo in my request")

    frame = race(lab, broken, writers=3).frame
    assert list(frame["outcome"]) == ["RuntimeError"] * 3
    assert set(frame["message"]) == {"typo in my request"}


def test_bad_arguments_are_refused(lab):
    with pytest.raises(ValueError, match="between 1 and 64"):
        race(lab, "registration", writers=65)
    with pytest.raises(ValueError, match="variants"):
        race(lab, "registration", variant="legacy")
    with pytest.raises(ValueError, match="unknown scenario"):
        race(lab, "nope")


# -- fairness: in threads mode every writer can win, none far more often than its share -------------------


def wins_per_writer(lab, scenario: str, writers: int, runs: int) -> list[int]:
    wins = [0] * (writers + 1)
    for _ in range(runs):
        for writer in race(lab, scenario, writers=writers).winners:
            wins[writer] += 1
    return wins[1:]


def test_every_writer_can_win_a_threaded_race_and_none_wins_far_above_its_share(lab):
    # 240 races of 8 writers: 30 wins each expected (standard deviation about 5). The bounds are generous:
    # a fair release falls outside them about once in 600,000 runs of this test (exact binomial odds).
    wins = wins_per_writer(lab, "registration", writers=8, runs=240)
    assert sum(wins) == 240
    assert min(wins) >= 8 and max(wins) <= 60, wins


def test_at_64_writers_no_writer_is_favoured(lab):
    # 40 races of 64 writers: each writer is expected to win 0.6 of them; 7 or more happens to some writer
    # about once in 6,000 fair runs. Before the release was shuffled, writer 64 won nine races in ten.
    wins = wins_per_writer(lab, "task_claim", writers=64, runs=40)
    assert max(wins) <= 6, {writer: n for writer, n in enumerate(wins, 1) if n}


# -- what the summary says ------------------------------------------------------------------------------


def one_writer_after_another(crew, order):
    """Threads mode as it would run if no two writers ever overlapped: what timing sometimes does."""
    clock = iter(range(10_000))
    for writer in crew:
        while not writer.done:
            writer.take_step(lambda: float(next(clock)))


def test_a_naive_run_that_holds_says_the_race_did_not_happen(lab, monkeypatch):
    monkeypatch.setattr(engine, "_run_threads", one_writer_after_another)
    result = race(lab, "task_claim", writers=8, variant="naive")
    assert result.held
    assert "happened not to overlap" in result.held_by_chance and "staged mode" in result.held_by_chance
    assert result.held_by_chance in str(result)
    summary = summary_html(result)
    assert "Naive code, no race this time." in summary and report.HELD_BY_CHANCE in summary
    assert "#2e7d32" not in summary  # no green HELD over a naive program
    monkeypatch.undo()
    assert race(lab, "task_claim", writers=8, variant="guarded").held_by_chance == ""
    assert race(lab, "task_claim", writers=8, variant="naive", mode="staged").held_by_chance == ""  # it broke
    assert "nobody to race" in race(lab, "task_claim", writers=1, variant="naive", mode="staged").held_by_chance


def test_the_summary_groups_the_requests_by_outcome(lab):
    result = race(lab, "optimistic_lock", writers=64, mode="staged", retry="immediate")
    assert result.requests_line() == ("requests: 484 reads (484 succeeded); "
                                      "484 writes (8 succeeded, 476 ConditionalCheckFailedException)")


def test_every_summary_lists_the_outcomes_in_one_order(lab):
    def book(writer, client):  # writer 1's request is refused, writer 2's condition is always false
        condition = {1: "attribute_not_exists(:bad)", 2: "attribute_exists(Nobody)"}.get(writer, "attribute_not_exists(SeatId)")
        return client.put_item(TableName="Seats", Item={"SeatId": {"S": "1A"}}, ConditionExpression=condition)

    for seed in range(4):  # whichever request comes first
        labkit.reset_table(lab.client, "Seats", "SeatId")
        result = race(lab, book, writers=4, mode="staged", seed=seed)
        assert result.requests_line() == ("requests: 4 writes (1 succeeded, 2 ConditionalCheckFailedException, "
                                          "1 ValidationException)")
    assert in_outcome_order(["ValidationException", "TransactionCanceledException", "AccessDenied", "succeeded",
                             "ConditionalCheckFailedException"]) == [
        "succeeded", "ConditionalCheckFailedException", "TransactionCanceledException", "AccessDenied",
        "ValidationException"]


def test_failed_conditions_are_charged_write_capacity_on_the_labs_meter(lab):
    result = race(lab, "registration", writers=8, mode="staged")
    assert result.capacity == {"WCU by writes that succeeded": 1.0, "WCU by writes whose condition failed": 7.0}
    assert ("capacity charged (the lab's meter, in write and read capacity units, WCU and RCU, which 4. Patterns, "
            "9. What a failed write costs defines; how much a refused write is charged: the lab's assumption): "
            "1 WCU by writes that succeeded, 7 WCU by writes whose condition failed") in result.notes()
    assert '<a href="04_patterns.ipynb#9.-What-a-failed-write-costs">4. Patterns, 9. What a failed write costs</a>' \
        in result._repr_html_()  # the summary links the section that defines the units
    reads = race(lab, "optimistic_lock", writers=4, variant="naive", mode="staged").capacity
    assert reads == {"RCU by reads": 4.0, "WCU by writes that succeeded": 4.0}  # ConsistentRead: 1 RCU each


def test_a_retry_policy_on_a_naive_variant_says_it_is_not_used(lab):
    result = race(lab, "optimistic_lock", writers=6, variant="naive", mode="staged", retry="immediate")
    assert result.frame["retry"].max() == 0
    assert "retries: not used here, a naive writer's writes carry no condition, so none ever learns that it lost" \
        in result.notes()
    assert not get_scenario("optimistic_lock").retries("naive") and get_scenario("optimistic_lock").retries("guarded")


# -- shape: one registry, and layers that point one way ---------------------------------------------------


def test_the_catalogue_lists_each_scenario_once_in_teaching_order():
    names = [scenario.name for scenario in library.CATALOGUE]
    assert len(set(names)) == len(names)
    assert list(scenarios()) == names
    # the race lab chapter's eight first, as it tells them; then the patterns chapter's, then the mappers'
    assert names[:8] == ["registration", "role_change", "optimistic_lock", "retry_counter", "inventory",
                         "state_machine", "task_claim", "bank_transfer"]
    assert names[8:] == ["stale_balance", "payment_transitions", "role_grant", "order_cleanup", "unique_email", "task_claim_pynamodb"]


def test_importing_labkit_and_its_race_engine_loads_no_widgets_or_plots():
    code = ("import sys, labkit, labkit.race\n"
            "lab = labkit.connect()\n"
            "print(labkit.race.race(lab, 'registration', writers=3, mode='staged')._repr_html_()[:9])\n"
            "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'labkit.views') if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split("\n")
    assert shown[:2] == ["<div clas", "[]"]


def labkit_imports(added: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Which labkit modules each labkit module imports (at the top or inside a function). Importing a module
    first runs its packages' ``__init__``, so those count too, except a module's own package. ``added``:
    module -> source lines to read as if they were in it."""
    modules = {}
    for path in (ROOT / "labkit").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if package else parts)] = (path, package)
    graph = {}
    for name, (path, package) in modules.items():
        here = name.split(".") if package else name.split(".")[:-1]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text() + "\n" + (added or {}).get(name, ""))):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(here[:len(here) - node.level + 1] + [node.module or ""]).strip(".") \
                    if node.level else node.module
                targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
        targets = {t for t in targets if t in modules}
        parents = {".".join(t.split(".")[:i]) for t in targets for i in range(2, t.count(".") + 1)}
        graph[name] = (targets | {p for p in parents if not name.startswith(p + ".")}) - {name}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    state, path = {}, []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = "done"
        return []

    return next((found for module in sorted(graph) if module not in state and (found := visit(module))), [])


def reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_labkit_imports_in_no_circle_and_the_core_never_reaches_the_views():
    graph = labkit_imports()
    assert cycle_in(graph) == []
    core = [m for m in graph if m.startswith(("labkit.front", "labkit.race")) or m in ("labkit", "labkit.outcome")]
    assert {m: sorted(v) for m in core if (v := {t for t in reaches(graph, m) if t.startswith("labkit.views")})} == {}


def test_the_import_check_sees_a_circle_and_a_core_module_reaching_a_view():
    old_registry = labkit_imports({"labkit.race.scenario": "def get_scenario():\n    from . import library"})
    assert cycle_in(old_registry)[:2] == ["labkit.race.library", "labkit.race.bank"]
    drawn_by_the_engine = labkit_imports({"labkit.race.result": "from ..views.timeline import timeline"})
    assert cycle_in(drawn_by_the_engine) != []  # the views import the race engine
    assert {"labkit.views", "labkit.views.widget"} <= reaches(drawn_by_the_engine, "labkit.race")


def test_a_scene_remakes_a_table_of_the_same_name_keyed_otherwise(lab):
    """Chapters that share one lab (the server and endpoint backends) may name one table with other keys."""
    labkit.reset_table(lab.client, "Orders", "pk")
    lab.client.put_item(TableName="Orders", Item={"pk": {"S": "someone else's"}})
    result = race(lab, "state_machine", writers=2, mode="staged")
    assert result.verdict.held
    key = lab.client.describe_table(TableName="Orders")["Table"]["KeySchema"]
    assert key == [{"AttributeName": "OrderId", "KeyType": "HASH"}]


def test_a_race_that_leaves_many_items_lists_the_first_few_not_all(lab):
    """64 writers each signing up a member of their own left 64 items, all in the summary's last line: 1,841 px
    of race lab widget at 1400 px wide. The summary lists the first few and says how many in all."""
    result = race(lab, "unique_email", writers=64, variant="naive", mode="staged")
    [line] = [line for line in result.notes() if line.startswith("final Members")]
    assert line.startswith("final Members: {") and line.endswith(" … (64 in all)"), line
    assert len(line) < 300, len(line)
    few = race(lab, "unique_email", writers=2, variant="naive", mode="staged")
    assert [line for line in few.notes() if line.startswith("final Members")] == [f"final Members: {few.final['Members']}"]


def test_a_number_that_lists_every_writers_move_is_cut_after_the_first_few(lab):
    """The naive payment race at 64 writers listed all 32 transitions, twice, in 700-character lines (1,477 px
    of race lab widget): the summary keeps the first entries that fit and says how many in all, in text and page."""
    result = race(lab, "payment_transitions", writers=64, variant="naive", mode="staged")
    full = result.verdict.numbers["transitions applied"]
    assert len(full) > 600  # the verdict itself keeps every transition (the tests and the comparison read it)
    [line] = [line for line in result.summary_lines() if line.startswith("  transitions applied: ")]
    assert len(line) < 300 and re.search(r" \| \w+ -> \w+ … \(\d+ in all\)$", line), line
    from labkit.race.report import summary_html
    shown = html.unescape(summary_html(result))
    assert full not in shown and line.split(": ", 1)[1] in shown


def test_a_cancelled_transactions_free_bill_is_labelled_as_the_labs_assumption(lab):
    """The documentation does not say what a cancelled transaction costs: where a race cancelled one, its
    capacity line says that charging it nothing is the lab's assumption; where none was cancelled, it does not."""
    def capacity_line(result):
        [line] = [line for line in result.notes() if line.startswith("capacity charged")]
        return line
    guarded = race(lab, "bank_transfer", writers=8, variant="guarded", mode="staged")
    assert (guarded.frame["outcome"] == "TransactionCanceledException").any()
    assert "; nothing for a cancelled transaction: the lab's assumption): " in capacity_line(guarded)
    naive = race(lab, "bank_transfer", writers=8, variant="naive", mode="staged")
    assert "cancelled" not in capacity_line(naive)
    assert "; how much a refused write is charged: the lab's assumption): " in capacity_line(naive)
