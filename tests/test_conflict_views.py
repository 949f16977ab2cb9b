"""The conflict lab: transactions and single writes fired at hot items (threads, conflicts simulated),
tabulated by outcome; and the two phases of a transaction drawn from the lab's trace."""

from __future__ import annotations

import struct
import time

import pytest

import labkit
from labkit.race import contention
from labkit.race.contention import contend
from labkit.views import conflicts
from labkit.views.conflicts import TABLE_CLASS, ConflictLab, contention_height_px, two_phase
from labkit.views.timeline import PIXEL_RATIO, WIDTH_PX


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
    png = bytes(widget.picture.value)
    assert png.startswith(b"\x89PNG") and widget.picture.layout.width == f"{WIDTH_PX}px"
    assert struct.unpack(">II", png[16:24]) == (WIDTH_PX * PIXEL_RATIO, contention_height_px(6) * PIXEL_RATIO)
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
    png, metadata = picture._repr_png_()
    assert png.startswith(b"\x89PNG") and struct.unpack(">I", png[16:20])[0] == metadata["width"] * PIXEL_RATIO


def test_contend_reports_each_writer_as_it_finishes(lab):
    seen = []
    contend(lab, transactions=5, single_writes=3, hot_items=2, hold_ms=10, retry="backoff", progress=seen.append)
    assert seen == list(range(1, 9))


def test_fire_shows_progress_while_the_writers_run_and_the_fire_button_waits(lab, monkeypatch):
    """A stand-in for contend that takes its time: the widget must show each step while it runs, from the
    thread that clicked Fire, then hide the progress and give the button back."""
    real = contention.contend
    shown, disabled = [], []

    def slow(lab, progress, **settings):
        for finished in range(1, 4):
            time.sleep(0.4)
            progress(finished)
        return real(lab, **{**settings, "transactions": 2, "single_writes": 1})

    monkeypatch.setattr(conflicts, "contend", slow)
    widget = ConflictLab(lab, transactions=2, single_writes=1, hot_items=2, hold_ms=5)
    widget.progress_text.observe(lambda change: (shown.append(change["new"]),
                                                 disabled.append(widget.fire.disabled)), "value")
    assert widget.fire_once() is not None
    assert [f"writers finished: {n} of 3" for n in (1, 2, 3)] == [t for t in shown if t.startswith("writers")][-3:]
    assert all(disabled) and not widget.fire.disabled and widget.running.layout.display == "none"


def test_the_largest_run_is_drawn_sharp_no_taller_than_its_cap_with_one_artist_per_colour(lab):
    result = contend(lab, transactions=contention.MAX_WRITERS, single_writes=contention.MAX_WRITERS, hot_items=1,
                     hold_ms=5, retry="backoff")
    figure = conflicts.contention_figure(result)
    axes = figure.axes[0]
    assert not axes.patches and len(axes.collections) <= result.frame["outcome"].nunique() + 1  # not one per attempt
    assert sum(len(c.get_paths()) for c in axes.collections) == len(result.frame) + result.frame["held_start"].notna().sum()
    png = conflicts._png(figure)
    assert struct.unpack(">II", png[16:24]) == (WIDTH_PX * PIXEL_RATIO, 600 * PIXEL_RATIO)
