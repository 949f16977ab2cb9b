"""Evaluating conditions and pre-checking updates against an item in DynamoDB JSON, as DynamoDB does.

A condition never fails with an error at run time: a missing attribute, a number compared with a
string, or size() of something that has no size all just make that comparison false. An update,
in contrast, fails with a ValidationException when its operands have the wrong type at run time.

Asked to (``explain``), the evaluator that decides a condition also records every sub-expression's
value as it decides it, so an explanation can never disagree with the decision. Recording is off
unless a trace list is passed: the decide path only tests ``trace is None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import validation
from .items import binary_bytes
from .expr_parse import Action, And, Between, Compare, Func, In, Node, Not, Or, Path, Value

def _kind(value) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value))
    return None


def _number(text) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _scalar(kind: str, data):
    """A Python value that compares as DynamoDB compares the attribute's contents."""
    if kind == "N":
        return _number(data)
    if kind == "B":
        return binary_bytes(data)
    return data


def _element_kind(set_kind: str) -> str:
    return set_kind[0]


def equal(a, b) -> bool:
    kind = _kind(a)
    if kind is None or kind != _kind(b):
        return False
    x, y = a[kind], b[kind]
    try:
        if kind in ("SS", "NS", "BS"):
            element = _element_kind(kind)
            return {_scalar(element, v) for v in x} == {_scalar(element, v) for v in y}
        if kind == "L":
            return len(x) == len(y) and all(equal(i, j) for i, j in zip(x, y))
        if kind == "M":
            return x.keys() == y.keys() and all(equal(x[k], y[k]) for k in x)
        left, right = _scalar(kind, x), _scalar(kind, y)
        return left is not None and left == right
    except (TypeError, AttributeError):
        return False


def _ordered(a, b) -> tuple | None:
    """The comparable contents of two N, S or B values of one type, else None."""
    kind = _kind(a)
    if kind not in ("N", "S", "B") or kind != _kind(b):
        return None
    left, right = _scalar(kind, a[kind]), _scalar(kind, b[kind])
    if left is None or right is None or type(left) is not type(right):
        return None
    return left, right


