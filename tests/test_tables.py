"""labkit.tables.wait_for: how often it asks, on a lab (ready in a tenth of a second) and on AWS (minutes)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from labkit import tables


class _Clock:
    """time.monotonic and time.sleep for wait_for, with no real waiting: sleeping moves the clock on."""

    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class _Table:
    """A client whose table becomes ``status`` at ``ready_at`` on the clock (absent before, for "gone")."""

    def __init__(self, clock: _Clock, ready_at: float, before: str = "CREATING", status: str = "ACTIVE"):
        self.clock, self.ready_at, self.before, self.status = clock, ready_at, before, status
        self.calls = 0

    def describe_table(self, TableName):  # noqa: N803 (boto3's name)
        self.calls += 1
        current = self.status if self.clock.now >= self.ready_at else self.before
        if current == "gone":
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "DescribeTable")
        return {"Table": {"TableStatus": current}}


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(tables, "time", SimpleNamespace(monotonic=fake.monotonic, sleep=fake.sleep))
    return fake


def test_a_lab_table_is_seen_active_within_one_poll_of_becoming_so(clock):
    client = _Table(clock, ready_at=0.1)
    tables.wait_for(client, "Users")
    assert clock.now < 0.1 + 0.05 + 1e-9  # polled every 50 ms: never more than one poll late
    assert set(clock.sleeps) == {0.05}


def test_after_the_first_second_polls_back_off_to_every_two_seconds(clock):
    client = _Table(clock, ready_at=30.0)
    tables.wait_for(client, "Users")
    late = [delay for delay in clock.sleeps if delay > 0.05]
    assert late[:6] == [0.1, 0.2, 0.4, 0.8, 1.6, 2.0] and set(late[6:]) == {2.0}
    assert client.calls < 40  # about 20 in the first second, then one every 2 s


def test_waiting_for_gone_ends_at_resource_not_found(clock):
    client = _Table(clock, ready_at=0.3, before="DELETING", status="gone")
    tables.wait_for(client, "Users", "gone")
    assert 0.3 <= clock.now < 0.35 + 1e-9


def test_a_table_that_never_gets_there_times_out_saying_where_it_is(clock):
    client = _Table(clock, ready_at=float("inf"))
    with pytest.raises(TimeoutError, match="table Users is CREATING, not ACTIVE"):
        tables.wait_for(client, "Users", timeout=10)
