"""The checks DynamoDB makes on a parsed expression once names and values are known.

DynamoDB reports one problem per expression, by a fixed rank of kinds rather than by position:
in a condition, redundant parentheses come before an unknown function, which comes before a function
used in the wrong place, a reserved word, and then the first faulty comparison or function call
(where an undefined placeholder outranks a wrong operand count, a repeated operand and a wrong
operand type). Update and projection expressions have ranks of their own. Each checker collects the
first message of every kind and returns the best-ranked one.
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from importlib import resources

from . import errors as messages
from .items import ATTRIBUTE_TYPES, binary_bytes
from .expr_parse import And, Arith, Between, Compare, Func, In, Node, Not, Or, Path, Value

_CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                        "begins_with": 2, "contains": 2, "size": 1}
_UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
MAX_IN_OPERANDS = 100


@functools.cache
def reserved_words() -> frozenset[str]:
    """DynamoDB's reserved words, as moto ships them (upper case)."""
    text = resources.files("moto.dynamodb.parsing").joinpath("reserved_keywords.txt").read_text()
    return frozenset(line.strip().upper() for line in text.splitlines() if line.strip())


def value_type(value) -> str | None:
    """The type letter of a DynamoDB JSON value, or None if it is not one."""
    if isinstance(value, dict) and len(value) == 1:
        (kind,) = value
        if kind in ATTRIBUTE_TYPES:
            return kind
    return None


def path_str(elements) -> str:
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in elements) + "]"


class Context:
    """Placeholder resolution shared by all expressions of one request; records what was used."""

    def __init__(self, names: dict | None, values: dict | None):
        self.names = names or {}
        self.values = values or {}
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def resolve_path(self, path: Path, errors: dict, slot: str, reserved: dict | None = None) -> tuple | None:
        """The path with names resolved; None if a name is undefined.

        Notes an undefined name in ``errors[slot]`` and a reserved word in ``reserved`` (default: errors).
        """
        reserved = errors if reserved is None else reserved
        resolved = []
        for element in path.elements:
            if isinstance(element, str) and element.startswith("#"):
                if element in self.names:
                    self.used_names.add(element)
                    resolved.append(self.names[element])
                else:
                    errors.setdefault(slot, messages.undefined_name(element))
                    return None
            else:
                if isinstance(element, str) and element.upper() in reserved_words():
                    reserved.setdefault("reserved", messages.reserved_keyword(element))
                resolved.append(element)
        return tuple(resolved)

    def resolve_value(self, node: Value, errors: dict, slot: str):
        if node.name in self.values:
            self.used_values.add(node.name)
            return self.values[node.name]
        errors.setdefault(slot, messages.undefined_value(node.name))
        return None


def _first(errors: dict, order) -> str | None:
    return next((errors[kind] for kind in order if kind in errors), None)


def _gt(low: dict, high: dict, kind: str) -> bool:
    try:
        if kind == "N":
            return Decimal(low["N"]) > Decimal(high["N"])
        if kind == "S":
            return low["S"] > high["S"]
        if kind == "B":
            return binary_bytes(low["B"]) > binary_bytes(high["B"])
    except (InvalidOperation, TypeError):
        return False
    return False


