"""Unit tests of the front's expression language: DynamoDB's errors, evaluation and update checks."""

import random
import re

import pytest

from labkit.front.errors import DynamoError
from labkit.front.expr_check import reserved_words
from labkit.front.expr_parse import parse
from labkit.front.expressions import Parsed, check_update, evaluate, validate_request

VALUES = {
    ":s": {"S": "x"}, ":n": {"N": "5"}, ":one": {"N": "1"}, ":b": {"B": "YWJj"}, ":bool": {"BOOL": True},
    ":l": {"L": [{"S": "z"}]}, ":ss": {"SS": ["a"]}, ":ns": {"NS": ["1"]}, ":null": {"NULL": True},
    ":t": {"S": "XX"}, ":tn": {"S": "N"},
}


def request(expression_key, expression, **extra):
    """A request whose ExpressionAttributeValues hold exactly the VALUES placeholders it mentions."""
    params = {expression_key: expression, **extra}
    used = placeholders(" ".join(v for v in params.values() if isinstance(v, str)), VALUES)
    if used and "ExpressionAttributeValues" not in params:
        params["ExpressionAttributeValues"] = used
    return params


def placeholders(text, values):
    """The entries of ``values`` that ``text`` mentions."""
    return {k: values[k] for k in re.findall(r":\w+", text) if k in values}


def cond(expression, **extra):
    return "PutItem", request("ConditionExpression", expression, **extra)


def upd(expression, **extra):
    return "UpdateItem", request("UpdateExpression", expression, **extra)


CE = "Invalid ConditionExpression: "
UE = "Invalid UpdateExpression: "
WRONG_TYPE = "Incorrect operand type for operator or function; operator or function: "
ARITY = "Incorrect number of operands for operator or function; operator or function: "

