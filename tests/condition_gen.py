"""Random items and condition expressions, seeded, for the tests of the explanation.

Every condition is valid (DynamoDB evaluates it rather than refusing it) and mixes, at random: every
function (``attribute_type`` with each of its ten types, ``size`` on every type that has one), the six
comparators, ``BETWEEN``, ``IN``, ``AND``/``OR``/``NOT`` with and without parentheses, nested paths
(``m.x``, ``l[0]``, ``m.l[1].y``), reserved words reached through ``#names``, and paths that are missing
(absent names, indexes past a list's end, a name under a scalar). Operand values are drawn partly from
the item itself, so that equality, prefixes and membership come out true as well as false.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

TYPES = ("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M")
SIZED = ("S", "B", "SS", "NS", "BS", "L", "M")
COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
RESERVED = ("status", "name", "size", "type", "data", "count")  # DynamoDB reserved words: need #names
PLAIN = ("a", "b", "title", "qty", "tags", "meta", "lst", "price")
STRINGS = ("", "a", "ab", "abc", "b", "ba", "order-1", "order-12", "Zed")
NUMBERS = ("0", "1", "2", "3", "-1", "2.5", "10", "100")
BYTES = (b"a", b"ab", b"b", b"\x01\x02", b"\x01")


@dataclass
class Case:
    item: dict  # DynamoDB JSON as boto3's client takes it (bytes for B), with its key ``pk``
    condition: str
    names: dict | None
    values: dict | None


def _scalar(rng: random.Random, kind: str):
    if kind == "S":
        return {"S": rng.choice(STRINGS)}
    if kind == "N":
        return {"N": rng.choice(NUMBERS)}
    if kind == "B":
        return {"B": rng.choice(BYTES)}
    if kind == "BOOL":
        return {"BOOL": rng.random() < 0.5}
    return {"NULL": True}


def _value(rng: random.Random, depth: int = 0) -> dict:
    kind = rng.choice(TYPES if depth < 2 else TYPES[:8])
    if kind in ("SS", "NS", "BS"):
        pool = {"SS": [s for s in STRINGS if s], "NS": NUMBERS, "BS": BYTES}[kind]
        return {kind: rng.sample(pool, rng.randint(1, 3))}
    if kind == "L":
        return {"L": [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]}
    if kind == "M":
        keys = rng.sample(PLAIN + RESERVED, rng.randint(1, 3))
        return {"M": {k: _value(rng, depth + 1) for k in keys}}
    return _scalar(rng, kind)


def random_item(rng: random.Random) -> dict:
    item = {"pk": {"S": "k"}}
    for name in rng.sample(PLAIN + RESERVED, rng.randint(3, 7)):
        item[name] = _value(rng)
    return item


def _paths(value: dict, prefix: tuple = ()) -> list[tuple[tuple, dict]]:
    """Every (path, value) under a map or list value, the value's own path first."""
    found = [(prefix, value)] if prefix else []
    kind = next(iter(value))
    if kind == "M":
        for name, child in value["M"].items():
            found += _paths(child, prefix + (name,))
    elif kind == "L":
        for index, child in enumerate(value["L"]):
            found += _paths(child, prefix + (index,))
    return found


