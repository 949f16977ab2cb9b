"""Setting the scene before a race: a table that exists and holds exactly the starting items.

Tables are created once and emptied item by item afterwards: a new table is CREATING for a while, and a
race is fired again and again.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ..tables import create_table, reset_table, scan_all, wait_for


def fresh_table(client, table: str, key: str, items: list[dict]) -> None:
    """Make ``table`` (partition key ``key``, a string) hold exactly ``items`` (DynamoDB JSON). A table of
    that name keyed otherwise (another chapter's, on a lab that chapters share) is made again."""
    try:
        described = client.describe_table(TableName=table)["Table"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        create_table(client, table, key)
    else:
        if described["KeySchema"] != [{"AttributeName": key, "KeyType": "HASH"}]:
            reset_table(client, table, key)
        elif described["TableStatus"] != "ACTIVE":
            wait_for(client, table)
    for old in scan_all(client, table):
        client.delete_item(TableName=table, Key={key: {"S": old[key]}})
    for item in items:
        client.put_item(TableName=table, Item=item)
