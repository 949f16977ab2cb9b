"""The tutorials' tables: create, reset, wait for ACTIVE, and show as a DataFrame."""

from __future__ import annotations

import time

from botocore.exceptions import ClientError

from .outcome import plain

# name -> (partition key, sort key or None); every key attribute is a string.
TUTORIAL_TABLES = {
    "Users": ("Username", None),
}


def wait_for(client, table: str, status: str = "ACTIVE", timeout: float = 120.0) -> None:
    """Poll DescribeTable until the table has ``status`` ("gone" waits for it to disappear): every 50 ms for
    the first second, which is all a lab's table takes, then less and less often, up to every 2 s, as AWS's
    tables take seconds to minutes."""
    start = time.monotonic()
    deadline, delay = start + timeout, 0.05
    while True:
        try:
            current = client.describe_table(TableName=table)["Table"]["TableStatus"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            current = "gone"
        if current == status:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {table} is {current}, not {status}, after {timeout} s")
        time.sleep(delay)
        if time.monotonic() - start > 1.0:
            delay = min(delay * 2, 2.0)


def create_table(client, name: str, partition_key: str | None = None, sort_key: str | None = None) -> None:
    """Create an on-demand table (keys are strings) and wait until it is ACTIVE."""
    if partition_key is None:
        partition_key, sort_key = TUTORIAL_TABLES[name]
    keys = [(partition_key, "HASH")] + ([(sort_key, "RANGE")] if sort_key else [])
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
        KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    wait_for(client, name)


def drop_table(client, name: str) -> None:
    """Delete a table if it exists, and wait until it is gone."""
    try:
        client.delete_table(TableName=name)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    wait_for(client, name, "gone")


def reset_table(client, name: str, partition_key: str | None = None, sort_key: str | None = None) -> None:
    """A fresh, empty table: what a lesson starts from, however often it is run."""
    drop_table(client, name)
    create_table(client, name, partition_key, sort_key)


def scan_all(client, table: str) -> list[dict]:
    """Every item of a table as plain Python values (strongly consistent, all pages)."""
    pages = client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return [plain(item) for page in pages for item in page["Items"]]


def show(client, table: str):
    """The table's items as a DataFrame indexed by the key, sorted by it: one row an item, and no row numbers
    of pandas' own, which no item has."""
    import pandas as pd

    key_names = [k["AttributeName"] for k in client.describe_table(TableName=table)["Table"]["KeySchema"]]
    frame = pd.DataFrame(scan_all(client, table))
    if frame.empty:
        return pd.DataFrame(columns=key_names).set_index(key_names)
    others = sorted(c for c in frame.columns if c not in key_names)
    return frame[key_names + others].sort_values(key_names).set_index(key_names)
