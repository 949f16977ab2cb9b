"""DynamoDB's errors as the front raises them: a code, DynamoDB's own message, and extra body fields.

Every problem a learner's request can have ends as one of these, so that boto3 and the AWS CLI show
the same ``ClientError`` they would get from DynamoDB, never a Python traceback from inside a library.
"""

from __future__ import annotations

# DynamoDB puts validation errors under a different namespace from its service errors; botocore reads
# only the part after '#', but the raw HTTP body (which a learner may inspect) keeps the real prefix.
_PREFIXES = {"ValidationException": "com.amazon.coral.validate#"}
_SERVICE_PREFIX = "com.amazonaws.dynamodb.v20120810#"


class DynamoError(Exception):
    """An error response: HTTP status, error code, message and any extra fields of the JSON body."""

    def __init__(self, code: str, message: str, status: int = 400, **extra):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra
        self.capacity = 0.0  # what the request consumed although it failed (a failed condition costs a write)
        self.simulated = False  # decided by a simulation (a transaction conflict), which the trace says

    def body(self) -> dict:
        return {"__type": _PREFIXES.get(self.code, _SERVICE_PREFIX) + self.code, "message": self.message, **self.extra}


def validation(message: str) -> DynamoError:
    return DynamoError("ValidationException", message)


def conditional_check_failed(item: dict | None = None) -> DynamoError:
    extra = {"Item": item} if item is not None else {}
    return DynamoError("ConditionalCheckFailedException", "The conditional request failed", **extra)


def resource_not_found(message: str = "Requested resource not found") -> DynamoError:
    return DynamoError("ResourceNotFoundException", message)


def transaction_canceled(reasons: list[dict]) -> DynamoError:
    codes = ", ".join(r["Code"] for r in reasons)
    return DynamoError("TransactionCanceledException",
                       f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
                       CancellationReasons=reasons)


# Transaction conflicts (simulated). The texts are the service's API model's (botocore's service-2.json),
# without the full stop that the model adds to every cancellation message: live DynamoDB sends the
# ConditionalCheckFailed reason as "The conditional request failed", with none.
CONFLICT_REASON = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}


def transaction_conflict() -> DynamoError:
    """A single PutItem, UpdateItem or DeleteItem on an item that a transaction in flight holds."""
    error = DynamoError("TransactionConflictException",
                        "Operation was rejected because there is an ongoing transaction for the item")
    error.simulated = True
    return error


def transaction_in_progress() -> DynamoError:
    """A TransactWriteItems sent again with the token of one that is still in flight."""
    error = DynamoError("TransactionInProgressException",
                        "The transaction with the given request token is already in progress")
    error.simulated = True
    return error


def idempotent_mismatch() -> DynamoError:
    return DynamoError("IdempotentParameterMismatchException",
                       "The request uses the same client token as a previous, but non-identical request.")


def transaction_too_large() -> DynamoError:
    """More than 4 MB of items in one transaction. DynamoDB's own message is not published; this is the
    limit as its documentation words it (TransactWriteItems, API reference)."""
    return validation("The aggregate size of the items in the transaction cannot exceed 4 MB")


def unknown_operation() -> DynamoError:
    return DynamoError("UnknownOperationException", "")


def internal_error(operation: str, error: Exception) -> DynamoError:
    """A fault of the lab's own, answered as DynamoDB answers its faults (HTTP 500), never as a traceback."""
    return DynamoError("InternalServerError", f"labkit could not answer {operation}: {type(error).__name__}: {error}", 500)
