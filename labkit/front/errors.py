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


def unknown_operation() -> DynamoError:
    return DynamoError("UnknownOperationException", "")


def internal_error(operation: str, error: Exception) -> DynamoError:
    """A fault of the lab's own, answered as DynamoDB answers its faults (HTTP 500), never as a traceback."""
    return DynamoError("InternalServerError", f"labkit could not answer {operation}: {type(error).__name__}: {error}", 500)