CATALOGUE = [
    # placeholders maps and parameter mixing
    (cond("a = :s", ExpressionAttributeNames={}), "ExpressionAttributeNames must not be empty"),
    (cond("a = :s", ExpressionAttributeValues={}), "ExpressionAttributeValues must not be empty"),
    (cond("a = :s", ExpressionAttributeNames={"x": "y"}), 'ExpressionAttributeNames contains invalid key: Syntax error; key: "x"'),
    (cond("a = :s", ExpressionAttributeValues={"s": {"S": "y"}}), 'ExpressionAttributeValues contains invalid key: Syntax error; key: "s"'),
    (cond("a = :s", ExpressionAttributeValues={":s": {}}), "ExpressionAttributeValues contains invalid value: Supplied "
     "AttributeValue is empty, must contain exactly one of the supported datatypes for key :s"),
    (("PutItem", {"ExpressionAttributeNames": {"#a": "a"}}), "ExpressionAttributeNames can only be specified when using expressions"),
    (("PutItem", {"ExpressionAttributeValues": VALUES}), "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
    (("UpdateItem", {"ExpressionAttributeValues": VALUES}), "ExpressionAttributeValues can only be specified when using "
     "expressions: UpdateExpression and ConditionExpression are null"),
    (("Scan", {"ExpressionAttributeValues": VALUES}), "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"),
    (cond("a = :s", Expected={"a": {"Exists": False}}), "Can not use both expression and non-expression parameters in the "
     "same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    (upd("SET a = :s", AttributeUpdates={}, ConditionExpression="b = :n"), "Can not use both expression and non-expression "
     "parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: "
     "{UpdateExpression, ConditionExpression}"),
    # empty, too big, syntax
    (cond(""), CE + "The expression can not be empty;"),
    (upd(""), UE + "The expression can not be empty;"),
    (cond("a = :s AND " * 410 + "a = :s"), CE + "Expression size has exceeded the maximum allowed size; expression size: 4516"),
    (cond("attribute_not_exists(pk) AND"), CE + 'Syntax error; token: "<EOF>", near: "AND"'),
    (cond("a-b"), CE + 'Syntax error; token: "-", near: "a-b"'),
    (cond("foo"), CE + 'Syntax error; token: "<EOF>", near: "foo"'),
    (cond("a == :s"), CE + 'Syntax error; token: "=", near: "== :s"'),
    (cond("a != :s"), CE + 'Syntax error; token: "!", near: "a !="'),
    (cond("a = 'x'"), CE + 'Syntax error; token: "\'", near: "= \'x"'),
    (cond("(a = :s"), CE + 'Syntax error; token: "<EOF>", near: ":s"'),
    (cond("a = :s)"), CE + 'Syntax error; token: ")", near: ":s)"'),
    (cond("attribute_exists()"), CE + 'Syntax error; token: ")", near: "()"'),
    (cond("a IN :s"), CE + 'Syntax error; token: ":s", near: "IN :s"'),
    (cond("a = 1"), CE + 'Syntax error; token: "1", near: "= 1"'),
    (upd("INVALID SYNTAX HERE"), UE + 'Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
    (upd("SET a = b + :n + :one"), UE + 'Syntax error; token: "+", near: ":n + :one"'),
    (upd("ADD a b"), UE + 'Syntax error; token: "b", near: "a b"'),
    (cond("((a = :s))"), CE + "The expression has redundant parentheses;"),
    # reserved words, functions, operands
    (cond("Role = :s"), CE + "Attribute name is a reserved keyword; reserved keyword: Role"),
    (cond("x.status = :s"), CE + "Attribute name is a reserved keyword; reserved keyword: status"),
    (upd("SET Role = :s"), UE + "Attribute name is a reserved keyword; reserved keyword: Role"),
    (("GetItem", {"ProjectionExpression": "a, Name"}), "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Name"),
    (cond("foo(a)"), CE + "Invalid function name; function: foo"),
    (cond("Size(a) > :n"), CE + "Invalid function name; function: Size"),
    (cond("if_not_exists(a, :s) = :s"), CE + "The function is not allowed in a condition expression; function: if_not_exists"),
    (upd("SET a = size(b)"), UE + "The function is not allowed in an update expression; function: size"),
    (cond("attribute_exists(a, b)"), CE + ARITY + "attribute_exists, number of operands: 2"),
    (upd("SET a = list_append(a)"), UE + ARITY + "list_append, number of operands: 1"),
    (cond("begins_with(a, :n)"), CE + WRONG_TYPE + "begins_with, operand type: N"),
    (cond("begins_with(a, size(b))"), CE + WRONG_TYPE + "begins_with, operand type: N"),
    (cond("size(:bool) > :n"), CE + WRONG_TYPE + "size, operand type: BOOL"),
    (cond("attribute_type(a, :t)"), CE + "Invalid attribute type name found; type: XX, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    (cond("attribute_type(a, :n)"), CE + WRONG_TYPE + "attribute_type, operand type: N"),
    (cond("attribute_exists(:s)"), CE + "Operator or function requires a document path; operator or function: attribute_exists"),
    (cond("size(a)"), CE + "The function is not allowed to be used this way in an expression; function: size"),
    (cond("attribute_exists(a) = :s"), CE + "The function is not allowed to be used this way in an expression; function: attribute_exists"),
    (cond("a = a"), CE + "The first operand must be distinct from the remaining operands for this operator or function; "
     "operator: =, first operand: [a]"),
    (cond("a BETWEEN :n AND :one"), CE + "The BETWEEN operator requires upper bound to be greater than or equal to lower "
     "bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"),
    (cond("a BETWEEN :s AND :n"), CE + "The BETWEEN operator requires same data type for lower and upper bounds; lower "
     "bound operand: AttributeValue: {S:x}, upper bound operand: AttributeValue: {N:5}"),
    (cond("a IN (" + ", ".join(f":v{i}" for i in range(101)) + ")",
          ExpressionAttributeValues={f":v{i}": {"N": str(i)} for i in range(101)}),
     CE + "The IN operator is provided with too many operands; number of operands: 101"),
    # update sections, paths, ADD/DELETE operands
    (upd("SET a = :s SET b = :n"), UE + 'The "SET" section can only be used once in an update expression;'),
    (upd("SET a = :s, a = :n"), UE + "Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [a], path two: [a]"),
    (upd("SET lst[0] = :s REMOVE lst"), UE + "Two document paths overlap with each other; must remove or rewrite one of "
     "these paths; path one: [lst, [0]], path two: [lst]"),
    (upd("SET lst[0] = :s, lst.x = :n"), UE + "Two document paths conflict with each other; must remove or rewrite one of "
     "these paths; path one: [lst, [0]], path two: [lst, x]"),
    (upd("SET a = b + :s"), UE + WRONG_TYPE + "+, operand type: S"),
    (upd("SET a = list_append(a, :s)"), UE + WRONG_TYPE + "list_append, operand type: S"),
    (upd("SET a = if_not_exists(:s, :n)"), UE + "Operator or function requires a document path; operator or function: if_not_exists"),
    (upd("ADD a :s"), UE + "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"),
    (upd("ADD a :l"), UE + "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"),
    (upd("DELETE a :n"), UE + "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"),
    # undefined and unused placeholders
    (cond("a = :x"), CE + "An expression attribute value used in expression is not defined; attribute value: :x"),
    (cond("#n = :s"), CE + "An expression attribute name used in the document path is not defined; attribute name: #n"),
    (upd("SET a = :s", ConditionExpression="b = :x"), CE + "An expression attribute value used in expression is not "
     "defined; attribute value: :x"),
    (upd("SET a = :x", ConditionExpression="b = :y"), UE + "An expression attribute value used in expression is not "
     "defined; attribute value: :x"),
    (cond("a = :s", ExpressionAttributeValues={":s": {"S": "1"}, ":x": {"S": "2"}}),
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"),
    (cond("a = :s", ExpressionAttributeNames={"#a": "a", "#c": "c"}),
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #c}"),
    # ranking: the update's problem first; then by kind, not by position
    (upd("SET Role = :s", ConditionExpression="Role = :n"), UE + "Attribute name is a reserved keyword; reserved keyword: Role"),
    (cond("Role = :s AND foo(a)"), CE + "Invalid function name; function: foo"),
    (cond("Role = :x"), CE + "Attribute name is a reserved keyword; reserved keyword: Role"),
    (cond("attribute_exists(a, b) AND #zz = :s"), CE + ARITY + "attribute_exists, number of operands: 2"),
    # key conditions
    (("Query", request("KeyConditionExpression", "pk = :s OR pk = :n")), "Invalid operator used in KeyConditionExpression: OR"),
    (("Query", request("KeyConditionExpression", "pk = :s AND pk = :n")), "KeyConditionExpressions must only contain one condition per key"),
    (("Query", request("KeyConditionExpression", "pk.x = :s")), "KeyConditionExpressions cannot have conditions on nested attributes"),
]


@pytest.mark.parametrize(("call", "message"), CATALOGUE, ids=[m[:60] for _, m in CATALOGUE])
def test_catalogue_of_bad_requests(call, message):
    with pytest.raises(DynamoError) as caught:
        validate_request(*call)
    assert (caught.value.code, caught.value.message) == ("ValidationException", message)


@pytest.mark.parametrize(("operation", "params"), [
    cond("attribute_not_exists(pk)"),
    cond("#v = :n AND (size(#l) < :n OR NOT contains(#l, :s))", ExpressionAttributeNames={"#v": "version", "#l": "list"}),
    cond("a[0].b[1] = :s OR NOT (c <> :n AND d < :n)"),
    cond("(a) = :s AND (a.b BETWEEN :one AND :n)"),
    cond("a IN (:s, :n) and not b in (:one)"),
    upd("set a = :s remove b add c :n delete d :ss"),
    upd("SET a = if_not_exists(a, :n) + :one, l = list_append(if_not_exists(l, :l), :l)", ConditionExpression="v = :s"),
    ("GetItem", {"ProjectionExpression": "a, b.c[1], #d", "ExpressionAttributeNames": {"#d": "d"}}),
    ("Query", request("KeyConditionExpression", "pk = :s AND begins_with(sk, :t)", FilterExpression="a > :n",
                      KeyConditions=None)),
])
def test_good_requests_parse(operation, params):
    parsed = validate_request(operation, params)
    assert isinstance(parsed, Parsed)
    assert any(getattr(parsed, f) is not None for f in ("condition", "update", "projection", "filter", "key_condition"))


def test_operations_without_expressions_give_an_empty_parse():
    assert validate_request("BatchGetItem", {"RequestItems": {}}) == Parsed()
    assert validate_request("PutItem", {"Item": {"pk": {"S": "k"}}}) == Parsed()


def test_legacy_key_conditions_may_go_with_a_filter_expression():
    validate_request("Query", request("FilterExpression", "a = :s", KeyConditions={"pk": {}}))


def test_parses_are_cached():
    before = parse.cache_info().hits
    for _ in range(3):
        validate_request(*cond("attribute_not_exists(cache_probe)"))
    assert parse.cache_info().hits >= before + 2


def test_reserved_words_come_from_moto():
    words = reserved_words()
    assert {"ROLE", "STATUS", "NAME", "DATA", "SIZE", "TYPE", "STATE", "COUNT", "USER"} <= words
    assert not {"USERNAME", "EMAIL", "VERSION", "BALANCE", "QUANTITY"} & words


# ---- evaluation

ITEM = {
    "pk": {"S": "k"}, "n": {"N": "5"}, "price": {"N": "7.50"}, "s": {"S": "héllo"}, "b": {"B": b"abc"},
    "flag": {"BOOL": True}, "nothing": {"NULL": True}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.0"]},
    "bs": {"BS": [b"abc"]}, "l": {"L": [{"S": "z"}, {"N": "1"}, {"M": {"c": {"S": "deep"}}}]},
    "m": {"M": {"x": {"N": "1"}, "y": {"S": "q"}}},
}
EVAL_VALUES = {
    ":k": {"S": "k"}, ":5": {"N": "5.0"}, ":7": {"N": "7.5"}, ":4": {"N": "4"}, ":6": {"N": "6"}, ":1": {"N": "1"},
    ":2": {"N": "2"}, ":3": {"N": "3"}, ":z": {"S": "z"}, ":he": {"S": "hé"}, ":hello": {"S": "héllo"},
    ":ab": {"B": "YWI="}, ":abc": {"B": "YWJj"}, ":a": {"S": "a"}, ":c": {"S": "c"}, ":deep": {"S": "deep"},
    ":S": {"S": "S"}, ":N": {"N": "N"}, ":tN": {"S": "N"}, ":tSS": {"S": "SS"}, ":tM": {"S": "M"}, ":tL": {"S": "L"},
    ":tB": {"S": "B"}, ":tBOOL": {"S": "BOOL"}, ":tNULL": {"S": "NULL"}, ":tNS": {"S": "NS"}, ":tBS": {"S": "BS"},
    ":true": {"BOOL": True}, ":ss": {"SS": ["b", "a"]}, ":m": {"M": {"y": {"S": "q"}, "x": {"N": "1.0"}}},
    ":lz": {"L": [{"S": "z"}]}, ":null": {"NULL": True},
}

EVALUATIONS = [
    ("pk = :k", True), ("pk = :z", False), ("n = :5", True), ("price = :7", True), ("n = :k", False),
    ("n <> :5", False), ("n <> :k", True), ("absent = :5", False), ("absent <> :5", True),
    ("n < :6", True), ("n < :5", False), ("n <= :5", True), ("n > :4", True), ("n >= :6", False),
    ("s > :he", True), ("s < :he", False), ("n < :k", False), ("b > :ab", True), ("flag = :true", True),
    ("flag < :true", False), ("nothing = :null", True), ("ss = :ss", True), ("m = :m", True), ("l[0] = :z", True),
    ("l[2].c = :deep", True), ("l[3] = :z", False), ("m.x = :1", True), ("m.x.y = :1", False), ("pk[0] = :k", False),
    ("n BETWEEN :4 AND :6", True), ("n BETWEEN :5 AND :5", True), ("n BETWEEN :6 AND :7", False),
    ("s BETWEEN :he AND :hello", True), ("absent BETWEEN :4 AND :6", False), ("pk BETWEEN :4 AND :6", False),
    ("n IN (:1, :5)", True), ("n IN (:1, :2)", False), ("absent IN (:1)", False), ("pk IN (:z, :k)", True),
    ("attribute_exists(pk)", True), ("attribute_exists(absent)", False), ("attribute_exists(m.x)", True),
    ("attribute_not_exists(pk)", False), ("attribute_not_exists(m.zz)", True), ("attribute_exists(l[1])", True),
    ("attribute_type(n, :tN)", True), ("attribute_type(n, :S)", False), ("attribute_type(ss, :tSS)", True),
    ("attribute_type(m, :tM)", True), ("attribute_type(l, :tL)", True), ("attribute_type(b, :tB)", True),
    ("attribute_type(flag, :tBOOL)", True), ("attribute_type(nothing, :tNULL)", True),
    ("attribute_type(ns, :tNS)", True), ("attribute_type(bs, :tBS)", True), ("attribute_type(absent, :tN)", False),
    ("begins_with(s, :he)", True), ("begins_with(s, :z)", False), ("begins_with(b, :ab)", True),
    ("begins_with(n, :he)", False), ("begins_with(absent, :he)", False),
    ("contains(s, :he)", True), ("contains(s, :z)", False), ("contains(ss, :a)", True), ("contains(ss, :c)", False),
    ("contains(ns, :2)", True), ("contains(ns, :3)", False), ("contains(bs, :abc)", True), ("contains(b, :ab)", True),
    ("contains(l, :z)", True), ("contains(l, :1)", True), ("contains(l, :a)", False), ("contains(n, :5)", False),
    ("contains(absent, :a)", False),
    ("size(s) = :5", True), ("size(b) = :3", True), ("size(ss) = :2", True), ("size(ns) = :2", True),
    ("size(l) = :3", True), ("size(m) = :2", True), ("size(bs) = :1", True), ("size(absent) = :1", False),
    ("size(absent) < :1", False), ("size(n) = :1", False), ("size(l[2]) = :1", True),
    ("NOT attribute_exists(absent)", True), ("NOT n = :5", False),
    ("n = :5 AND pk = :k", True), ("n = :5 AND pk = :z", False), ("n = :1 OR pk = :k", True),
    ("n = :1 OR pk = :z", False),
    ("pk = :z AND n = :1 OR n = :5", True),  # AND binds tighter than OR
    ("pk = :z AND (n = :1 OR n = :5)", False),
    ("NOT pk = :z AND n = :5", True),  # NOT binds tighter than AND
    ("NOT (pk = :k AND n = :1)", True),
]


@pytest.mark.parametrize(("expression", "expected"), EVALUATIONS)
def test_evaluate(expression, expected):
    used = placeholders(expression, EVAL_VALUES)
    parsed = validate_request("PutItem", {"ConditionExpression": expression, **({"ExpressionAttributeValues": used} if used else {})})
    assert evaluate(parsed.condition, ITEM, None, used) is expected


def test_evaluate_resolves_names_and_handles_no_item():
    params = {"ConditionExpression": "#s = :v OR attribute_not_exists(#p)",
              "ExpressionAttributeNames": {"#s": "status", "#p": "pk"}, "ExpressionAttributeValues": {":v": {"S": "ok"}}}
    parsed = validate_request("PutItem", params)
    names, values = params["ExpressionAttributeNames"], params["ExpressionAttributeValues"]
    assert evaluate(parsed.condition, None, names, values) is True
    assert evaluate(parsed.condition, {"pk": {"S": "k"}, "status": {"S": "ok"}}, names, values) is True
    assert evaluate(parsed.condition, {"pk": {"S": "k"}, "status": {"S": "no"}}, names, values) is False


# ---- update checks

UPDATE_ITEM = {"pk": {"S": "k"}, "n": {"N": "1"}, "s": {"S": "x"}, "l": {"L": []}, "m": {"M": {}},
               "ss": {"SS": ["a"]}, "ns": {"NS": ["1"]}}
UPDATE_VALUES = {":n": {"N": "2"}, ":s": {"S": "y"}, ":l": {"L": [{"S": "z"}]}, ":ss": {"SS": ["b"]}, ":ns": {"NS": ["3"]}}
BAD_TYPE = "An operand in the update expression has an incorrect data type"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
BAD_PATH = "The document path provided in the update expression is invalid for update"

UPDATES = [
    ("SET n = n + :n", None), ("SET n = n - :n", None), ("SET x = if_not_exists(x, :n) + :n", None),
    ("SET l = list_append(l, :l)", None), ("SET x = list_append(if_not_exists(x, :l), :l)", None),
    ("SET m.a = :n", None), ("SET l[5] = :n", None), ("ADD n :n", None), ("ADD x :n", None), ("ADD ss :ss", None),
    ("ADD ns :ns", None), ("DELETE ss :ss", None), ("DELETE x :ss", None), ("REMOVE m.a, x", None),
    ("SET s = s + :n", BAD_TYPE), ("SET n = n + s", BAD_TYPE), ("SET l = list_append(s, :l)", BAD_TYPE),
    ("SET l = list_append(l, n)", BAD_TYPE), ("ADD s :n", BAD_TYPE), ("ADD ss :ns", BAD_TYPE),
    ("ADD n :ss", BAD_TYPE), ("DELETE s :ss", BAD_TYPE), ("DELETE ns :ss", BAD_TYPE),
    ("SET n = x + :n", MISSING), ("SET n = x", MISSING), ("SET n = list_append(x, :l)", MISSING),
    ("SET x.y = :n", BAD_PATH), ("SET s.y = :n", BAD_PATH), ("SET m[0] = :n", BAD_PATH), ("SET x[0] = :n", BAD_PATH),
    ("REMOVE x.y", BAD_PATH), ("ADD x.y :n", BAD_PATH),
]


@pytest.mark.parametrize(("expression", "message"), UPDATES)
def test_check_update(expression, message):
    used = placeholders(expression, UPDATE_VALUES)
    parsed = validate_request("UpdateItem", {"UpdateExpression": expression, **({"ExpressionAttributeValues": used} if used else {})})
    if message is None:
        check_update(parsed.update, UPDATE_ITEM, None, used)
    else:
        with pytest.raises(DynamoError) as caught:
            check_update(parsed.update, UPDATE_ITEM, None, used)
        assert (caught.value.code, caught.value.message) == ("ValidationException", message)


def test_check_update_without_an_item():
    parsed = validate_request("UpdateItem", {"UpdateExpression": "SET a = :n ADD c :n", "ExpressionAttributeValues": {":n": {"N": "1"}}})
    check_update(parsed.update, None, None, {":n": {"N": "1"}})


# ---- nothing but DynamoError escapes, whatever the input

PIECES = ["a", "b.c", "l[0]", "#n", "#zz", ":v", ":s", ":zz", "=", "<>", "<", ">=", "==", "!", "(", ")", "((", "))",
          "[", "]", ",", ".", "+", "-", "AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE",
          "size(", "attribute_exists(", "attribute_type(", "begins_with(", "contains(", "if_not_exists(",
          "list_append(", "foo(", "Role", "'x'", '"', "1", "99999999999999999999", "é", "\x00", "#", ":", " ", "\n"]
KEYS = ["ConditionExpression", "UpdateExpression", "ProjectionExpression", "FilterExpression", "KeyConditionExpression"]
OPERATIONS = ["PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan", "Put", "Update", "ConditionCheck"]


def garbled(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 30)))
    return " ".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 16)))


