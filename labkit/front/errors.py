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

    def body(self) -> dict:
        return {"__type": _PREFIXES.get(self.code, _SERVICE_PREFIX) + self.code, "message": self.message, **self.extra}


def validation(message: str) -> DynamoError:
    return DynamoError("ValidationException", message)


def conditional_check_failed(item: dict | None = None) -> DynamoError:
    extra = {"Item": item} if item is not None else {}
    return DynamoError("ConditionalCheckFailedException", "The conditional request failed", **extra)


def resource_not_found(message: str = "Requested resource not found") -> DynamoError:
    return DynamoError("ResourceNotFoundException", message)
