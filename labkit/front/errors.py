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
             "UnknownOperationException": "com.amazon.coral.service#",
             "MissingAuthenticationTokenException": "com.amazon.coral.service#",
             "UnrecognizedClientException": "com.amazon.coral.service#",
             "InvalidSignatureException": "com.amazon.coral.service#",
             "IncompleteSignatureException": "com.amazon.coral.service#",
             "AccessDeniedException": "com.amazon.coral.service#"}
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


def throughput_exceeded() -> DynamoError:
    return DynamoError("ProvisionedThroughputExceededException",
                       "The level of configured provisioned throughput for the table was exceeded. "
                       "Consider increasing your provisioning level with the UpdateTable API.")


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
    return DynamoError("IdempotentParameterMismatchException", TOKEN_MISMATCH)


def transaction_too_large() -> DynamoError:
    """More than 4 MB of items in one transaction. DynamoDB's own message is not published; this is the
    limit as its documentation words it (TransactWriteItems, API reference)."""
    return validation("The aggregate size of the items in the transaction cannot exceed 4 MB")


# -- DynamoDB's validation messages, in one place ------------------------------------------------------
# The wording is live DynamoDB's, as an emulator that follows it (dynalite) and the API reference give it.

KEY_SCHEMA_MISMATCH = "The provided key element does not match the schema"
EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
SEVERAL_TYPES = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
UPDATED_ITEM_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"
RETURN_VALUES_PUT_DELETE = "ReturnValues can only be ALL_OLD or NONE"
MIXED_PARAMETERS = "Can not use both expression and non-expression parameters in the same request"
ONE_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"
ONE_ACTION = "TransactItems can only contain one of Check, Put, Update or Delete"
DUPLICATE_KEYS = "Provided list of item keys contains duplicates"
TOKEN_MISMATCH = "The request uses the same client token as a previous, but non-identical request."


def invalid_parameter(detail: str) -> DynamoError:
    return validation(f"One or more parameter values were invalid: {detail}")


def invalid_expression(parameter: str, detail: str) -> DynamoError:
    """A problem inside one expression parameter (``Invalid ConditionExpression: ...``)."""
    return validation(f"Invalid {parameter}: {detail}")


def invalid_expression_value(detail: str, placeholder: str) -> DynamoError:
    return validation(f"ExpressionAttributeValues contains invalid value: {detail} for key {placeholder}")


def unused_placeholders(parameter: str, keys: list) -> DynamoError:
    return validation(f"Value provided in {parameter} unused in expressions: keys: {{{', '.join(keys)}}}")


def not_a_number(text) -> DynamoError:
    return validation(f"The parameter cannot be converted to a numeric value: {text}")


def too_many_actions(limit: int) -> DynamoError:
    return validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                      f"Member must have length less than or equal to {limit}")


def too_many_batch_requests(limit: int, one_table_over: bool) -> DynamoError:
    """More than ``limit`` requests in one BatchWriteItem: over the limit in one table's list, the list's
    length constraint; spread over several tables, DynamoDB's own sentence."""
    if one_table_over:
        return validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map "
                          f"value must satisfy constraint: [Member must have length less than or equal to {limit}, "
                          "Member must have length greater than or equal to 1]")
    return validation("Too many items requested for the BatchWriteItem call")


def serialization(message: str, status: int = 400) -> DynamoError:
    return DynamoError("SerializationException", message, status)


# Messages of the expression checks. They are strings, not errors: a checker gathers several problems and
# reports the one DynamoDB reports first, inside "Invalid <parameter>: ...".

def undefined_name(placeholder: str) -> str:
    return f"An expression attribute name used in the document path is not defined; attribute name: {placeholder}"


def undefined_value(placeholder: str) -> str:
    return f"An expression attribute value used in expression is not defined; attribute value: {placeholder}"


def reserved_keyword(word: str) -> str:
    return f"Attribute name is a reserved keyword; reserved keyword: {word}"


def misused_function(function: str) -> str:
    return f"The function is not allowed to be used this way in an expression; function: {function}"


def unknown_function(function: str, belongs_to: str | None) -> str:
    """``belongs_to``: the kind of expression the function does belong to, when it is a real function."""
    place = f"The function is not allowed in {belongs_to}" if belongs_to else "Invalid function name"
    return f"{place}; function: {function}"


def operand_count(function: str, count: int) -> str:
    return f"Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {count}"


def operand_type(function: str, kind: str, label: str = "operator or function") -> str:
    return f"Incorrect operand type for operator or function; {label}: {function}, operand type: {kind}"


def needs_path(function: str) -> str:
    return f"Operator or function requires a document path; operator or function: {function}"


def same_operands(operator: str, path: str) -> str:
    return ("The first operand must be distinct from the remaining operands for this operator or function; "
            f"operator: {operator}, first operand: {path}")


def too_many_in_operands(count: int) -> str:
    return f"The IN operator is provided with too many operands; number of operands: {count}"


