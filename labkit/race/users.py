"""Seed 000's Users table: one account per username, and a role that several admins change at once."""

from __future__ import annotations

from .scenario import Scenario, Verdict, successful_writes
from .stage import fresh_table
from .steps import read, write

# -- duplicate registration ------------------------------------------------------------------------


def register_blindly(client, writer):
    return client.put_item(
        TableName="Users",
        Item={"Username": {"S": "alice"}, "Email": {"S": f"alice.{writer}@example.com"}},
        ReturnValues="ALL_OLD",  # shows whose account this put silently replaced
    )


def register_if_new(client, writer):
    return client.put_item(
        TableName="Users",
        Item={"Username": {"S": "alice"}, "Email": {"S": f"alice.{writer}@example.com"}},
        ConditionExpression="attribute_not_exists(Username)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",  # shows who registered first
    )


def naive_registration(writer):
    yield write(register_blindly, writer)


def guarded_registration(writer):
    yield write(register_if_new, writer)


def _registration_check(final, frame, writers):
    told = len(successful_writes(frame))
    accounts = final["Users"]
    return Verdict(told == len(accounts) == 1, {
        "writers told 'account created'": told,
        "accounts in the table": len(accounts),
        "email kept": accounts[0]["Email"] if accounts else "none",
        "writers whose account was silently replaced": max(told - 1, 0),
    })


REGISTRATION = Scenario(
    name="registration", title="Duplicate registration", source="000",
    story="Every writer signs up the username alice, with its own email address, at the same moment.",
    invariant="each writer told 'account created' owns an account",
    tables=("Users",), setup=lambda client, writers: fresh_table(client, "Users", "Username", []),
    programs={"naive": naive_registration, "guarded": guarded_registration}, check=_registration_check,
    notes={"naive": "a blind put_item: every put succeeds and replaces the one before",
           "guarded": "put_item with attribute_not_exists(Username): exactly one succeeds"},
)

# -- role change race ------------------------------------------------------------------------------

FLIP = {"member": "admin", "admin": "member"}


def read_role(client):
    return client.get_item(TableName="Users", Key={"Username": {"S": "alice"}}, ConsistentRead=True)


def set_role_blindly(client, new_role):
    return client.update_item(
        TableName="Users",
        Key={"Username": {"S": "alice"}},
        UpdateExpression="SET #role = :new",
        ExpressionAttributeNames={"#role": "Role"},  # ROLE is a reserved word
        ExpressionAttributeValues={":new": {"S": new_role}},
        ReturnValues="ALL_OLD",
    )


def set_role_if_unchanged(client, seen_role, new_role):
    return client.update_item(
        TableName="Users",
        Key={"Username": {"S": "alice"}},
        UpdateExpression="SET #role = :new",
        ConditionExpression="#role = :seen",
        ExpressionAttributeNames={"#role": "Role"},
        ExpressionAttributeValues={":new": {"S": new_role}, ":seen": {"S": seen_role}},
        ReturnValues="ALL_OLD",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_role_change(writer):
    seen = (yield read(read_role)).item["Role"]
    yield write(set_role_blindly, FLIP[seen])


def guarded_role_change(writer):
    seen = (yield read(read_role)).item["Role"]
    yield write(set_role_if_unchanged, seen, FLIP[seen])


def _role_check(final, frame, writers):
    seen = {(row.writer, row.retry): row.item["Role"] for row in frame[frame["step"] == "read"].itertuples()}
    flips = successful_writes(frame)  # ReturnValues=ALL_OLD: each one's item is the role it replaced
    stale = sum(row.item["Role"] != seen[(row.writer, row.retry)] for row in flips.itertuples())
    return Verdict(stale == 0, {
        "flips reported": len(flips),
        "flips that replaced a role their admin never saw": int(stale),
        "role in the table": final["Users"][0]["Role"],
    })


def _role_setup(client, writers):
    fresh_table(client, "Users", "Username", [
        {"Username": {"S": "alice"}, "Email": {"S": "alice@example.com"}, "Role": {"S": "member"}}])


ROLE_CHANGE = Scenario(
    name="role_change", title="Role change race", source="000",
    story="Every admin looks at alice's role and flips it: a member is promoted to admin, an admin is "
          "demoted to member. Each believes its flip was applied to the role it saw.",
    invariant="every reported flip was applied to the role its admin saw",
    tables=("Users",), setup=_role_setup,
    programs={"naive": naive_role_change, "guarded": guarded_role_change}, check=_role_check, retryable=True,
    notes={"naive": "read the role, then SET #role blindly",
           "guarded": "read the role, then SET #role only if #role is still the role that was read"},
)