def test_fuzz_only_dynamo_errors_escape():
    rng = random.Random(20240501)
    item = {"a": {"N": "1"}, "b": {"M": {"c": {"S": "x"}}}, "l": {"L": [{"N": "2"}]}}
    names, values = {"#n": "a"}, {":v": {"N": "1"}, ":s": {"SS": ["x"]}}
    outcomes = {"ok": 0, "error": 0}
    for _ in range(1500):
        params = {rng.choice(KEYS): garbled(rng) for _ in range(rng.randrange(1, 3))}
        if rng.random() < 0.8:
            params["ExpressionAttributeNames"] = dict(names)
            params["ExpressionAttributeValues"] = dict(values)
        try:
            parsed = validate_request(rng.choice(OPERATIONS), params)
        except DynamoError as error:
            assert error.code == "ValidationException" and error.message
            outcomes["error"] += 1
            continue
        outcomes["ok"] += 1
        for tree in (parsed.condition, parsed.filter, parsed.key_condition):
            if tree is not None:
                assert evaluate(tree, item, names, values) in (True, False)
        if parsed.update is not None:
            try:
                check_update(parsed.update, item, names, values)
            except DynamoError:
                pass
    assert outcomes["error"] > 1000


@pytest.mark.parametrize("expression", ["(" * 1500 + "a = :v" + ")" * 1500, "NOT " * 1000 + "a = :v",
                                        "a = :v AND " * 370 + "a = :v", "a" + "[0]" * 1000, "a." * 2000 + "a"])
def test_deep_or_long_expressions_raise_only_dynamo_errors(expression):
    try:
        parsed = validate_request("PutItem", {"ConditionExpression": expression, "ExpressionAttributeValues": {":v": {"N": "1"}}})
    except DynamoError as error:
        assert error.code == "ValidationException"
    else:
        assert evaluate(parsed.condition, {"a": {"N": "1"}}, None, {":v": {"N": "1"}}) in (True, False)