def between_types(bounds: str) -> str:
    return f"The BETWEEN operator requires same data type for lower and upper bounds; {bounds}"


def between_order(bounds: str) -> str:
    return f"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {bounds}"


def invalid_type_name(name: str) -> str:
    return f"Invalid attribute type name found; type: {name}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"


def paths_clash(clash: str, one: str, two: str) -> str:
    return f"Two document paths {clash} with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"


def section_twice(section: str) -> str:
    return f'The "{section}" section can only be used once in an update expression;'


REDUNDANT_PARENTHESES = "The expression has redundant parentheses;"
KEY_NESTED_OPERATION = "KeyConditionExpressions cannot contain nested operations"
KEY_NESTED_ATTRIBUTE = "KeyConditionExpressions cannot have conditions on nested attributes"
KEY_ONE_CONDITION = "KeyConditionExpressions must only contain one condition per key"
KEY_SEVERAL_NAMES = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
KEY_NO_KEY = "Invalid condition in KeyConditionExpression: No key attribute specified"


def key_operator(operator: str) -> str:
    return f"Invalid operator used in KeyConditionExpression: {operator}"


def key_first_operand(label: str) -> str:
    return f"Invalid condition in KeyConditionExpression: {label} operator must have the key attribute as its first operand"

# -- reading the request: what the loopback server answers before any operation runs ---------------------
# DynamoDB answers a body that is not JSON it can read (syntax, encoding, depth), an empty body, and a
# target it does not know with the bare error type and no message; a method other than POST, a path other
# than / and a body that is not JSON by its Content-Type with 404 UnknownOperationException. (dynalite and
# dynoxide, which follow the live service, answer the same.) Where DynamoDB's front door refuses the HTTP
# itself (no JSON at all, or an empty 413 for a body over 16 MB), the lab answers with the nearest DynamoDB
# error type and says why in its own words, so that every answer parses the same way.

MAX_REQUEST_BYTES = 16 * 1024 * 1024  # "up to 16MB of data over the network" (API reference, BatchWriteItem)


def unreadable_body() -> DynamoError:
    return serialization("")


def unknown_operation(status: int = 400) -> DynamoError:
    return DynamoError("UnknownOperationException", "", status)


def request_too_large() -> DynamoError:
    return DynamoError("ValidationException", f"Request size exceeded {MAX_REQUEST_BYTES} bytes", 413)


def bad_content_length() -> DynamoError:
    return serialization("Content-Length must be one whole number of bytes")


def truncated_body(length: int) -> DynamoError:
    return serialization(f"The request body ended before its Content-Length of {length} bytes")


def no_content_length() -> DynamoError:
    return serialization("Send the body with a Content-Length, not a Transfer-Encoding", 411)


def internal_fault(what: str, error: Exception) -> DynamoError:
    """A fault of the lab's, answered as DynamoDB answers its own faults."""
    return DynamoError("InternalServerError", f"labkit could not answer {what}: {type(error).__name__}: {error}", 500)


def bad_http(status: int, reason: str) -> DynamoError:
    """An HTTP request the server cannot read (request line, version, headers), with the HTTP reason."""
    return serialization(reason, status)


# Who is asking (a study group's server, which checks SigV4 signatures). The texts are AWS's own for
# DynamoDB's front door; only a shared lab checks them: embedded and solo-server labs need no credentials.
SIGNATURE_WINDOW_MINUTES = 15  # a signed request's X-Amz-Date may be this far from the server's clock


def missing_authentication() -> DynamoError:
    return DynamoError("MissingAuthenticationTokenException", "Request is missing Authentication Token")


def incomplete_signature(detail: str) -> DynamoError:
    return DynamoError("IncompleteSignatureException", detail)


def unrecognized_client() -> DynamoError:
    return DynamoError("UnrecognizedClientException", "The security token included in the request is invalid.")


def signature_mismatch() -> DynamoError:
    return DynamoError("InvalidSignatureException",
                       "The request signature we calculated does not match the signature you provided. Check your "
                       "AWS Secret Access Key and signing method. Consult the service documentation for details.")


def signature_expired(signed: str, earliest: str, now: str) -> DynamoError:
    return DynamoError("InvalidSignatureException", f"Signature expired: {signed} is now earlier than {earliest} "
                       f"({now} - {SIGNATURE_WINDOW_MINUTES} min.)")


def signature_not_yet_current(signed: str, latest: str, now: str) -> DynamoError:
    return DynamoError("InvalidSignatureException", f"Signature not yet current: {signed} is still later than "
                       f"{latest} ({now} + {SIGNATURE_WINDOW_MINUTES} min.)")


def access_denied(user_arn: str, operation: str, resource_arn: str) -> DynamoError:
    return DynamoError("AccessDeniedException",
                       f"User: {user_arn} is not authorized to perform: dynamodb:{operation} on resource: "
                       f"{resource_arn} because no identity-based policy allows the dynamodb:{operation} action")