class _ConditionChecker:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.errors: dict[str, str] = {}  # global kinds: unknownFunction, misusedFunction, reserved, condition

    def check(self, tree: Node, redundant: bool) -> str | None:
        self.condition(tree)
        if redundant:
            return messages.REDUNDANT_PARENTHESES
        return _first(self.errors, ("unknownFunction", "misusedFunction", "reserved", "condition"))

    def condition(self, node: Node):
        if isinstance(node, (And, Or)):
            for item in node.items:
                self.condition(item)
        elif isinstance(node, Not):
            self.condition(node.item)
        else:
            local: dict[str, str] = {}
            if isinstance(node, Func) and node.name == "size":
                self.errors.setdefault("misusedFunction", messages.misused_function("size"))
            self.atomic(node, local)
            if "condition" not in self.errors:
                message = _first(local, ("attrNameVal", "operand", "distinct", "function"))
                if message:
                    self.errors["condition"] = message

    def misused(self, operands):
        for operand in operands:
            if isinstance(operand, Func) and operand.name != "size":
                self.errors.setdefault("misusedFunction", messages.misused_function(operand.name))

    def atomic(self, node: Node, local: dict):
        if isinstance(node, Func):
            self.function(node, local)
        elif isinstance(node, Compare):
            self.misused((node.left, node.right))
            left, right = self.operand(node.left, local), self.operand(node.right, local)
            self.distinct(node.op, node.left, node.right, left, right, local)
        elif isinstance(node, Between):
            self.misused((node.operand, node.low, node.high))
            self.operand(node.operand, local)
            low, high = self.operand(node.low, local), self.operand(node.high, local)
            if isinstance(node.low, Value) and isinstance(node.high, Value):
                self.between_bounds(low, high, local)
        elif isinstance(node, In):
            self.misused((node.operand, *node.candidates))
            for operand in (node.operand, *node.candidates):
                self.operand(operand, local)
            if len(node.candidates) > MAX_IN_OPERANDS:
                local.setdefault("function", messages.too_many_in_operands(len(node.candidates)))

    def operand(self, node: Node, local: dict):
        """Resolves an operand; returns its resolved path (tuple), its value (dict), or None."""
        if isinstance(node, Path):
            return self.ctx.resolve_path(node, local, "attrNameVal", self.errors)
        if isinstance(node, Value):
            return self.ctx.resolve_value(node, local, "attrNameVal")
        self.function(node, local)
        return None

    def static_type(self, node: Node, resolved) -> str | None:
        if isinstance(node, Value):
            return value_type(resolved)
        if isinstance(node, Func):
            return "N" if node.name == "size" else "BOOL"
        return None

    def distinct(self, name, first: Node, second: Node, a, b, local: dict):
        if isinstance(first, Path) and isinstance(second, Path) and a is not None and a == b:
            local.setdefault("distinct", messages.same_operands(name, path_str(a)))

    def between_bounds(self, low, high, local: dict):
        low_type, high_type = value_type(low), value_type(high)
        if not (low_type and high_type):
            return
        bounds = (f"lower bound operand: AttributeValue: {{{low_type}:{low[low_type]}}}, "
                  f"upper bound operand: AttributeValue: {{{high_type}:{high[high_type]}}}")
        if low_type != high_type:
            local.setdefault("function", messages.between_types(bounds))
        elif _gt(low, high, low_type):
            local.setdefault("function", messages.between_order(bounds))

    def function(self, node: Func, local: dict):
        self.misused(node.args)
        resolved = [self.operand(arg, local) for arg in node.args]
        arity = _CONDITION_FUNCTIONS.get(node.name)
        if arity is None:  # DynamoDB names an update function misplaced here apart from an unknown one
            belongs = "a condition expression" if node.name in _UPDATE_FUNCTIONS else None
            self.errors.setdefault("unknownFunction", messages.unknown_function(node.name, belongs))
            return
        if arity != len(node.args):
            local.setdefault("operand", messages.operand_count(node.name, len(node.args)))
            return
        if arity == 2:
            self.distinct(node.name, node.args[0], node.args[1], resolved[0], resolved[1], local)
        types = [self.static_type(arg, value) for arg, value in zip(node.args, resolved)]
        if node.name in ("attribute_exists", "attribute_not_exists") and not isinstance(node.args[0], Path):
            local.setdefault("function", messages.needs_path(node.name))
        elif node.name == "begins_with":
            bad = next((t for t in types if t and t not in ("S", "B")), None)
            if bad:
                local.setdefault("function", messages.operand_type(node.name, bad))
        elif node.name == "attribute_type":
            if types[1] != "S":
                local.setdefault("function", messages.operand_type(node.name, types[1] or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"))
            elif resolved[1]["S"] not in ATTRIBUTE_TYPES:
                local.setdefault("function", messages.invalid_type_name(resolved[1]["S"]))
        elif node.name == "size" and types[0] in ("N", "BOOL", "NULL"):
            local.setdefault("function", messages.operand_type(node.name, types[0]))


def check_condition(parsed, ctx: Context) -> str | None:
    return _ConditionChecker(ctx).check(parsed.tree, parsed.redundant_parens)


_SET_TYPE_NAMES = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "NULL": "NULL", "BOOL": "BOOLEAN", "L": "LIST", "M": "MAP"}


def _path_clash(first: tuple, second: tuple) -> str | None:
    for a, b in zip(first, second):
        if isinstance(a, int) != isinstance(b, int):
            return "conflict"
        if a != b:
            return None
    return "overlap"


def check_paths(paths: list[tuple], errors: dict):
    """Two document paths may not overlap (one a prefix of the other) or conflict (index vs name)."""
    for i, path in enumerate(paths):
        for earlier in paths[:i]:
            clash = _path_clash(earlier, path)
            if clash:
                errors.setdefault("path" + clash, messages.paths_clash(clash, path_str(earlier), path_str(path)))
                if clash == "overlap":
                    return


def check_update_expression(parsed, ctx: Context) -> str | None:
    errors: dict[str, str] = {}
    if parsed.duplicate_section:
        errors["section"] = messages.section_twice(parsed.duplicate_section)
    paths = []
    for action in parsed.tree:
        resolved = ctx.resolve_path(action.path, errors, "attrName")
        if resolved is not None:
            paths.append(resolved)
        if action.section in ("ADD", "DELETE"):
            kind = value_type(ctx.resolve_value(action.value, errors, "attrVal"))
            if kind in _SET_TYPE_NAMES and not (action.section == "ADD" and kind == "N"):
                errors.setdefault("operand", messages.operand_type(action.section, _SET_TYPE_NAMES[kind], "operator"))
        elif action.value is not None:
            _update_value(action.value, ctx, errors)
    check_paths(paths, errors)
    return _first(errors, ("reserved", "unknownFunction", "section", "attrName", "attrVal",
                           "pathoverlap", "pathconflict", "operand", "function"))


def _update_value(node: Node, ctx: Context, errors: dict):
    """Resolves placeholders in a SET value and checks its functions; returns the value if a literal."""
    if isinstance(node, Path):
        ctx.resolve_path(node, errors, "attrName")
        return None
    if isinstance(node, Value):
        return ctx.resolve_value(node, errors, "attrVal")
    args = (node.left, node.right) if isinstance(node, Arith) else node.args
    name = node.op if isinstance(node, Arith) else node.name
    literals = [_update_value(arg, ctx, errors) for arg in args]
    if not isinstance(node, Arith) and node.name not in _UPDATE_FUNCTIONS:
        belongs = "an update expression" if node.name in _CONDITION_FUNCTIONS else None
        errors.setdefault("unknownFunction", messages.unknown_function(node.name, belongs))
        return None
    if "function" in errors:
        return None
    if len(args) != 2:
        errors["function"] = messages.operand_count(name, len(args))
    elif name == "if_not_exists":
        if not isinstance(args[0], Path):
            errors["function"] = messages.needs_path("if_not_exists")
    else:
        wanted = "L" if name == "list_append" else "N"
        bad = next((t for t in map(value_type, literals) if t and t != wanted), None)
        if bad:
            errors["function"] = messages.operand_type(name, bad)
    return None


def check_projection(parsed, ctx: Context) -> str | None:
    errors: dict[str, str] = {}
    paths = [p for p in (ctx.resolve_path(path, errors, "attrNameVal") for path in parsed.tree) if p is not None]
    check_paths(paths, errors)
    return _first(errors, ("reserved", "attrNameVal", "pathoverlap", "pathconflict"))


def check_key_condition(tree: Node, ctx: Context) -> str | None:
    """The shapes a KeyConditionExpression allows: one condition per key attribute, joined by AND."""
    seen: set[str] = set()
    for node in tree.items if isinstance(tree, And) else (tree,):
        message = _key_condition(node, ctx, seen)
        if message:
            return message
    return None


def _key_condition(node: Node, ctx: Context, seen: set) -> str | None:
    if isinstance(node, (Or, Not, In)) or (isinstance(node, Compare) and node.op == "<>"):
        operator = node.op if isinstance(node, Compare) else type(node).__name__.upper()
        return messages.key_operator(operator)
    if isinstance(node, And):
        for item in node.items:
            message = _key_condition(item, ctx, seen)
            if message:
                return message
        return None
    if isinstance(node, Func) and node.name != "begins_with":
        return messages.KEY_NESTED_OPERATION if node.name == "size" else messages.key_operator(node.name)
    operands = (node.operand, node.low, node.high) if isinstance(node, Between) \
        else node.args if isinstance(node, Func) else (node.left, node.right)
    if any(isinstance(op, Func) for op in operands):
        return messages.KEY_NESTED_OPERATION
    if isinstance(node, (Between, Func)) and not isinstance(operands[0], Path):
        label = "BETWEEN" if isinstance(node, Between) else "begins_with"
        return messages.key_first_operand(label)
    paths = [op for op in operands if isinstance(op, Path)]
    if len(paths) > 1:
        return messages.KEY_SEVERAL_NAMES
    if not paths:
        return messages.KEY_NO_KEY
    if len(paths[0].elements) > 1:
        return messages.KEY_NESTED_ATTRIBUTE
    name = ctx.resolve_path(paths[0], {}, "unused")
    key = name[0] if name else paths[0].elements[0]
    if key in seen:
        return messages.KEY_ONE_CONDITION
    seen.add(key)
    return None
