"""CreateTable, DescribeTable and DeleteTable with DynamoDB's table states (moto is ACTIVE at once)."""

from __future__ import annotations


def create_table(front, operation: str, params: dict) -> tuple[dict, float]:
    result = front.store.call("create_table", params)
    front.store.created(params["TableName"])
    result["TableDescription"]["TableStatus"] = "CREATING"
    return result, 0.0


def describe_table(front, operation: str, params: dict) -> tuple[dict, float]:
    result = front.store.call("describe_table", params)
    result["Table"]["TableStatus"] = front.store.status(params["TableName"])
    return result, 0.0


def delete_table(front, operation: str, params: dict) -> tuple[dict, float]:
    result = front.store.call("delete_table", params)
    front.store.deleted(params["TableName"])
    if front.stale.on:
        front.stale.forget_table(params["TableName"])
    result["TableDescription"]["TableStatus"] = "DELETING"
    return result, 0.0
