"""Seed 001's patterns that the other scenario modules do not race yet.

- a payment's state machine, its allowed transitions kept as data and the condition built from them;
- set membership with ``contains``: a role granted once, however many approvers click at the same moment;
- a conditional delete: a clean-up job that may delete an order only while it is cancelled;
- a unique second attribute: ``attribute_not_exists(email)`` on a table keyed by the user does not make
  emails unique; a sentinel item keyed by the email, written in the same transaction, does.

Insert-if-not-exists, optimistic locking, bounded counters and stock are raced by ``users``, ``counters``
and ``orders``.
"""

from __future__ import annotations

from .scenario import Scenario, Verdict, successful_writes
from .stage import fresh_table
from .steps import read, write

# -- payments: transitions as data ------------------------------------------------------------------

# Seed 001's payment lifecycle: each state and the states it may move to.
TRANSITIONS = {
    "pending": ["authorized", "failed"],
    "authorized": ["captured", "declined"],
    "captured": ["settled", "refunded"],
    "settled": ["refunded"],
    "failed": [],
    "declined": [],
    "refunded": [],
}
SERVICES = ("captured", "declined", "settled", "refunded")


def target_state(writer):
    """Writers take turns being the service that captures, declines, settles or refunds the payment."""
    return SERVICES[(writer - 1) % len(SERVICES)]


def allowed_from(to_state):
    """The states the table allows to move to ``to_state``."""
    return [state for state, nexts in TRANSITIONS.items() if to_state in nexts]


def transition_condition(to_state):
    """The condition that admits exactly the table's ways into ``to_state``, and its values."""
    sources = allowed_from(to_state)
    if not sources:
        raise ValueError(f"no state may move to {to_state!r}")
    values = {f":from{i}": {"S": state} for i, state in enumerate(sources)}
    return f"#state IN ({', '.join(values)})", values


def read_payment(client):
    return client.get_item(TableName="Payments", Key={"PaymentId": {"S": "pay-1"}}, ConsistentRead=True)


def set_state_blindly(client, to_state, writer):
    return client.update_item(
        TableName="Payments",
        Key={"PaymentId": {"S": "pay-1"}},
        UpdateExpression="SET #state = :to, updated_by = :writer",
        ExpressionAttributeNames={"#state": "state"},  # STATE is a reserved word
        ExpressionAttributeValues={":to": {"S": to_state}, ":writer": {"N": str(writer)}},
        ReturnValues="ALL_OLD",  # shows the state this write replaced
    )


