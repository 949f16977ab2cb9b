"""Read-modify-write on eventually consistent reads: a deposit to a wallet, with stale reads simulated.

DynamoDB's default read is eventually consistent: it may not show a write that has just completed. A
read-modify-write built on it can lose an update with no race at all: read a balance that is one deposit
behind, add to it, write it back, and the deposit in between is gone. Here the wallet has just received a
deposit when the writers start, and each writer deposits once more, with the lab's stale-read simulation on
(labelled wherever it shows):

- naive: read (eventually consistent), add, write the balance back: a stale read loses the deposit it did
  not see, so more is lost than with consistent reads, where only writers that race overwrite each other;
- guarded: the write demands the version read; a stale read carries a stale version, so its write is
  refused and (under a retry policy) the writer reads again: nothing lost, more refusals and retries;
- consistent: guarded, and read with ``ConsistentRead=True``: nothing lost, fewer retries, each read
  billed twice (1 RCU per 4 KB instead of 0.5).
"""

from __future__ import annotations

import contextlib

from .scenario import Scenario, Verdict, successful_writes
from .stage import fresh_table
from .steps import STALE_READ, read, write

AMOUNT = 10
LAG_SECONDS, SHARE = 1.0, 0.5  # the simulation's lag (the lab's clock) and share of reads that may be stale


def read_wallet(client):
    return client.get_item(TableName="Wallets", Key={"WalletId": {"S": "w-1"}})


def read_wallet_consistently(client):
    return client.get_item(TableName="Wallets", Key={"WalletId": {"S": "w-1"}}, ConsistentRead=True)


def save_balance(client, balance, version):
    return client.update_item(
        TableName="Wallets",
        Key={"WalletId": {"S": "w-1"}},
        UpdateExpression="SET balance = :balance, version = :next",
        ExpressionAttributeValues={":balance": {"N": str(balance)}, ":next": {"N": str(version + 1)}},
    )


def save_balance_if_version(client, balance, version):
    return client.update_item(
        TableName="Wallets",
        Key={"WalletId": {"S": "w-1"}},
        UpdateExpression="SET balance = :balance, version = :next",
        ConditionExpression="version = :expected",
        ExpressionAttributeValues={":balance": {"N": str(balance)}, ":next": {"N": str(version + 1)},
                                   ":expected": {"N": str(version)}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_deposit(writer):
    wallet = (yield read(read_wallet)).item
    yield write(save_balance, wallet["balance"] + AMOUNT, wallet["version"])


def guarded_deposit(writer):
    wallet = (yield read(read_wallet)).item
    yield write(save_balance_if_version, wallet["balance"] + AMOUNT, wallet["version"])


def consistent_deposit(writer):
    wallet = (yield read(read_wallet_consistently)).item
    yield write(save_balance_if_version, wallet["balance"] + AMOUNT, wallet["version"])


def _balance_check(final, frame, writers):
    deposits = 1 + len(successful_writes(frame))  # the one made just before the writers started, and theirs
    balance = int(final["Wallets"][0]["balance"])
    reads, writes = frame[frame["step"] == "read"], frame[frame["step"] == "write"]
    return Verdict(balance == AMOUNT * deposits, {
        "deposits made": deposits, "balance": balance, "deposits lost": deposits - balance // AMOUNT,
        "stale reads (simulated)": int((reads["seen"] == STALE_READ).sum()),
        "writes refused": int((writes["outcome"] == "ConditionalCheckFailedException").sum()),
        "retries": int(frame.groupby("writer")["retry"].max().sum())})


@contextlib.contextmanager
def _just_after_a_deposit(lab, seed):
    """Stale reads on Wallets from the seed, and a first deposit made the moment before the writers start:
    the version it replaced is within the lag, so an eventually consistent read may still see it."""
    with lab.stale_reads(LAG_SECONDS, share=SHARE, seed=seed, table="Wallets"):
        save_balance(lab.client, AMOUNT, 0)
        yield


STALE_BALANCE = Scenario(
    name="stale_balance", title="A deposit on an eventually consistent read", source="lab",
    story=f"Wallet w-1 has just received a deposit of {AMOUNT} (balance {AMOUNT}, version 1). Every writer "
          f"deposits {AMOUNT} more: read the balance, add in Python, write it back. Reads are eventually "
          f"consistent unless ConsistentRead=True, and the lab simulates stale reads (lag {LAG_SECONDS:g} s, "
          f"about {SHARE:.0%} of the reads of an item written within it).",
    invariant=f"balance equals {AMOUNT} times the deposits made",
    tables=("Wallets",),
    setup=lambda client, writers: fresh_table(client, "Wallets", "WalletId", [
        {"WalletId": {"S": "w-1"}, "balance": {"N": "0"}, "version": {"N": "0"}}]),
    programs={"naive": naive_deposit, "guarded": guarded_deposit, "consistent": consistent_deposit},
    check=_balance_check, retryable=True, simulation=_just_after_a_deposit,
    notes={"naive": "read (eventually consistent), add, write back: a stale read loses the deposit it missed",
           "guarded": "the write demands the version read: a stale read's write is refused; a loser re-reads "
                      "(retry policy)",
           "consistent": "guarded, and ConsistentRead=True: fewer refusals, each read billed twice"},
)
