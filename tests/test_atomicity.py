"""Every request is atomic, as in DynamoDB: no lost update, no second winner, whatever the concurrency.

Raw moto 5.2.5 is not thread-safe: the same optimistic-locking loop loses increments there, which would
teach the opposite of the truth. These tests fail on it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import labkit

THREADS, INCREMENTS = 16, 50


def optimistic_increments(client, table: str, key: str, increments: int) -> int:
    """Read the version, write version+1 only if nobody else did meanwhile; retry on conflict.
    Returns the number of successful conditional updates."""
    done = 0
    while done < increments:
        item = client.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
        seen = item["v"]["N"]
        try:
            client.update_item(
                TableName=table, Key={"pk": {"S": key}},
                UpdateExpression="SET v = v + :one", ConditionExpression="v = :seen",
                ExpressionAttributeValues={":one": {"N": "1"}, ":seen": {"N": seen}})
            done += 1
        except client.exceptions.ConditionalCheckFailedException:
            pass
    return done


def run_threads(clients, target) -> list:
    results = [None] * len(clients)
    start = threading.Barrier(len(clients))

    def work(i):
        start.wait()
        results[i] = target(clients[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def counter(client, table: str, key: str) -> int:
    return int(client.get_item(TableName=table, Key={"pk": {"S": key}})["Item"]["v"]["N"])


def test_optimistic_locking_loses_no_update(lab, table):
    lab.client.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": {"N": "0"}})
    successes = run_threads(lab.clients(THREADS), lambda c: optimistic_increments(c, table, "c", INCREMENTS))
    assert sum(successes) == THREADS * INCREMENTS
    assert counter(lab.client, table, "c") == THREADS * INCREMENTS


def put_if_absent(client, table: str, key: str, writer: int) -> bool:
    try:
        client.put_item(TableName=table, Item={"pk": {"S": key}, "writer": {"N": str(writer)}},
                        ConditionExpression="attribute_not_exists(pk)")
        return True
    except client.exceptions.ConditionalCheckFailedException:
        return False


def test_exactly_one_winner_in_every_round(lab, table):
    clients = lab.clients(32)
    for round_ in range(200):
        key = f"r{round_}"
        wins = run_threads(clients, lambda c, key=key: put_if_absent(c, table, key, clients.index(c)))
        assert wins.count(True) == 1, f"round {round_}: {wins.count(True)} winners"
        stored = lab.client.get_item(TableName=table, Key={"pk": {"S": key}})["Item"]["writer"]["N"]
        assert wins[int(stored)] is True  # the item holds the winner's write, not a loser's


CHILD = textwrap.dedent("""
    import sys, threading
    sys.path.insert(0, {root!r})
    import labkit
    from test_atomicity import optimistic_increments, run_threads
    lab = labkit.connect("server", port={port})
    assert lab.front is None  # joined the parent's server, did not start its own
    done = run_threads(lab.clients(4), lambda c: optimistic_increments(c, {table!r}, "c", {n}))
    print(sum(done))
""")


def test_processes_sharing_the_server_lose_no_update(table):
    server_lab = labkit.connect("server", port=0)
    port = server_lab.server.server_address[1]
    server_lab.client.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": {"N": "0"}})
    code = CHILD.format(root=str(__import__("pathlib").Path(__file__).parent), port=port, table=table, n=25)
    children = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    in_kernel = run_threads(server_lab.clients(4), lambda c: optimistic_increments(c, table, "c", 25))
    from_children = [int(child.communicate(timeout=300)[0].strip()) for child in children]
    assert all(child.returncode == 0 for child in children)
    assert sum(in_kernel) + sum(from_children) == 3 * 4 * 25
    assert counter(server_lab.client, table, "c") == 3 * 4 * 25