def set_state_if_unchanged(client, from_state, to_state, writer):
    return client.update_item(
        TableName="Payments",
        Key={"PaymentId": {"S": "pay-1"}},
        UpdateExpression="SET #state = :to, updated_by = :writer",
        ConditionExpression="#state = :from",
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={":to": {"S": to_state}, ":writer": {"N": str(writer)},
                                   ":from": {"S": from_state}},
        ReturnValues="ALL_OLD",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def set_state_if_allowed(client, to_state, writer):
    condition, sources = transition_condition(to_state)
    return client.update_item(
        TableName="Payments",
        Key={"PaymentId": {"S": "pay-1"}},
        UpdateExpression="SET #state = :to, updated_by = :writer",
        ConditionExpression=condition,
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={":to": {"S": to_state}, ":writer": {"N": str(writer)}, **sources},
        ReturnValues="ALL_OLD",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_payment(writer):
    payment = (yield read(read_payment)).item
    to_state = target_state(writer)
    if to_state in TRANSITIONS[payment["state"]]:
        yield write(set_state_blindly, to_state, writer)


def unchanged_payment(writer):
    payment = (yield read(read_payment)).item
    to_state = target_state(writer)
    if to_state in TRANSITIONS[payment["state"]]:
        yield write(set_state_if_unchanged, payment["state"], to_state, writer)


def guarded_payment(writer):
    yield write(set_state_if_allowed, target_state(writer), writer)


def _transition_check(final, frame, writers):
    moves = [(row.item["state"], target_state(row.writer)) for row in successful_writes(frame).itertuples()]
    forbidden = [f"{old} -> {new}" for old, new in moves if new not in TRANSITIONS[old]]
    return Verdict(not forbidden, {
        "transitions applied": " | ".join(f"{old} -> {new}" for old, new in moves) or "none",
        "transitions the table forbids": ", ".join(forbidden) or "none",
        "state in the table": final["Payments"][0]["state"]})


PAYMENT_TRANSITIONS = Scenario(
    name="payment_transitions", title="State transitions from a table", source="001",
    story="Payment pay-1 is authorized. The writers are services acting on it at once: in turn, one "
          "captures it, one declines it, one settles it, one refunds it. Which moves are allowed is data: "
          "the table of transitions.",
    invariant="every transition applied is one the table allows",
    tables=("Payments",),
    setup=lambda client, writers: fresh_table(client, "Payments", "PaymentId", [
        {"PaymentId": {"S": "pay-1"}, "state": {"S": "authorized"}}]),
    programs={"naive": naive_payment, "if_unchanged": unchanged_payment, "guarded": guarded_payment},
    check=_transition_check, retryable=True,
    notes={"naive": "read the state, check the table in Python, then SET the new state blindly",
           "if_unchanged": "the expressions article's way: check the table in Python, then SET only if #state is still the state read",
           "guarded": "no read: SET only if #state IN (the states the table allows into the target)"},
)

# -- set membership: a role granted once ------------------------------------------------------------


def read_bob(client):
    return client.get_item(TableName="Users", Key={"Username": {"S": "bob"}}, ConsistentRead=True)


def grant_editor_blindly(client):
    return client.update_item(
        TableName="Users",
        Key={"Username": {"S": "bob"}},
        UpdateExpression="ADD #roles :editor, licences :one",
        ExpressionAttributeNames={"#roles": "roles"},  # ROLES is a reserved word
        ExpressionAttributeValues={":editor": {"SS": ["editor"]}, ":one": {"N": "1"}},
    )


def grant_editor_once(client):
    return client.update_item(
        TableName="Users",
        Key={"Username": {"S": "bob"}},
        UpdateExpression="ADD #roles :editor, licences :one",
        ConditionExpression="NOT contains(#roles, :role)",
        ExpressionAttributeNames={"#roles": "roles"},
        ExpressionAttributeValues={":editor": {"SS": ["editor"]}, ":one": {"N": "1"}, ":role": {"S": "editor"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_grant(writer):
    bob = (yield read(read_bob)).item
    if "editor" not in bob.get("roles", set()):
        yield write(grant_editor_blindly)


def guarded_grant(writer):
    yield write(grant_editor_once)


def _licence_check(final, frame, writers):
    bob = final["Users"][0]
    roles, licences = bob.get("roles", set()), bob.get("licences", 0)
    return Verdict(licences == len(roles), {
        "approvers told 'editor granted'": len(successful_writes(frame)),
        "roles bob holds": ", ".join(sorted(roles)) or "none", "licences billed": licences})


ROLE_GRANT = Scenario(
    name="role_grant", title="Set membership: a role granted once", source="001",
    story="Bob has no roles yet. Every writer is an approver granting him the editor role at the same "
          "moment; each role held costs one licence, counted in the same update.",
    invariant="bob is billed one licence per role he holds",
    tables=("Users",),
    setup=lambda client, writers: fresh_table(client, "Users", "Username", [{"Username": {"S": "bob"}}]),
    programs={"naive": naive_grant, "guarded": guarded_grant}, check=_licence_check,
    notes={"naive": "check the set in Python, then ADD: the set keeps one editor, the licence count grows",
           "guarded": "ADD only if NOT contains(#roles, :role), checked on the item as it is"},
)

# -- conditional delete: only a cancelled order ------------------------------------------------------


def read_order(client):
    return client.get_item(TableName="Orders", Key={"OrderId": {"S": "order-123"}}, ConsistentRead=True)


def restore_if_cancelled(client):
    return client.update_item(
        TableName="Orders",
        Key={"OrderId": {"S": "order-123"}},
        UpdateExpression="SET #status = :pending",
        ConditionExpression="#status = :cancelled",  # an order that is gone stays gone
        ExpressionAttributeNames={"#status": "status"},  # STATUS is a reserved word
        ExpressionAttributeValues={":pending": {"S": "pending"}, ":cancelled": {"S": "cancelled"}},
    )


def archive_order(client, order):
    return client.put_item(
        TableName="Orders",
        Item={"OrderId": {"S": "archive#order-123"}, "status": {"S": order["status"]},
              "total": {"N": str(order["total"])}},
    )


def delete_blindly(client):
    return client.delete_item(
        TableName="Orders",
        Key={"OrderId": {"S": "order-123"}},
        ReturnValues="ALL_OLD",  # shows what this delete removed
    )


def delete_if_cancelled(client):
    return client.delete_item(
        TableName="Orders",
        Key={"OrderId": {"S": "order-123"}},
        ConditionExpression="#status = :cancelled",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":cancelled": {"S": "cancelled"}},
        ReturnValues="ALL_OLD",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def undo_cancel():
    order = (yield read(read_order)).item
    if order and order["status"] == "cancelled":
        yield write(restore_if_cancelled)


def clean_up(writer, delete):
    if writer % 2:  # odd writers speak for the customer
        yield from undo_cancel()
        return
    order = (yield read(read_order)).item
    if order and order["status"] == "cancelled":
        yield write(archive_order, order)
        yield write(delete)


def naive_cleanup(writer):
    yield from clean_up(writer, delete_blindly)


def guarded_cleanup(writer):
    yield from clean_up(writer, delete_if_cancelled)


def _cleanup_check(final, frame, writers):
    done = successful_writes(frame)
    removed = [row.item["status"] for row in done[done["request"] == "delete_item"].itertuples() if row.item]
    wrong = [status for status in removed if status != "cancelled"]
    order = next((item for item in final["Orders"] if item["OrderId"] == "order-123"), None)
    restored = (done["request"] == "update_item").any()
    return Verdict(not wrong, {
        "orders deleted": len(removed), "orders deleted that were not cancelled": len(wrong),
        "customer told 'order restored'": "yes" if restored else "no",
        "order-123 now": order["status"] if order else "gone"})


ORDER_CLEANUP = Scenario(
    name="order_cleanup", title="Conditional delete: only a cancelled order", source="001",
    story="Order-123 was cancelled, and the customer has changed their mind: odd writers restore it for them "
          "(from the app, or a support agent). Even writers are workers of a clean-up job: each reads the "
          "order, copies it to the archive, then deletes it.",
    invariant="an order is deleted only while it is cancelled",
    tables=("Orders",),
    setup=lambda client, writers: fresh_table(client, "Orders", "OrderId", [
        {"OrderId": {"S": "order-123"}, "status": {"S": "cancelled"}, "total": {"N": "42"}}]),
    programs={"naive": naive_cleanup, "guarded": guarded_cleanup}, check=_cleanup_check,
    notes={"naive": "check the status in Python, archive, then delete: the check is stale by the time of the delete",
           "guarded": "the delete itself demands #status = cancelled"},
)

# -- a unique second attribute -----------------------------------------------------------------------

EMAIL = "alice@example.com"


def sign_up_checking_email(client, writer):
    return client.put_item(
        TableName="Members",
        Item={"pk": {"S": f"USER#u-{writer}"}, "userId": {"S": f"u-{writer}"}, "email": {"S": EMAIL}},
        ConditionExpression="attribute_not_exists(email)",  # looks only at the item USER#u-<writer>
    )


def sign_up_claiming_email(client, writer):
    return client.transact_write_items(TransactItems=[
        {"Put": {
            "TableName": "Members",
            "Item": {"pk": {"S": f"USER#u-{writer}"}, "userId": {"S": f"u-{writer}"}, "email": {"S": EMAIL}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }},
        {"Put": {  # the sentinel: an item whose key is the email, so that only one can exist
            "TableName": "Members",
            "Item": {"pk": {"S": f"EMAIL#{EMAIL}"}, "userId": {"S": f"u-{writer}"}},
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }},
    ])


def naive_sign_up(writer):
    yield write(sign_up_checking_email, writer)


def guarded_sign_up(writer):
    yield write(sign_up_claiming_email, writer)


def _email_check(final, frame, writers):
    members = [item for item in final["Members"] if item["pk"].startswith("USER#") and item["email"] == EMAIL]
    owner = next((item["userId"] for item in final["Members"] if item["pk"] == f"EMAIL#{EMAIL}"), "none")
    told = len(successful_writes(frame))
    return Verdict(len(members) <= 1 and told == len(members), {
        "writers told 'signed up'": told, f"members with {EMAIL}": len(members), "email sentinel owned by": owner})


UNIQUE_EMAIL = Scenario(
    name="unique_email", title="A unique second attribute: one account per email", source="001",
    story=f"Members are keyed by their user id. Every writer signs up a new user id with the same email, "
          f"{EMAIL}, at the same moment.",
    invariant="one member per email address",
    tables=("Members",), setup=lambda client, writers: fresh_table(client, "Members", "pk", []),
    programs={"naive": naive_sign_up, "guarded": guarded_sign_up}, check=_email_check,
    notes={"naive": "put_item with attribute_not_exists(email): the condition sees only the new user's own item",
           "guarded": "one transaction: the user, and a sentinel item keyed by the email, both only if new"},
)
