"""The conflict lab: transactions and single writes fired at hot items (threads, conflicts simulated),
tabulated by outcome; and the two phases of a transaction drawn from the lab's trace."""

from __future__ import annotations

import pytest

import labkit
from labkit.race.contention import contend
from labkit.views.conflicts import TABLE_CLASS, ConflictLab, two_phase


def test_without_retries_transactions_meet_conflicts_and_the_counters_match_what_committed(lab):
    result = contend(lab, transactions=8, single_writes=4, hot_items=2, hold_ms=40, retry="none")
    assert (result.frame["attempt"] == 1).all()
    table = result.by_outcome()
    assert table.loc["transaction"].sum() == 8 and table.loc["single write"].sum() == 4
    assert "cancelled: TransactionConflict" in table.columns
    assert result.held, (result.counters, result.committed_increments)
    assert "simulated" in result.simulated


def test_with_backoff_and_the_same_token_every_writer_commits_once(lab):
    result = contend(lab, transactions=8, single_writes=4, hot_items=2, hold_ms=20, retry="backoff")
    assert list(result.by_outcome().columns) == ["succeeded"]
    assert sum(result.counters.values()) == 2 * 8 + 4
    assert result.frame["attempt"].max() > 1  # some writers had to retry
    retried = result.frame[result.frame["kind"] == "transaction"].groupby("writer")["token"].nunique()
    assert (retried == 1).all()  # one token per transaction, however often it was sent


def test_a_committed_transaction_shows_its_hold_on_the_timeline(lab):
    result = contend(lab, transactions=3, single_writes=0, hot_items=3, hold_ms=30, retry="backoff")
    held = result.frame.dropna(subset=["held_start"])
    assert len(held) == 3
    assert ((held["start"] <= held["held_start"]) & (held["held_start"] < held["held_end"])
            & (held["held_end"] <= held["end"])).all()
    assert (held["held_end"] - held["held_start"] >= 30).all()


def test_bad_settings_are_refused_plainly(lab):
    with pytest.raises(ValueError, match="hot_items"):
        contend(lab, hot_items=0)
    with pytest.raises(ValueError, match="retry"):
        contend(lab, retry="forever")


def test_fire_draws_the_outcome_table_and_keeps_a_history(lab):
    widget = ConflictLab(lab, transactions=4, single_writes=2, hot_items=2, hold_ms=10, retry="backoff")
    result = widget.fire_once()
    assert f'class="{TABLE_CLASS}"' in widget.table.value
    assert result.by_outcome().to_dict() == {"succeeded": {"transaction": 4, "single write": 2}}  # with retries, all
    assert ">transaction</th><td style='padding:2px 12px;border-bottom:1px solid #ddd;text-align:right'>4</td>" in (
        widget.table.value)
    assert bytes(widget.picture.value).startswith(b"\x89PNG")
    assert "HELD" in widget.summary.value and "simulated" in widget.summary.value
    widget.retry.value = "none"
    widget.fire_once()
    assert len(widget.runs) == 2 and result is not widget.last
    assert not lab.front.conflicts.on  # switched off again after every run


def test_two_phase_draws_a_held_transaction_and_the_requests_that_met_it(lab, table):
    client = lab.client
    client.put_item(TableName=table, Item={"pk": {"S": "a"}})
    with lab.conflicts(hold_seconds=60) as sim:
        started = sim.start(client.transact_write_items, TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}, "v": {"N": "1"}}}}])
        labkit.attempt(client.delete_item, TableName=table, Key={"pk": {"S": "a"}})
        lab.clock.advance(seconds=60)
        started.result(timeout=30)
    picture = two_phase(lab, last=2)
    assert repr(picture) == "<the lab's trace: 2 requests, 1 transaction held>"
    assert [e.operation for e in picture.entries] == ["TransactWriteItems", "DeleteItem"]
    assert picture._repr_png_().startswith(b"\x89PNG")
