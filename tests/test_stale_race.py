"""The stale-read race: deposits on eventually consistent reads, naive, guarded with a version, and guarded
with ConsistentRead=True; the attempts table marks the stale reads; the summary compares the variants."""

from __future__ import annotations

import dataclasses

import pytest

from labkit.race import get_scenario, race
from labkit.race.compare import side_by_side
from labkit.race.report import race_table
from labkit.race.stale_reads import AMOUNT, STALE_BALANCE, read_wallet_consistently, save_balance
from labkit.race.steps import STALE_READ, read, write

SEEDS = range(6)
WRITERS = (1, 2, 4)


@pytest.fixture(scope="module")
def compared(lab):
    """Every variant, staged, retrying at once, for each number of writers and seed: the comparison tables."""
    return {(writers, seed): side_by_side(lab, "stale_balance", writers=writers, mode="staged", seed=seed,
                                          retry="immediate") for writers in WRITERS for seed in SEEDS}


def _total(compared, variant, column, writers=WRITERS):
    return sum(table.loc[column, variant] for (w, _), (table, _) in compared.items()
               if w in writers and column in table.index)


def _naive_consistent(writer):
    wallet = (yield read(read_wallet_consistently)).item
    yield write(save_balance, wallet["balance"] + AMOUNT, wallet["version"])


def test_naive_loses_deposits_and_more_than_with_consistent_reads(lab, compared):
    assert all(table.loc["invariant", "naive"] == "BROKEN" for (w, _), (table, _) in compared.items() if w > 1)
    consistent_reads = dataclasses.replace(STALE_BALANCE, programs={"naive": _naive_consistent})
    for writers in WRITERS:
        baseline = sum(race(lab, consistent_reads, writers=writers, mode="staged", seed=s).verdict.numbers["deposits lost"]
                       for s in SEEDS)
        assert _total(compared, "naive", "deposits lost", (writers,)) > baseline, writers
    assert _total(compared, "naive", "deposits lost", (1,)) > 0  # one writer alone, no race: a stale read did it


def test_guarded_variants_lose_nothing_and_stale_reads_cost_more_retries(compared):
    for table, _ in compared.values():
        assert list(table.loc["invariant", ["guarded", "consistent"]]) == ["HELD", "HELD"]
        assert list(table.loc["deposits lost", ["guarded", "consistent"]]) == [0, 0]
        assert table.loc["stale reads (simulated)", "consistent"] == 0
    for writers in WRITERS:
        assert _total(compared, "guarded", "retries", (writers,)) > _total(compared, "consistent", "retries", (writers,))
    assert _total(compared, "consistent", "retries", (1,)) == 0  # alone and reading consistently: never refused
    assert _total(compared, "guarded", "WCU by writes whose condition failed") > \
        _total(compared, "consistent", "WCU by writes whose condition failed")


def test_reads_are_billed_half_eventually_consistent_and_whole_consistent(compared):
    for table, results in compared.values():
        # the comparison names both kinds of reads, side by side, before the writes
        costs = [row for row in table.index if row.startswith(("RCU", "WCU"))]
        assert costs[:2] == ["RCU by eventually consistent reads", "RCU by strongly consistent reads"], costs
        assert table.loc["RCU by strongly consistent reads", "consistent"] == results["consistent"].capacity["RCU by reads"]
        for variant, result in results.items():
            reads = int((result.frame["step"] == "read").sum())
            consistent = variant == "consistent"
            assert result.capacity.get("RCU by reads", 0) == (reads if consistent else 0), variant
            assert result.capacity.get("RCU by eventually consistent reads", 0) == (0 if consistent else reads / 2)


def test_the_same_seed_tells_the_same_story(lab, compared):
    again = race(lab, "stale_balance", writers=4, variant="guarded", mode="staged", seed=3, retry="immediate").frame
    first = compared[(4, 3)][1]["guarded"].frame
    columns = ["writer", "retry", "step", "outcome", "item", "seen"]
    assert again[columns].equals(first[columns])


def test_each_read_is_marked_stale_exactly_when_it_saw_an_older_version(compared):
    """Guarded writes add one to the version, so the current version at any moment is 1 (the deposit made
    before the writers start) plus the writes that succeeded before it: a read marked current saw it, a read
    marked stale an older one."""
    for results in (results for _, results in compared.values()):
        frame, current = results["guarded"].frame, 1
        for row in frame.itertuples():
            if row.step == "write":
                current += row.outcome == "succeeded"
            elif row.seen == STALE_READ:
                assert row.item["version"] < current
            else:
                assert row.seen == "current" and row.item["version"] == current


def test_the_table_and_summary_say_the_stale_reads_are_simulated(lab, compared):
    result = compared[(4, 2)][1]["guarded"]
    assert "stale reads simulated" in result.headline()
    assert any(line.startswith("simulated: stale reads: on (Wallets)") for line in result.notes())
    html = race_table(result).to_html()
    assert ">seen<" in html and STALE_READ in html
    assert not lab.front.stale.on  # switched on for the writers only
    plain = race(lab, "optimistic_lock", writers=2, mode="staged")
    assert ">seen<" not in race_table(plain).to_html() and plain.stale is None


def test_a_learners_own_stale_read_setting_comes_back_after_the_race(lab):
    with lab.stale_reads(lag_seconds=7, seed=1):
        race(lab, "stale_balance", writers=2, mode="staged")
        assert lab.front.stale.settings() == (7.0, 0.5, 1, None)


def test_threads_mode_guarded_variants_hold(lab):
    for variant in ("guarded", "consistent"):
        for _ in range(3):
            result = race(lab, "stale_balance", writers=16, variant=variant, retry="immediate")
            assert result.held, result.verdict.numbers


def test_the_scenario_opens_the_patterns_chapters_scenarios():
    from labkit.race import scenarios

    names = list(scenarios())
    assert names.index("stale_balance") == names.index("payment_transitions") - 1
    assert get_scenario("stale_balance").variants == ("naive", "guarded", "consistent")
