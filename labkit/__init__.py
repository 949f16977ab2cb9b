"""labkit: the Conditional Writes Lab's toolkit.

A notebook needs only these names::

    import labkit
    lab = labkit.connect()            # embedded DynamoDB, no AWS account (LABKIT_BACKEND to change)
    client = lab.client               # a plain boto3 DynamoDB client
    labkit.attempt(client.put_item, TableName=..., Item=..., ConditionExpression=...)
    labkit.as_cli("put_item", {...})  # the same request as an AWS CLI command
    labkit.show(client, "Users")      # the table as a DataFrame
"""

from .backend import Lab, connect, serve
from .cli import as_cli
from .outcome import Outcome, attempt, plain
from .tables import create_table, drop_table, reset_table, scan_all, show, wait_for

__all__ = ["Lab", "Outcome", "as_cli", "attempt", "connect", "create_table", "drop_table", "plain",
           "reset_table", "scan_all", "serve", "show", "wait_for"]
