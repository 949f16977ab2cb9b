"""The sources' wrong claims that study material repeats: what each says, what is true, and where it is written.

The myths chapter takes them one by one; every one of them is tested by at least one question of the
banks (a question's ``myth`` names it), which the check command verifies.
"""

from __future__ import annotations

from typing import NamedTuple


class Myth(NamedTuple):
    id: str
    seed: str  # the source document that says it
    claim: str  # what it says, briefly
    truth: str
    reference: str
    shown_in_lab: bool  # the myths chapter demonstrates it; otherwise it quotes the documentation


MYTHS = (
    Myth("tx-25-actions", "002", "a transaction holds up to 25 actions",
         "up to 100 actions since September 2022, for TransactWriteItems and TransactGetItems; 4 MB in total",
         "API reference, TransactWriteItems; SDK changelog 2022-09-15", True),
    Myth("tx-three-actions", "002", "TransactWriteItems supports only Put, Update and Delete",
         "four actions: ConditionCheck, Put, Update, Delete; ConditionCheck asserts a condition on an item it does not write",
         "API reference, TransactWriteItems", True),
    Myth("both-pass", "002", "two concurrent conditional writes can both pass the same check",
         "writes to one item are atomic and applied in order: of two attribute_not_exists puts on one key, exactly one "
         "succeeds (multi-Region eventually consistent global tables excepted)",
         "Developer Guide, Working with items", True),
    Myth("batch-conditions", "001", "BatchWriteItem takes a condition per item",
         "BatchWriteItem takes no conditions at all; botocore refuses the parameter before sending",
         "API reference, BatchWriteItem", True),
    Myth("dax-no-transactions", "002", "DAX does not support transactions or conditional writes",
         "DAX supports TransactWriteItems and TransactGetItems (since 2018; Python since 2019); conditional writes "
         "are written through; a transactional write through DAX costs extra reads",
         "Developer Guide, Transactions: how it works (DAX)", False),
    Myth("tx-1s-timeout", "002", "transactions have a fixed, unconfigurable 1 second timeout",
         "no server-side timeout is documented; about 1 s is a suggested client timeout, and a retry with the same "
         "ClientRequestToken after about 5 s can recover a transaction in progress",
         "API reference, TransactionInProgressException", False),
    Myth("global-tables-tx", "002", "transactions work on global tables",
         "multi-Region eventually consistent tables: atomic only in the Region that ran them; multi-Region strongly "
         "consistent tables: transactions are not supported",
         "Developer Guide, global tables core concepts", False),
    Myth("role-not-reserved", "000", "SET Role = :newrole with the condition Role = :expected works",
         "ROLE is a reserved word: the request is refused with a ValidationException; use #role in "
         "ExpressionAttributeNames", "Developer Guide, Reserved words in DynamoDB", True),
    Myth("streams-together", "002", "stream consumers see a transaction's writes together",
         "records appear only after the commit, but not as a unit: they can interleave with other writes",
         "Developer Guide, Transactions: how it works", False),
    Myth("free-failures", "002", "a replay with the same ClientRequestToken is free: it returns the original result",
         "a replay with the same ClientRequestToken consumes read capacity; a failed conditional write consumes "
         "write capacity (the condition expressions article says so too); how much, the documentation does not settle",
         "API reference, TransactWriteItems, ClientRequestToken; Developer Guide, Working with items", True),
    Myth("cli-json-error", "000", "the CLI prints a failed condition as JSON with __type, and a success as {}",
         "the AWS CLI writes 'An error occurred (ConditionalCheckFailedException) ...' to stderr and exits 255 "
         "(v1; 254 in v2); a successful put-item prints nothing", "AWS CLI behaviour, run against the lab", True),
    Myth("roles-not-reserved", "001", "UpdateExpression='ADD roles :new_role' adds a role",
         "ROLES is a reserved word too: the request is refused before its condition is read; #roles works",
         "Developer Guide, Reserved words in DynamoDB", True),
    Myth("tx-catch-ccf", "001", "transfer_funds catches ConditionalCheckFailedException around transact_write_items",
         "a transaction whose condition fails raises TransactionCanceledException with CancellationReasons; the "
         "condition expressions article's except clause never runs", "API reference, TransactWriteItems", True),
    Myth("node-putcommand", "001", "the Node.js example imports PutCommand from @aws-sdk/client-dynamodb",
         "that package exports PutItemCommand (typed values); PutCommand comes from @aws-sdk/lib-dynamodb, the "
         "document client", "AWS SDK for JavaScript v3, the two packages' exports", False),
    Myth("batch-retry-failed", "000", "after a batch, retry only the records that failed their condition",
         "a batch never fails an item on a condition; retry what comes back in UnprocessedItems, with exponential "
         "backoff", "API reference, BatchWriteItem", True),
)
MYTH_IDS = tuple(m.id for m in MYTHS)
