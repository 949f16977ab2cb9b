"""DynamoDB's errors as the front raises them: a code, DynamoDB's own message, and extra body fields.

Every problem a learner's request can have ends as one of these, so that boto3 and the AWS CLI show
the same ``ClientError`` they would get from DynamoDB, never a Python traceback from inside a library.
"""

from __future__ import annotations

# DynamoDB puts validation errors, and the errors of reading a request at all, under different namespaces
# from its service errors; botocore reads only the part after '#', but the raw HTTP body (which a learner
# may inspect) keeps the real prefix.
_PREFIXES = {"ValidationException": "com.amazon.coral.validate#",
             "SerializationException": "com.amazon.coral.service#",
             "UnknownOperationException": "com.amazon.coral.service#"}
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


# -- reading the request: what the loopback server answers before any operation runs ---------------------
# DynamoDB answers a body that is not JSON it can read (syntax, encoding, depth), an empty body, and a
# target it does not know with the bare error type and no message; a method other than POST, a path other
# than / and a body that is not JSON by its Content-Type with 404 UnknownOperationException. (dynalite and
# dynoxide, which follow the live service, answer the same.) Where DynamoDB's front door refuses the HTTP
# itself (no JSON at all, or an empty 413 for a body over 16 MB), the lab answers with the nearest DynamoDB
# error type and says why in its own words, so that every answer parses the same way.

MAX_REQUEST_BYTES = 16 * 1024 * 1024  # "up to 16MB of data over the network" (API reference, BatchWriteItem)


def unreadable_body() -> DynamoError:
    return DynamoError("SerializationException", "")


def unknown_operation(status: int = 400) -> DynamoError:
    return DynamoError("UnknownOperationException", "", status)


def request_too_large() -> DynamoError:
    return DynamoError("ValidationException", f"Request size exceeded {MAX_REQUEST_BYTES} bytes", 413)


def bad_content_length() -> DynamoError:
    return DynamoError("SerializationException", "Content-Length must be one whole number of bytes")


def truncated_body(length: int) -> DynamoError:
    return DynamoError("SerializationException", f"The request body ended before its Content-Length of {length} bytes")


def no_content_length() -> DynamoError:
    return DynamoError("SerializationException", "Send the body with a Content-Length, not a Transfer-Encoding", 411)


def internal_fault(what: str, error: Exception) -> DynamoError:
    """A fault of the lab's, answered as DynamoDB answers its own faults."""
    return DynamoError("InternalServerError", f"labkit could not answer {what}: {type(error).__name__}: {error}", 500)


def bad_http(status: int, reason: str) -> DynamoError:
    """An HTTP request the server cannot read (request line, version, headers), with the HTTP reason."""
    return DynamoError("SerializationException", reason, status)