class _Builder:
    """One condition's text with exactly the placeholders it uses."""

    def __init__(self, rng: random.Random, item: dict):
        self.rng, self.item = rng, item
        self.present = [(p, v) for p, v in _paths({"M": item}) if p != ("pk",)]
        self.names: dict[str, str] = {}
        self.values: dict[str, dict] = {}

    # -- operands
    def name(self, element: str) -> str:
        if element in RESERVED or self.rng.random() < 0.25:
            placeholder = "#" + next((k[1:] for k, v in self.names.items() if v == element), f"n{len(self.names)}")
            self.names[placeholder] = element
            return placeholder
        return element

    def path_text(self, path: tuple) -> str:
        text = ""
        for element in path:
            text += f"[{element}]" if isinstance(element, int) else (("." if text else "") + self.name(element))
        return text

    def missing_path(self) -> tuple:
        choice = self.rng.random()
        containers = [(p, v) for p, v in self.present if next(iter(v)) in ("M", "L")]
        scalars = [(p, v) for p, v in self.present if next(iter(v)) not in ("M", "L")]
        if choice < 0.3 and containers:
            path, value = self.rng.choice(containers)
            return path + ((len(value["L"]) + 2,) if "L" in value else ("nope",))
        if choice < 0.45 and scalars:
            return self.rng.choice(scalars)[0] + ("x",)  # a name under a scalar: nothing there
        absent = [n for n in PLAIN + RESERVED if n not in self.item]
        return (self.rng.choice(absent or ["nope"]),)

    def path(self) -> tuple[tuple, dict | None]:
        if self.present and self.rng.random() < 0.75:
            return self.rng.choice(self.present)
        return self.missing_path(), None

    def value(self, value: dict) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def like(self, value: dict | None) -> dict:
        """The same value half the time (equal), else a random one of the same or another type."""
        roll = self.rng.random()
        if value is not None and roll < 0.4:
            return value
        if value is not None and roll < 0.8 and next(iter(value)) in ("S", "N", "B"):
            return _scalar(self.rng, next(iter(value)))
        return _value(self.rng, 1)

    # -- conditions
    def atom(self) -> str:
        path, found = self.path()
        kind = next(iter(found)) if found else None
        p = self.path_text(path)
        pick = self.rng.choice(("exists", "not_exists", "type", "begins", "contains", "size", "compare", "compare",
                                "paths", "between", "in"))
        if pick == "exists":
            return f"attribute_exists({p})"
        if pick == "not_exists":
            return f"attribute_not_exists({p})"
        if pick == "type":
            wanted = kind if kind and self.rng.random() < 0.5 else self.rng.choice(TYPES)
            return f"attribute_type({p}, {self.value({'S': wanted})})"
        if pick == "begins":
            if kind in ("S", "B") and self.rng.random() < 0.6:
                whole = found[kind]
                prefix = {kind: whole[: self.rng.randint(0, len(whole))]}
            else:
                prefix = _scalar(self.rng, self.rng.choice(("S", "B")))
            return f"begins_with({p}, {self.value(prefix)})"
        if pick == "contains":
            return f"contains({p}, {self.value(self.member(found))})"
        if pick == "size":
            size = len(next(iter(found.values()))) if kind in SIZED else self.rng.randint(0, 3)
            limit = {"N": str(max(0, size + self.rng.choice((-1, 0, 0, 1))))}
            return f"size({p}) {self.rng.choice(COMPARATORS)} {self.value(limit)}"
        if pick == "compare":
            return f"{p} {self.rng.choice(COMPARATORS)} {self.value(self.like(found))}"
        if pick == "paths":
            other = self.rng.choice([q for q, _ in self.present if q != path] or [("nope",)])
            return f"{p} {self.rng.choice(COMPARATORS)} {self.path_text(other)}"
        if pick == "between":
            bound = kind if kind in ("S", "N", "B") else self.rng.choice(("S", "N", "B"))
            first = found if kind == bound and self.rng.random() < 0.5 else _scalar(self.rng, bound)
            low, high = sorted((first, _scalar(self.rng, bound)), key=lambda v: _order(bound, v[bound]))
            return f"{p} BETWEEN {self.value(low)} AND {self.value(high)}"
        candidates = [self.like(found) for _ in range(self.rng.randint(1, 4))]
        return f"{p} IN ({', '.join(self.value(c) for c in candidates)})"

    def member(self, found: dict | None) -> dict:
        kind = next(iter(found)) if found else None
        if kind in ("SS", "NS", "BS") and self.rng.random() < 0.7:
            return {kind[0]: self.rng.choice(found[kind])}
        if kind == "L" and found["L"] and self.rng.random() < 0.6:
            return self.rng.choice(found["L"])
        if kind == "S" and self.rng.random() < 0.6:
            start = self.rng.randint(0, len(found["S"]))
            return {"S": found["S"][start: start + self.rng.randint(0, 2)]}
        return _scalar(self.rng, self.rng.choice(("S", "N", "B")))

    def condition(self, depth: int) -> tuple[str, str]:
        """(text, kind): kind is 'or', 'and', 'not' or 'atom', for the parentheses a parent needs."""
        roll = self.rng.random() if depth < 3 else 1.0
        if roll < 0.25:
            return self.joined("AND", depth), "and"
        if roll < 0.45:
            return self.joined("OR", depth), "or"
        if roll < 0.55:
            text, kind = self.condition(depth + 1)
            return "NOT " + self.wrapped(text, kind in ("and", "or")), "not"
        return self.atom(), "atom"

    def joined(self, word: str, depth: int) -> str:
        parts = []
        for _ in range(self.rng.randint(2, 3)):
            text, kind = self.condition(depth + 1)
            parts.append(self.wrapped(text, word == "AND" and kind == "or"))
        return f" {word} ".join(parts)

    def wrapped(self, text: str, needed: bool) -> str:
        """Parentheses where precedence needs them, and now and then where it does not (never doubled)."""
        if needed or self.rng.random() < 0.15:
            return f"({text})"
        return text


def _order(kind: str, raw):
    return Decimal(raw) if kind == "N" else raw


def cases(count: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        item = random_item(rng)
        builder = _Builder(rng, item)
        text, _ = builder.condition(0)
        made.append(Case(item, text, builder.names or None, builder.values or None))
    return made
