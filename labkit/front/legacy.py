"""The legacy parameters (``Expected``, ``ConditionalOperator``, ``AttributeUpdates``) as expressions.

DynamoDB still accepts them (DynamoDBMapper's ``DynamoDBSaveExpression`` sends ``Expected``); moto 5.2.5
ignores ``Expected`` values. Rewriting each into the equivalent expression lets one evaluator decide both
forms, so the legacy call and today's ``ConditionExpression`` cannot disagree.
"""

from __future__ import annotations

from .errors import invalid_parameter

_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_OPERANDS = {**dict.fromkeys(_COMPARATORS, 1), "NULL": 0, "NOT_NULL": 0, "CONTAINS": 1,
             "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "BETWEEN": 2}


def _clause(name: str, value: str, spec: dict, values: dict, n: int) -> str:
    def placeholder(v, i=0):
        key = f":legacy{n}_{i}"
        values[key] = v
        return key

    if "Value" in spec and "AttributeValueList" in spec:
        raise invalid_parameter(f"Value and AttributeValueList cannot be used together for Attribute: {value}")
    if "ComparisonOperator" in spec:
        op = spec["ComparisonOperator"]
        args = spec.get("AttributeValueList", [])
        if op != "IN" and op in _OPERANDS and len(args) != _OPERANDS[op]:
            raise invalid_parameter(f"Invalid number of argument(s) for the {op} ComparisonOperator")
        refs = [placeholder(v, i) for i, v in enumerate(args)]
        if op in _COMPARATORS:
            return f"{name} {_COMPARATORS[op]} {refs[0]}"
        return {
            "NULL": lambda: f"attribute_not_exists({name})",
            "NOT_NULL": lambda: f"attribute_exists({name})",
            "CONTAINS": lambda: f"contains({name}, {refs[0]})",
            "NOT_CONTAINS": lambda: f"NOT contains({name}, {refs[0]})",
            "BEGINS_WITH": lambda: f"begins_with({name}, {refs[0]})",
            "BETWEEN": lambda: f"{name} BETWEEN {refs[0]} AND {refs[1]}",
            "IN": lambda: f"{name} IN ({', '.join(refs)})",
        }[op]()
    exists = spec.get("Exists", True)
    if exists is False:
        if "Value" in spec:
            raise invalid_parameter(f"Value cannot be used when Exists is false for Attribute: {value}")
        return f"attribute_not_exists({name})"
    if "Value" not in spec:
        raise invalid_parameter(f"Value must be provided when Exists is true for Attribute: {value}")
    return f"{name} = {placeholder(spec['Value'])}"


def expected_as_condition(expected: dict, operator: str | None) -> tuple[str, dict, dict]:
    """``Expected`` + ``ConditionalOperator`` as (ConditionExpression, names, values)."""
    names, values, clauses = {}, {}, []
    for n, (attribute, spec) in enumerate(expected.items()):
        names[f"#legacy{n}"] = attribute
        clauses.append(_clause(f"#legacy{n}", attribute, spec, values, n))
    joiner = " OR " if (operator or "AND") == "OR" else " AND "
    return joiner.join(f"({c})" for c in clauses), names, values


def attribute_updates_as_expression(updates: dict) -> tuple[str, dict, dict]:
    """``AttributeUpdates`` as (UpdateExpression, names, values)."""
    sections: dict[str, list[str]] = {}
    names, values = {}, {}
    for n, (attribute, spec) in enumerate(updates.items()):
        name, ref = f"#legacy{n}", f":legacy{n}"
        names[name] = attribute
        action = spec.get("Action", "PUT")
        if "Value" in spec:
            values[ref] = spec["Value"]
        if action == "PUT":
            sections.setdefault("SET", []).append(f"{name} = {ref}")
        elif action == "DELETE" and "Value" not in spec:
            sections.setdefault("REMOVE", []).append(name)
        else:
            sections.setdefault(action, []).append(f"{name} {ref}")
    return " ".join(f"{verb} {', '.join(parts)}" for verb, parts in sections.items()), names, values
