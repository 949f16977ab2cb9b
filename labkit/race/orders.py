"""Seed 001's shop: stock that must never go negative, and an order that leaves 'pending' only once."""

from __future__ import annotations

from .scenario import Scenario, Verdict, successful_writes
from .stage import fresh_table
from .steps import read, write

# -- inventory never negative ----------------------------------------------------------------------


def read_stock(client):
    return client.get_item(TableName="Inventory", Key={"ProductId": {"S": "widget"}}, ConsistentRead=True)


def take_one_blindly(client):
    return client.update_item(
        TableName="Inventory",
        Key={"ProductId": {"S": "widget"}},
        UpdateExpression="SET quantity = quantity - :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )


def take_one_if_in_stock(client):
    return client.update_item(
        TableName="Inventory",
        Key={"ProductId": {"S": "widget"}},
        UpdateExpression="SET quantity = quantity - :one",
        ConditionExpression="quantity >= :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_purchase(writer):
    stock = (yield read(read_stock)).item
    if stock["quantity"] >= 1:
        yield write(take_one_blindly)


def guarded_purchase(writer):
    yield write(take_one_if_in_stock)


def _stock(writers):
    return max(1, writers // 2)


def _inventory_check(final, frame, writers):
    left, sold = final["Inventory"][0]["quantity"], len(successful_writes(frame))
    return Verdict(left >= 0 and sold == _stock(writers) - left, {
        "stock at the start": _stock(writers), "units sold": sold, "quantity left": left})


INVENTORY = Scenario(
    name="inventory", title="Inventory never negative", source="001",
    story="Every writer buys one widget. There are half as many widgets as writers.",
    invariant="quantity never goes below zero",
    tables=("Inventory",),
    setup=lambda client, writers: fresh_table(client, "Inventory", "ProductId", [
        {"ProductId": {"S": "widget"}, "quantity": {"N": str(_stock(writers))}}]),
    programs={"naive": naive_purchase, "guarded": guarded_purchase}, check=_inventory_check,
    notes={"naive": "check the stock in Python, then decrement: the check is stale by the time of the write",
           "guarded": "decrement only if quantity >= 1, checked by DynamoDB on the item as it is"},
)

# -- state machine: pending -> shipped or cancelled ------------------------------------------------


def target_status(writer):
    """Odd writers are the warehouse (ship the order), even writers the customer (cancel it)."""
    return "shipped" if writer % 2 else "cancelled"


def read_order(client):
    return client.get_item(TableName="Orders", Key={"OrderId": {"S": "order-123"}}, ConsistentRead=True)


def move_blindly(client, new_status, writer):
    return client.update_item(
        TableName="Orders",
        Key={"OrderId": {"S": "order-123"}},
        UpdateExpression="SET #status = :new, handled_by = :writer",
        ExpressionAttributeNames={"#status": "status"},  # STATUS is a reserved word
        ExpressionAttributeValues={":new": {"S": new_status}, ":writer": {"N": str(writer)}},
    )


def move_if_pending(client, new_status, writer):
    return client.update_item(
        TableName="Orders",
        Key={"OrderId": {"S": "order-123"}},
        UpdateExpression="SET #status = :new, handled_by = :writer",
        ConditionExpression="#status = :pending",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":new": {"S": new_status}, ":writer": {"N": str(writer)},
                                   ":pending": {"S": "pending"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )


def naive_transition(writer):
    order = (yield read(read_order)).item
    if order["status"] == "pending":
        yield write(move_blindly, target_status(writer), writer)


def guarded_transition(writer):
    yield write(move_if_pending, target_status(writer), writer)


def _transition_check(final, frame, writers):
    moved = successful_writes(frame)
    shipped = int((moved["writer"] % 2 == 1).sum())
    order = final["Orders"][0]
    return Verdict(len(moved) <= 1, {
        "writers told 'shipped'": shipped, "writers told 'cancelled'": len(moved) - shipped,
        "status in the table": order["status"]})


STATE_MACHINE = Scenario(
    name="state_machine", title="State machine: pending -> shipped", source="001",
    story="Order-123 is pending. Odd writers are the warehouse shipping it, even writers the customer "
          "cancelling it; each move is allowed only from pending.",
    invariant="the order leaves 'pending' exactly once",
    tables=("Orders",),
    setup=lambda client, writers: fresh_table(client, "Orders", "OrderId", [
        {"OrderId": {"S": "order-123"}, "status": {"S": "pending"}}]),
    programs={"naive": naive_transition, "guarded": guarded_transition}, check=_transition_check,
    notes={"naive": "check the status in Python, then SET it: an order can be both shipped and cancelled",
           "guarded": "SET #status only if #status = pending: one move wins"},
)
