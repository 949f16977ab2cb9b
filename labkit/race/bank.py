"""Seed 002's ledger: transfers as two separate conditional updates, or as one TransactWriteItems.

Writer 1 is the bank closing bob's account; every other writer moves 10 from alice to bob. Each update is
guarded either way. What differs is what happens when the credit's condition fails after the debit
succeeded: two requests leave the money nowhere, one transaction changes neither account.
"""

from __future__ import annotations

from .scenario import Scenario, Verdict
from .stage import fresh_table
from .steps import write

OPENING = {"alice": 1000, "bob": 0}


def debit_alice(amount):
    return {
        "TableName": "Accounts",
        "Key": {"AccountId": {"S": "alice"}},
        "UpdateExpression": "SET balance = balance - :amount",
        "ConditionExpression": "balance >= :amount",
        "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
    }


def credit_bob(amount):
    return {
        "TableName": "Accounts",
        "Key": {"AccountId": {"S": "bob"}},
        "UpdateExpression": "SET balance = balance + :amount",
        "ConditionExpression": "#state = :open",
        "ExpressionAttributeNames": {"#state": "state"},  # STATE is a reserved word
        "ExpressionAttributeValues": {":amount": {"N": str(amount)}, ":open": {"S": "open"}},
    }


def close_bobs_account(client):
    return client.update_item(
        TableName="Accounts",
        Key={"AccountId": {"S": "bob"}},
        UpdateExpression="SET #state = :closed",
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={":closed": {"S": "closed"}},
    )


def debit(client, amount):
    return client.update_item(**debit_alice(amount))


def credit(client, amount):
    return client.update_item(**credit_bob(amount))


def transfer(client, amount):
    return client.transact_write_items(TransactItems=[
        {"Update": debit_alice(amount)},
        {"Update": credit_bob(amount)},
    ])


def naive_transfer(writer):
    if writer == 1:
        yield write(close_bobs_account)
    elif (yield write(debit, 10)).succeeded:
        yield write(credit, 10)


def guarded_transfer(writer):
    if writer == 1:
        yield write(close_bobs_account)
    else:
        yield write(transfer, 10)


def _money_check(final, frame, writers):
    balances = {item["AccountId"]: item["balance"] for item in final["Accounts"]}
    total, opening = sum(balances.values()), sum(OPENING.values())
    # a transfer is complete when its credit landed: the credit alone, or inside the transaction
    completed = frame[(frame["outcome"] == "succeeded") & frame["condition"].str.contains("#state = :open")]
    return Verdict(total == opening, {
        "total at the start": opening, "total now": total, "money vanished": opening - total,
        "transfers completed": len(completed), "alice": balances["alice"], "bob": balances["bob"]})


def _bank_setup(client, writers):
    fresh_table(client, "Accounts", "AccountId", [
        {"AccountId": {"S": name}, "balance": {"N": str(balance)}, "state": {"S": "open"}}
        for name, balance in OPENING.items()])


BANK_TRANSFER = Scenario(
    name="bank_transfer", title="Bank transfers", source="002",
    story="Alice has 1000, bob 0. Writer 1 is the bank closing bob's account; every other writer "
          "transfers 10 from alice to bob, and a credit is allowed only into an open account.",
    invariant="the total of all balances is conserved",
    tables=("Accounts",), setup=_bank_setup,
    programs={"naive": naive_transfer, "guarded": guarded_transfer}, check=_money_check,
    notes={"naive": "debit alice, then credit bob: two conditional updates, two requests",
           "guarded": "both updates in one TransactWriteItems: all or nothing"},
)
