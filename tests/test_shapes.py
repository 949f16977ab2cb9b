"""The server's shape check: a predicate compiled from botocore's model lets most requests through without
botocore's validator. It must never let through what the validator would refuse."""

from __future__ import annotations

import copy
import random

import pytest

from labkit.front import errors, shapes

# What check() acts on; the validator's other findings (unknown members, unions) the service ignores.
REFUSED = {"invalid type", "missing required field", "invalid length", "invalid range"}
WRONG_TYPES = ("text", 7, -3, 2.5, True, None, [], ["x"], {}, {"S": "x"}, b"\x00")


def _value(shape, rng: random.Random, depth: int = 0):
    """A value that botocore's validator accepts for ``shape``, mostly; sometimes at its minimum."""
    kind, low = shape.type_name, shape.metadata.get("min", 0)
    if kind == "structure":
        names = list(shape.members)
        chosen = set(shape.metadata.get("required", ())) | {n for n in names if rng.random() < 0.3 and depth < 4}
        if shape.metadata.get("union") and chosen:
            chosen = {rng.choice(sorted(chosen))}
        return {name: _value(shape.members[name], rng, depth + 1) for name in chosen}
    if kind == "list":
        return [_value(shape.member, rng, depth + 1) for _ in range(max(low, rng.randint(0, 2) if depth < 4 else 0))]
    if kind == "map":
        return {f"#k{i}": _value(shape.value, rng, depth + 1) for i in range(rng.randint(0, 2) if depth < 4 else 0)}
    if kind == "string":
        return rng.choice(shape.enum) if shape.enum else "s" * max(low, rng.randint(0, 4))
    if kind in ("integer", "long"):
        return max(low, rng.randint(0, 5))
    if kind in ("double", "float"):
        return float(rng.randint(0, 5))
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "blob":
        return "YWJj"
    return "2026-01-01T00:00:00Z"  # timestamp


def _mutate(params, rng: random.Random):
    """One change somewhere inside ``params``: a member of another type, a required member or a list
    element removed, a string or a list cut to nothing, a number made negative."""
    containers = [params]
    stack = [params]
    while stack:
        current = stack.pop()
        children = current.values() if isinstance(current, dict) else current
        for child in children:
            if isinstance(child, (dict, list)):
                containers.append(child)
                stack.append(child)
    target = rng.choice(containers)
    if not target:
        return
    slot = rng.choice(list(target) if isinstance(target, dict) else range(len(target)))
    change = rng.randrange(4)
    if change == 0:
        target[slot] = copy.deepcopy(rng.choice(WRONG_TYPES))  # never one object in two places
    elif change == 1:
        del target[slot]
    elif change == 2 and isinstance(target[slot], (str, list)):
        target[slot] = target[slot][:0]
    elif isinstance(target[slot], (int, float)) and not isinstance(target[slot], bool):
        target[slot] = -abs(target[slot]) - 1
    else:
        target[slot] = copy.deepcopy(rng.choice(WRONG_TYPES))  # never one object in two places


def _refused(operation: str, params) -> bool:
    validator = shapes.ParamValidator()
    return any(kind in REFUSED for kind, _, _ in validator.validate(params, shapes._input_shapes()[operation])._errors)


def _has_timestamp(shape, seen=None) -> bool:
    seen = set() if seen is None else seen
    if shape.name in seen:
        return False
    seen.add(shape.name)
    inner = {"structure": lambda: shape.members.values(), "list": lambda: [shape.member],
             "map": lambda: [shape.key, shape.value]}.get(shape.type_name, lambda: [])()
    return shape.type_name == "timestamp" or any(_has_timestamp(s, seen) for s in inner)


@pytest.mark.parametrize("operation", sorted(shapes._input_shapes()))
def test_the_fast_check_lets_through_only_what_the_validator_accepts(operation):
    rng = random.Random(operation)
    shape = shapes._input_shapes()[operation]
    fits = shapes._fits(operation)
    slow_only = 0
    for case in range(150):
        params = _value(shape, rng)
        for _ in range(case % 3):  # a third as generated, the rest changed once or twice
            _mutate(params, rng)
        refused = _refused(operation, params)
        if fits(params):
            assert not refused, (operation, params)
        elif not refused:
            slow_only += 1
    if not _has_timestamp(shape):  # a timestamp always goes to the validator; nothing else should need to
        assert slow_only == 0, f"{operation}: {slow_only} valid requests walked by the validator"


def test_a_request_that_does_not_fit_still_gets_the_validators_findings():
    with pytest.raises(errors.DynamoError, match="Value null at 'tableName'"):
        shapes.check("PutItem", {"Item": {}})
    with pytest.raises(errors.DynamoError, match="NUMBER_VALUE cannot be converted to String"):
        shapes.check("PutItem", {"TableName": "T", "Item": {"pk": {"S": 5}}})
    shapes.check("PutItem", {"TableName": "T", "Item": {"pk": {"S": "k"}}, "Unknown": 1})
