"""Bad input, sent through boto3 as a learner would: DynamoDB's own error code and message, the table
unchanged, never a Python traceback from inside a library (raw moto answers many of these with HTTP 500)."""

from __future__ import annotations

import pytest

import labkit

ITEM = {"pk": {"S": "k"}, "Role": {"S": "member"}, "n": {"N": "1"}, "tags": {"SS": ["a"]}}
V = "ValidationException"


def put(**extra):
    return ("put_item", {"Item": {"pk": {"S": "k"}, "Role": {"S": "admin"}}, **extra})


def update(expression, **extra):
    return ("update_item", {"Key": {"pk": {"S": "k"}}, "UpdateExpression": expression, **extra})


VALUES = {":v": {"S": "x"}}

CATALOGUE = [
    # malformed condition expressions
    ("dangling AND", put(ConditionExpression="attribute_not_exists(pk) AND"),
     V, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"'),
    ("unbalanced parenthesis", put(ConditionExpression="(attribute_not_exists(pk)"),
     V, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ")"'),
    ("unknown function", put(ConditionExpression="not_exists(pk)"),
     V, "Invalid ConditionExpression: Invalid function name; function: not_exists"),
    ("function with two operands", put(ConditionExpression="attribute_exists(pk, Email)"),
     V, "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: attribute_exists, number of operands: 2"),
    ("== instead of =", put(ConditionExpression="pk == :v", ExpressionAttributeValues=VALUES),
     V, 'Invalid ConditionExpression: Syntax error; token: "=", near: "== :v"'),
    ("empty condition", put(ConditionExpression=""),
     V, "Invalid ConditionExpression: The expression can not be empty;"),
    ("begins_with on a number", put(ConditionExpression="begins_with(pk, :n)", ExpressionAttributeValues={":n": {"N": "1"}}),
     V, "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"),
    ("BETWEEN upside down", put(ConditionExpression="n BETWEEN :hi AND :lo",
                                ExpressionAttributeValues={":hi": {"N": "5"}, ":lo": {"N": "1"}}),
     V, "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower "
        "bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"),
    ("invalid attribute_type", put(ConditionExpression="attribute_type(n, :t)", ExpressionAttributeValues={":t": {"S": "NUMBER"}}),
     V, "Invalid ConditionExpression: Invalid attribute type name found; type: NUMBER, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    # placeholders and names
    ("value used but not defined", put(ConditionExpression="Email = :e"),
     V, "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :e"),
    ("value defined but unused", put(ConditionExpression="attribute_not_exists(pk)", ExpressionAttributeValues=VALUES),
     V, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"),
    ("name used but not defined", put(ConditionExpression="attribute_exists(#r)"),
     V, "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #r"),
    ("name defined but unused", put(ConditionExpression="attribute_not_exists(pk)", ExpressionAttributeNames={"#r": "Role"}),
     V, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#r}"),
    ("reserved word in a condition", put(ConditionExpression="Role = :v", ExpressionAttributeValues=VALUES),
     V, "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Role"),
    ("reserved word in an update", update("SET Role = :v", ExpressionAttributeValues=VALUES),
     V, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Role"),
    ("the tutorial's Role update (update reported first)",
     update("SET Role = :new", ConditionExpression="Role = :old",
            ExpressionAttributeValues={":new": {"S": "admin"}, ":old": {"S": "member"}}),
     V, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Role"),
    ("empty ExpressionAttributeValues", put(ConditionExpression="attribute_not_exists(pk)", ExpressionAttributeValues={}),
     V, "ExpressionAttributeValues must not be empty"),
    # legacy and expressions mixed
    ("Expected with ConditionExpression", put(ConditionExpression="attribute_not_exists(pk)",
                                              Expected={"pk": {"Exists": False}}),
     V, "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    # update expressions
    ("SET section twice", update("SET a = :v SET b = :v", ExpressionAttributeValues=VALUES),
     V, 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
    ("overlapping paths", update("SET lst[0] = :v, lst.x = :v", ExpressionAttributeValues=VALUES),
     V, "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these "
        "paths; path one: [lst, [0]], path two: [lst, x]"),
    ("a path set twice", update("SET a = :v, a = :v", ExpressionAttributeValues=VALUES),
     V, "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
        "paths; path one: [a], path two: [a]"),
    ("adding a string to a number", update("SET n = n + :v", ExpressionAttributeValues=VALUES),
     V, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"),
    ("adding to a string attribute", update("SET tags = tags + :one", ExpressionAttributeNames=None,
                                            ExpressionAttributeValues={":one": {"N": "1"}}),
     V, "An operand in the update expression has an incorrect data type"),
    ("update syntax error", update("SET n =", ExpressionAttributeValues=None),
     V, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="'),
    # values, keys and items
    ("a number that is not a number", put(Item={"pk": {"S": "k"}, "n": {"N": "one"}}),
     V, "The parameter cannot be converted to a numeric value: one"),
    ("39 significant digits", put(Item={"pk": {"S": "k"}, "n": {"N": "1" * 39}}),
     V, "Attempting to store more than 38 significant digits in a Number"),
    ("duplicate set members", put(Item={"pk": {"S": "k"}, "tags": {"SS": ["a", "a"]}}),
     V, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
    ("empty set", put(Item={"pk": {"S": "k"}, "tags": {"SS": []}}),
     V, "One or more parameter values were invalid: An string set  may not be empty"),
    ("item without its key", put(Item={"Role": {"S": "admin"}}),
     V, "One or more parameter values were invalid: Missing the key pk in the item"),
    ("key of the wrong type", put(Item={"pk": {"N": "1"}}),
     V, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ("empty string key", put(Item={"pk": {"S": ""}}),
     V, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
        "string value. Key: pk"),
    ("key that does not match the schema", ("delete_item", {"Key": {"id": {"S": "k"}}}),
     V, "The provided key element does not match the schema"),
    ("item over 400 KB", put(Item={"pk": {"S": "k"}, "blob": {"S": "x" * 409_600}}),
     V, "Item size has exceeded the maximum allowed size"),
    ("transaction with an item twice", ("transact_write_items", {"TransactItems": [
        {"Put": {"Item": {"pk": {"S": "k"}}}}, {"Delete": {"Key": {"pk": {"S": "k"}}}}]}),
     V, "Transaction request cannot include multiple operations on one item"),
]


def _send(client, table, operation, params):
    params = {k: v for k, v in params.items() if v is not None}
    if operation == "transact_write_items":
        for action in params["TransactItems"]:
            next(iter(action.values()))["TableName"] = table
        return labkit.attempt(client.transact_write_items, **params)
    return labkit.attempt(getattr(client, operation), TableName=table, **params)


@pytest.mark.parametrize("case, request_, code, message", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_gets_dynamodbs_error_and_changes_nothing(client, table, case, request_, code, message):
    client.put_item(TableName=table, Item=ITEM)
    outcome = _send(client, table, *request_)
    assert (outcome.code, outcome.message) == (code, message)
    assert client.scan(TableName=table)["Items"] == [ITEM]


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 25


def test_missing_table_is_resource_not_found(client):
    outcome = labkit.attempt(client.put_item, TableName="NoSuchTable", Item={"pk": {"S": "k"}})
    assert (outcome.code, outcome.message) == ("ResourceNotFoundException", "Requested resource not found")


def test_batch_write_takes_no_condition_botocore_refuses_to_send(client, table):
    outcome = labkit.attempt(client.batch_write_item, RequestItems={table: [
        {"PutRequest": {"Item": {"pk": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(pk)"}}]})
    assert outcome.code == "ParamValidationError"
    assert 'Unknown parameter in RequestItems.' in outcome.message and "ConditionExpression" in outcome.message


def test_unknown_operation_and_internal_faults_are_answers_not_tracebacks(lab, table, monkeypatch):
    for operation in ("Call", "Get", "Passthrough", "NoSuchThing"):  # names of methods inside the front and its store
        status, body = lab.front.handle(operation, {"TableName": table})
        assert (status, body["__type"].split("#")[-1]) == (400, "UnknownOperationException")

    def broken(*_):
        raise KeyError("boom")

    monkeypatch.setattr(lab.front.store, "get", broken)
    outcome = labkit.attempt(lab.client.put_item, TableName=table, Item={"pk": {"S": "k"}})
    assert outcome.code == "InternalServerError"
    assert "KeyError" in outcome.message


WIRE_CASES = [
    ("PutItem", {}, "ValidationException",
     "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be "
     "null; Value null at 'item' failed to satisfy constraint: Member must not be null"),
    ("PutItem", {"TableName": "T", "Item": []}, "SerializationException", "Start of list found where not expected"),
    ("PutItem", {"TableName": 5, "Item": {}}, "SerializationException", "NUMBER_VALUE cannot be converted to String"),
    ("GetItem", {"TableName": "T"}, "ValidationException",
     "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"),
    ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "T"}}]}, "ValidationException",
     "1 validation error detected: Value null at 'transactItems.1.member.put.item' failed to satisfy constraint: "
     "Member must not be null"),
    ("TransactWriteItems", {"TransactItems": []}, "ValidationException",
     "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have "
     "length greater than or equal to 1"),
    ("Scan", {"TableName": "T", "Limit": 0}, "ValidationException",
     "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value "
     "greater than or equal to 1"),
    ("TransactWriteItems", {"TransactItems": [{}]}, "ValidationException",
     "TransactItems can only contain one of Check, Put, Update or Delete"),
]


@pytest.mark.parametrize("operation, body, code, message", WIRE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(WIRE_CASES)])
def test_malformed_wire_requests_get_the_services_answer(operation, body, code, message):
    """What curl or another SDK could send to the server; boto3 and the CLI refuse these before sending."""
    import json
    import urllib.error
    import urllib.request

    server = labkit.serve(0)
    request = urllib.request.Request(server.url, data=json.dumps(body).encode(), headers={
        "X-Amz-Target": f"DynamoDB_20120810.{operation}", "Content-Type": "application/x-amz-json-1.0"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    answer = json.load(refused.value)
    assert refused.value.code == 400
    assert (answer["__type"].split("#")[-1], answer["message"]) == (code, message)
