"""The race engine and its scenarios: guards hold, naive versions really break, staged runs repeat."""

from __future__ import annotations

import pytest

import labkit
from labkit.race import get_scenario, own_request, race, scenarios, Verdict

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
