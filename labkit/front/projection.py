"""ProjectionExpression (and legacy AttributesToGet) applied by the front, as DynamoDB applies it.

moto projects by converting the item to Python values and back, which fails on binary values that arrived
as base64 text over the wire; the front projects the stored DynamoDB JSON itself. The result keeps each
path's nesting: ``lst[2].m`` yields ``{"lst": {"L": [{"M": {"m": ...}}]}}`` (list elements that are
projected stay in their order, the others are left out), and paths into one map merge.
"""

from __future__ import annotations

_LIST = object()  # marks a list under construction: {_LIST: True, index: child, ...}


def paths_of(params: dict, parsed_projection) -> list[tuple] | None:
    """The paths to keep, names resolved, or None when the request asks for whole items."""
    names = params.get("ExpressionAttributeNames") or {}
    if parsed_projection:
        return [tuple(names.get(e, e) if isinstance(e, str) else e for e in path.elements)
                for path in parsed_projection]
    if params.get("AttributesToGet"):
        return [(name,) for name in params["AttributesToGet"]]
    return None


def project(item: dict, paths: list[tuple]) -> dict:
    """The parts of ``item`` (DynamoDB JSON) that ``paths`` name."""
    tree: dict = {}
    for path in paths:
        value = _find(item, path)
        if value is not None:
            _place(tree, path, value)
    return {name: _build(node) for name, node in tree.items()}


def _find(item: dict, path: tuple):
    current = {"M": item}
    for element in path:
        if isinstance(element, int):
            inner = current.get("L")
            current = inner[element] if isinstance(inner, list) and element < len(inner) else None
        else:
            inner = current.get("M")
            current = inner.get(element) if isinstance(inner, dict) else None
        if current is None:
            return None
    return current


def _place(tree: dict, path: tuple, value: dict) -> None:
    node = tree
    for element, following in zip(path, path[1:]):
        if element not in node:  # overlapping paths were refused when the request was validated
            node[element] = {_LIST: True} if isinstance(following, int) else {}
        node = node[element]
    node[path[-1]] = {"__value__": value}


def _build(node: dict) -> dict:
    if "__value__" in node:
        return node["__value__"]
    if node.get(_LIST):
        return {"L": [_build(node[i]) for i in sorted(k for k in node if isinstance(k, int))]}
    return {"M": {name: _build(child) for name, child in node.items()}}