_ORDER = {"<": lambda x, y: x < y, "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}


def _resolve(elements, item, names):
    current = {"M": item}
    for element in elements:
        if isinstance(element, str) and element.startswith("#"):
            element = (names or {}).get(element)
        kind = _kind(current)
        if isinstance(element, int) and kind == "L" and isinstance(current["L"], list) and element < len(current["L"]):
            current = current["L"][element]
        elif isinstance(element, str) and kind == "M" and isinstance(current["M"], dict):
            current = current["M"].get(element)
        else:
            return None
        if current is None:
            return None
    return current


def _size(value) -> int | None:
    kind = _kind(value)
    if kind == "S" and isinstance(value["S"], str):
        return len(value["S"])
    if kind == "B":
        return len(binary_bytes(value["B"]))
    if kind in ("SS", "NS", "BS", "L", "M"):
        return len(value[kind])
    return None


def _operand(node: Node, item, names, values, trace: list | None = None):
    """An operand's value in DynamoDB JSON, None if missing; appended to ``trace`` as a Step if given."""
    inner = None if trace is None else []
    if isinstance(node, Path):
        value = _resolve(node.elements, item, names)
    elif isinstance(node, Value):
        value = (values or {}).get(node.name)
    elif isinstance(node, Func) and node.name == "size":
        size = _size(_operand(node.args[0], item, names, values, inner))
        value = None if size is None else {"N": str(size)}
    else:
        value = None
    if trace is not None:
        trace.append(Step(node, value, inner))
    return value


def _contains(container, member) -> bool:
    kind, member_kind = _kind(container), _kind(member)
    if kind is None or member_kind is None:
        return False
    data = container[kind]
    if kind in ("S", "B") and member_kind == kind:
        return _scalar(kind, member[kind]) in _scalar(kind, data)
    if kind in ("SS", "NS", "BS") and member_kind == _element_kind(kind):
        wanted = _scalar(member_kind, member[member_kind])
        return any(_scalar(member_kind, v) == wanted for v in data)
    if kind == "L":
        return any(equal(element, member) for element in data)
    return False


def _begins_with(value, prefix) -> bool:
    kind = _kind(value)
    if kind not in ("S", "B") or kind != _kind(prefix):
        return False
    return _scalar(kind, value[kind]).startswith(_scalar(kind, prefix[kind]))


def _function(node: Func, item, names, values, trace: list | None) -> bool:
    args = [_operand(arg, item, names, values, trace) for arg in node.args]
    if node.name == "attribute_exists":
        return args[0] is not None
    if node.name == "attribute_not_exists":
        return args[0] is None
    if node.name == "attribute_type":
        return args[0] is not None and _kind(args[1]) == "S" and _kind(args[0]) == args[1]["S"]
    if node.name == "begins_with":
        return _begins_with(args[0], args[1])
    if node.name == "contains":
        return _contains(args[0], args[1])
    return False


def _compare(op: str, left, right) -> bool:
    if op == "<>":
        # a missing attribute is not equal to anything (but two missing operands are not unequal)
        return (left is None) != (right is None) or (left is not None and not equal(left, right))
    if left is None or right is None:
        return False
    if op == "=":
        return equal(left, right)
    pair = _ordered(left, right)
    return pair is not None and _ORDER[op](*pair)


def evaluate(condition: Node, item: dict | None, names: dict | None, values: dict | None,
             trace: list | None = None) -> bool:
    """True if ``item`` (DynamoDB JSON, None for no item) satisfies the parsed condition.

    With ``trace`` (a list), every direct sub-expression is appended to it as a Step, with its own.
    """
    item = item or {}
    if isinstance(condition, (And, Or)):
        if trace is None:
            parts = (evaluate(c, item, names, values) for c in condition.items)
            return all(parts) if isinstance(condition, And) else any(parts)
        # explaining: every clause is decided, not only those up to the first that settles the answer
        parts = [_step(c, item, names, values, trace) for c in condition.items]
        result = all(parts) if isinstance(condition, And) else any(parts)
        for step in trace:
            step.decided = step.value == result
        return result
    if isinstance(condition, Not):
        if trace is None:
            return not evaluate(condition.item, item, names, values)
        return not _step(condition.item, item, names, values, trace)
    if isinstance(condition, Func):
        return _function(condition, item, names, values, trace)
    if isinstance(condition, Compare):
        return _compare(condition.op, _operand(condition.left, item, names, values, trace),
                        _operand(condition.right, item, names, values, trace))
    if isinstance(condition, Between):
        value = _operand(condition.operand, item, names, values, trace)
        low = _operand(condition.low, item, names, values, trace)
        high = _operand(condition.high, item, names, values, trace)
        return value is not None and _compare(">=", value, low) and _compare("<=", value, high)
    if isinstance(condition, In):
        value = _operand(condition.operand, item, names, values, trace)
        candidates = [_operand(c, item, names, values, trace) for c in condition.candidates]
        return value is not None and any(equal(value, c) for c in candidates)
    return False


# ---- explanations


@dataclass(eq=False)
class Step:
    """One sub-expression and the value the evaluator gave it while deciding the condition.

    ``value`` is True/False for a condition, and for an operand its value in DynamoDB JSON (None: the
    attribute is missing). ``decided`` is False for a clause of AND/OR whose value did not settle its
    parent's (a true clause of a false AND, a false clause of a true OR).
    """

    node: Node
    value: object = None
    children: list = field(default_factory=list)
    decided: bool = True

    @property
    def is_condition(self) -> bool:
        return isinstance(self.value, bool)

    @property
    def text(self) -> str:
        return source(self.node)

    def walk(self, depth: int = 0):
        """(depth, step) for this step and every step under it, parents first."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


def _step(node: Node, item, names, values, trace: list) -> bool:
    step = Step(node)
    trace.append(step)
    step.value = evaluate(node, item, names, values, step.children)
    return step.value


def explain(condition: Node, item: dict | None, names: dict | None, values: dict | None) -> Step:
    """The parsed condition decided against ``item`` as ``evaluate`` decides it, every sub-expression's
    value recorded: the root Step's value is ``evaluate``'s answer."""
    root: list[Step] = []
    _step(condition, item, names, values, root)
    return root[0]


def source(node: Node) -> str:
    """A sub-expression written out as in an expression (placeholders kept, parentheses as written)."""
    if isinstance(node, Path):
        text = "".join(f"[{e}]" if isinstance(e, int) else f".{e}" if i else e for i, e in enumerate(node.elements))
    elif isinstance(node, Value):
        text = node.name
    elif isinstance(node, Func):
        text = f"{node.name}({', '.join(map(source, node.args))})"
    elif isinstance(node, Compare):
        text = f"{source(node.left)} {node.op} {source(node.right)}"
    elif isinstance(node, Between):
        text = f"{source(node.operand)} BETWEEN {source(node.low)} AND {source(node.high)}"
    elif isinstance(node, In):
        text = f"{source(node.operand)} IN ({', '.join(map(source, node.candidates))})"
    elif isinstance(node, (And, Or)):
        text = (" AND " if isinstance(node, And) else " OR ").join(map(source, node.items))
    else:  # Not
        text = f"NOT {source(node.item)}"
    return f"({text})" if node.paren else text


# ---- updates

_BAD_TYPE = "An operand in the update expression has an incorrect data type"
_MISSING = "The provided expression refers to an attribute that does not exist in the item"
_BAD_PATH = "The document path provided in the update expression is invalid for update"


def _set_value(node: Node, item, names, values):
    """The value a SET action would write; raises DynamoDB's error where it would fail."""
    if isinstance(node, Path):
        value = _resolve(node.elements, item, names)
        if value is None:
            raise validation(_MISSING)
        return value
    if isinstance(node, Value):
        value = (values or {}).get(node.name)
        if value is None:
            raise validation(_MISSING)
        return value
    if isinstance(node, Func) and node.name == "if_not_exists":
        existing = _resolve(node.args[0].elements, item, names)
        return existing if existing is not None else _set_value(node.args[1], item, names, values)
    wanted = "L" if isinstance(node, Func) else "N"  # list_append, or + and -
    operands = node.args if isinstance(node, Func) else (node.left, node.right)
    results = []
    for operand in operands:
        value = _set_value(operand, item, names, values)
        if _kind(value) != wanted or (wanted == "N" and _number(value["N"]) is None):
            raise validation(_BAD_TYPE)
        results.append(value)
    if wanted == "L":
        return {"L": list(results[0]["L"]) + list(results[1]["L"])}
    left, right = (_number(v["N"]) for v in results)
    return {"N": str(left + right if node.op == "+" else left - right)}


def check_update(update: tuple[Action, ...], item: dict | None, names: dict | None, values: dict | None) -> None:
    """Raise the ValidationException DynamoDB would give when applying ``update`` to ``item``."""
    item = item or {}
    for action in update:
        if action.section == "SET":
            _set_value(action.value, item, names, values)
    for action in update:
        elements = action.path.elements
        parent = _resolve(elements[:-1], item, names)
        last = elements[-1]
        if parent is None or _kind(parent) != ("L" if isinstance(last, int) else "M"):
            raise validation(_BAD_PATH)
        if action.section in ("ADD", "DELETE"):
            existing = _resolve(elements, item, names)
            if existing is not None and _kind(existing) != _kind((values or {}).get(action.value.name)):
                raise validation(_BAD_TYPE)
