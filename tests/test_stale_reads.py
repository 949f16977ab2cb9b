"""Stale reads, simulated: eventually consistent reads may see a version replaced within the lag; strongly
consistent reads, transactional reads and conditions never do; the seed decides which, the same every run."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import ClientError

import labkit


def _key(name: str) -> dict:
    return {"pk": {"S": name}}


def _v(item: dict | None) -> int | None:
    return None if item is None else int(item["v"]["N"])


def _put(client, table, name, v):
    client.put_item(TableName=table, Item={"pk": {"S": name}, "v": {"N": str(v)}})


def _eventual(client, table, name):
    return _v(client.get_item(TableName=table, Key=_key(name)).get("Item"))


def _history(lab, client, table, seed):
    """Five versions of a new item, then twenty eventually consistent reads: what each saw."""
    client.delete_item(TableName=table, Key=_key("a"))
    with lab.stale_reads(lag_seconds=60, seed=seed):
        for v in range(5):
            _put(client, table, "a", v)
        return [_eventual(client, table, "a") for _ in range(20)]


def test_off_every_read_is_current(lab, client, table):
    assert not lab.front.stale.on
    for v in range(10):
        _put(client, table, "a", v)
        assert _eventual(client, table, "a") == v
        assert [_v(i) for i in client.scan(TableName=table)["Items"]] == [v]
    assert not any(e.stale for e in list(lab.front.trace)[-30:])
    assert "stale reads" not in repr(lab)  # the banner names it only while it is on


def test_on_with_a_seed_the_same_reads_are_stale_on_every_run(lab, client, table):
    first = _history(lab, client, table, seed=3)
    assert first == _history(lab, client, table, seed=3)
    stale = [v for v in first if v != 4]
    assert 0 < len(stale) < len(first)  # some stale, some current
    assert set(stale) <= {None, 0, 1, 2, 3}  # older committed versions, or no item (it did not exist then)
    assert _history(lab, client, table, seed=4) != first


def test_the_trace_marks_stale_reads_and_the_banner_says_it_is_simulated(lab, client, table):
    with lab.stale_reads(lag_seconds=60, seed=3) as simulation:
        assert repr(simulation).startswith("simulated: stale reads: on")
        assert "simulated: stale reads: on" in repr(lab)
        _put(client, table, "a", 0)
        _put(client, table, "a", 1)
        seen = [_eventual(client, table, "a") for _ in range(10)]
        entries = list(lab.front.trace)[-10:]
    assert [e.stale for e in entries] == [v != 1 for v in seen]
    assert repr(simulation).startswith("stale reads: off")


def _transact_get(client, table, name):
    found = client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": _key(name)}}])
    return _v(found["Responses"][0].get("Item"))


def test_consistent_reads_transactions_and_conditions_never_see_a_stale_item(lab, client, table):
    """Many seeded random interleavings of writes and reads on three items, against a model of each item's
    current version: a strongly consistent read, a transactional read and every condition see that one."""
    stale_seen = 0
    for seed in range(12):
        rng = random.Random(seed)
        current = {}
        with lab.stale_reads(lag_seconds=60, share=0.7, seed=seed):
            for step in range(50):
                name, action = rng.choice("abc"), rng.randrange(8)
                if action == 0:
                    current[name] = rng.randrange(1000)
                    _put(client, table, name, current[name])
                elif action == 1 and name in current:
                    client.delete_item(TableName=table, Key=_key(name))
                    del current[name]
                elif action == 2:  # a conditional update, decided on the current version: it must succeed
                    expected = current.get(name)
                    condition = "attribute_not_exists(pk)" if expected is None else "v = :old"
                    values = {":new": {"N": str(step)}} | ({} if expected is None else {":old": {"N": str(expected)}})
                    client.update_item(TableName=table, Key=_key(name), UpdateExpression="SET v = :new",
                                       ConditionExpression=condition, ExpressionAttributeValues=values)
                    current[name] = step
                elif action == 3:  # a ConditionCheck on the current version in a transaction: it must pass
                    expected = current.get(name)
                    check = {"TableName": table, "Key": _key(name),
                             "ConditionExpression": "attribute_not_exists(pk)" if expected is None else "v = :old"}
                    if expected is not None:
                        check["ExpressionAttributeValues"] = {":old": {"N": str(expected)}}
                    client.transact_write_items(TransactItems=[{"ConditionCheck": check}])
                elif action == 4:
                    got = client.get_item(TableName=table, Key=_key(name), ConsistentRead=True).get("Item")
                    assert _v(got) == current.get(name), (seed, step)
                elif action == 5:
                    assert _transact_get(client, table, name) == current.get(name), (seed, step)
                else:
                    stale_seen += _eventual(client, table, name) != current.get(name)
            for name in "abc":
                client.delete_item(TableName=table, Key=_key(name))
    assert stale_seen > 20  # the eventually consistent reads around them did go stale


def test_a_stale_read_is_never_older_than_the_lag(lab, client, table):
    """Versions written a second apart on the lab's clock, lag 3 s: a read sees only versions that were
    current at some moment within the last 3 s; once the clock has moved past the lag, only the current."""
    clock = lab.clock
    with lab.stale_reads(lag_seconds=3, share=1.0, seed=1):
        replaced_at = {}
        for v in range(8):
            if v:
                replaced_at[v - 1] = clock.now()
            _put(client, table, "a", v)
            clock.advance(1)
        now = clock.now()
        seen = {_eventual(client, table, "a") for _ in range(200)}
        assert seen - {7}, "with share 1, a read of an item written within the lag is stale"
        assert all(replaced_at[v] >= now - 3 for v in seen - {7}), (seen, replaced_at, now)
        clock.advance(3.01)
        assert {_eventual(client, table, "a") for _ in range(50)} == {7}


def test_an_item_that_did_not_exist_within_the_lag_reads_as_absent(lab, client, table):
    with lab.stale_reads(lag_seconds=5, share=1.0, seed=2):
        _put(client, table, "gone", 1)
        client.delete_item(TableName=table, Key=_key("gone"))
        lab.clock.advance(6)
        assert {_eventual(client, table, "gone") for _ in range(30)} == {None}
        _put(client, table, "new", 1)
        assert {_eventual(client, table, "new") for _ in range(30)} == {None}  # it did not exist a moment ago
        lab.clock.advance(6)
        assert {_eventual(client, table, "new") for _ in range(30)} == {1}
        assert _eventual(client, table, "never") is None


def test_only_versions_within_the_lag_are_kept(lab, client, table):
    stale = lab.front.stale
    with lab.stale_reads(lag_seconds=2, seed=0):
        for v in range(50):
            _put(client, table, f"k{v % 5}", v)
        assert sum(len(kept) for kept in stale._versions.values()) == 50
        lab.clock.advance(3)
        _put(client, table, "k0", 99)
        assert {k: len(kept) for k, kept in stale._versions.items()} == {labkit.front.conflicts.item_id(table, _key("k0")): 1}


@pytest.fixture
def indexed(client):
    name = "StaleIndexed"
    try:
        client.delete_table(TableName=name)
    except ClientError:
        pass
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "g", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                 "Projection": {"ProjectionType": "ALL"}}])
    labkit.wait_for(client, name)
    yield name
    client.delete_table(TableName=name)


def test_a_global_secondary_index_is_read_eventually_consistent_and_refuses_consistent_reads(lab, client, indexed):
    query = {"TableName": indexed, "IndexName": "byG", "KeyConditionExpression": "g = :g",
             "ExpressionAttributeValues": {":g": {"S": "x"}}}
    with lab.stale_reads(lag_seconds=60, seed=5):
        for v in range(4):
            client.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "g": {"S": "x"}, "v": {"N": str(v)}})
        seen = [[_v(i) for i in client.query(**query)["Items"]] for _ in range(20)]
        with pytest.raises(ClientError) as refused:
            client.query(**query, ConsistentRead=True)
    assert {tuple(s) for s in seen} - {(3,)}, "a GSI read is eventually consistent: some reads were stale"
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["Error"]["Message"] == "Consistent reads are not supported on global secondary indexes"


def test_read_capacity_is_billed_by_consistency_stale_or_not(lab, client, table):
    """A 5 KB item is two 4 KB units: 1 RCU eventually consistent, 2 strongly, 4 in a transaction."""
    big = "x" * 5000
    client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "-1"}, "d": {"S": big}})
    with lab.stale_reads(lag_seconds=60, seed=1):  # every version it can see is 5 KB
        for v in range(3):
            client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": str(v)}, "d": {"S": big}})
        eventual = [client.get_item(TableName=table, Key=_key("a"), ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
                    ["CapacityUnits"] for _ in range(12)]
        stale = [e.stale for e in list(lab.front.trace)[-12:]]
        strong = client.get_item(TableName=table, Key=_key("a"), ConsistentRead=True,
                                 ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"]
        transactional = client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": _key("a")}}],
                                                  ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"][0]["CapacityUnits"]
    assert any(stale) and not all(stale)
    assert set(eventual) == {1.0} and strong == 2.0 and transactional == 4.0


def test_bad_settings_are_refused_and_leave_it_off(lab):
    with pytest.raises(ValueError, match="lag_seconds"):
        lab.stale_reads(lag_seconds=0)
    with pytest.raises(ValueError, match="share"):
        lab.stale_reads(share=2)
    assert not lab.front.stale.on


def test_switching_it_on_inside_restores_the_outer_settings(lab):
    with lab.stale_reads(lag_seconds=5, seed=1, table="A"):
        with lab.stale_reads(lag_seconds=1, seed=2):
            assert lab.front.stale.tables is None
        assert lab.front.stale.settings() == (5.0, 0.5, 1, frozenset({"A"}))
    assert not lab.front.stale.on
