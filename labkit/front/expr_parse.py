"""DynamoDB's expression language: tokenizer, syntax tree and parsers (no names or values needed).

Parsing only depends on the expression string, so its result is cached; everything that depends on
ExpressionAttributeNames/Values (undefined placeholders, value types) is checked afterwards by
``expr_check``. A syntax error is raised at once, formatted as DynamoDB formats it: the offending
token, and the source text from the token before it to the token after it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .errors import DynamoError, validation

MAX_NESTING = 200  # parentheses and NOTs; keeps recursion far below Python's limit for any 4 KB input

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<hashname>#[A-Za-z0-9_]+)|(?P<value>:[A-Za-z0-9_]+)"
    r"|(?P<number>[0-9]+)|(?P<op><>|<=|>=|[=<>()\[\],.+\-])|(?P<bad>.)",
    re.S,
)
_COMPARATORS = {"=", "<>", "<", "<=", ">", ">="}
_CONDITION_KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "IN"}
SECTIONS = ("SET", "REMOVE", "ADD", "DELETE")


@dataclass(frozen=True)
class Token:
    kind: str  # name, hashname, value, number, op, bad, eof
    text: str
    start: int
    end: int


# ---- syntax tree. Path elements are names (str; '#x' stays a placeholder) or list indexes (int).


@dataclass(eq=False)
class Node:
    paren: bool = field(default=False, init=False, compare=False)  # written in parentheses


@dataclass(eq=False)
class Path(Node):
    elements: tuple


@dataclass(eq=False)
class Value(Node):
    name: str  # ':x'


@dataclass(eq=False)
class Func(Node):
    name: str
    args: tuple


@dataclass(eq=False)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Between(Node):
    operand: Node
    low: Node
    high: Node


@dataclass(eq=False)
class In(Node):
    operand: Node
    candidates: tuple


@dataclass(eq=False)
class And(Node):
    items: tuple


@dataclass(eq=False)
class Or(Node):
    items: tuple


@dataclass(eq=False)
class Not(Node):
    item: Node


@dataclass(eq=False)
class Arith(Node):
    op: str  # '+' or '-'
    left: Node
    right: Node


@dataclass(eq=False)
class Action:
    section: str  # SET, REMOVE, ADD, DELETE
    path: Path
    value: Node | None  # None for REMOVE


@dataclass(frozen=True)
class ParsedExpression:
    """A parse result: the tree plus facts found while parsing that rank among semantic errors."""

    tree: object  # a condition Node, a tuple of Actions, or a tuple of Paths
    redundant_parens: bool = False
    duplicate_section: str | None = None


OPERANDS = (Path, Value, Func)


class _SyntaxError(Exception):
    def __init__(self, index: int):
        self.index = index


def tokenize(text: str) -> list[Token]:
    tokens = [Token(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text) if m.lastgroup != "ws"]
    tokens.append(Token("eof", "<EOF>", len(text), len(text)))
    return tokens


def syntax_message(text: str, tokens: list[Token], index: int) -> str:
    """'Syntax error; token: "X", near: "..."': near spans the tokens either side of the bad one."""
    bad = tokens[index]
    start = tokens[index - 1].start if index > 0 else bad.start
    after = tokens[index + 1] if index + 1 < len(tokens) and tokens[index + 1].kind != "eof" else bad
    return f'Syntax error; token: "{bad.text}", near: "{text[start:after.end]}"'


class _Parser:
    def __init__(self, text: str, keywords: set[str]):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.keywords = keywords
        self.redundant = False

    # -- token helpers
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def at(self, text: str) -> bool:
        return self.peek().kind == "op" and self.peek().text == text

    def at_keyword(self, word: str) -> bool:
        tok = self.peek()
        return tok.kind == "name" and tok.text.upper() == word

    def fail(self):
        raise _SyntaxError(min(self.pos, len(self.tokens) - 1))

    def expect(self, text: str):
        if not self.at(text):
            self.fail()
        self.pos += 1

    def enter(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _TooDeep

    def mark_paren(self, node: Node) -> Node:
        if node.paren:
            self.redundant = True
        node.paren = True
        return node

    def finish(self):
        if self.peek().kind != "eof":
            self.fail()

    # -- operands
    def path(self) -> Path:
        tok = self.peek()
        if not (tok.kind == "hashname" or (tok.kind == "name" and tok.text.upper() not in self.keywords)):
            self.fail()
        self.pos += 1
        elements = [tok.text]
        while True:
            if self.at("."):
                self.pos += 1
                tok = self.peek()
                if not (tok.kind == "hashname" or (tok.kind == "name" and tok.text.upper() not in self.keywords)):
                    self.fail()
                elements.append(tok.text)
                self.pos += 1
            elif self.at("["):
                self.pos += 1
                if self.peek().kind != "number":
                    self.fail()
                elements.append(int(self.peek().text))
                self.pos += 1
                self.expect("]")
            else:
                return Path(tuple(elements))

    def operand(self) -> Node:
        tok = self.peek()
        if tok.kind == "value":
            self.pos += 1
            return Value(tok.text)
        if tok.kind == "name" and self.peek(1).kind == "op" and self.peek(1).text == "(" \
                and tok.text.upper() not in self.keywords:
            self.pos += 2
            args = [self.operand_parens()]
            while self.at(","):
                self.pos += 1
                args.append(self.operand_parens())
            self.expect(")")
            return Func(tok.text, tuple(args))
        return self.path()

    def operand_parens(self) -> Node:
        if not self.at("("):
            return self.operand()
        self.pos += 1
        self.enter()
        node = self.operand_parens()
        self.depth -= 1
        self.expect(")")
        return self.mark_paren(node)


class _ConditionParser(_Parser):
    """or := and {OR and};  and := not {AND not};  not := {NOT} primary;  primary := ( or ) | comparison | function."""

    def __init__(self, text: str):
        super().__init__(text, _CONDITION_KEYWORDS)

    def parse(self) -> Node:
        node = self.or_(False)
        self.finish()
        return node

    def or_(self, allow_operand: bool) -> Node:
        items = [self.and_(allow_operand)]
        while self.at_keyword("OR"):
            self.pos += 1
            items.append(self.and_(False))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self, allow_operand: bool) -> Node:
        items = [self.not_(allow_operand)]
        while self.at_keyword("AND"):
            self.pos += 1
            items.append(self.not_(False))
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self, allow_operand: bool) -> Node:
        count = 0
        while self.at_keyword("NOT"):
            self.pos += 1
            self.enter()
            count += 1
        node = self.primary(allow_operand and not count)
        for _ in range(count):
            node = Not(node)
        self.depth -= count
        return node

    def at_comparison(self) -> bool:
        tok = self.peek()
        return (tok.kind == "op" and tok.text in _COMPARATORS) or self.at_keyword("BETWEEN") or self.at_keyword("IN")

    def primary(self, allow_operand: bool) -> Node:
        """A condition; or, directly inside parentheses (allow_operand), an operand that they wrap."""
        if self.at("("):
            self.pos += 1
            self.enter()
            inner = self.or_(True)
            self.depth -= 1
            self.expect(")")
            self.mark_paren(inner)
            if isinstance(inner, OPERANDS) and self.at_comparison():
                return self.comparison(inner)
            if isinstance(inner, (Path, Value)) and not (allow_operand and self.at(")")):
                self.fail()
            return inner
        left = self.operand()
        if self.at_comparison():
            return self.comparison(left)
        if isinstance(left, Func) or (allow_operand and self.at(")")):
            return left
        self.fail()

    def comparison(self, left: Node) -> Node:
        tok = self.peek()
        self.pos += 1
        if tok.kind == "op":
            return Compare(tok.text, left, self.operand_parens())
        if tok.text.upper() == "BETWEEN":
            low = self.operand_parens()
            if not self.at_keyword("AND"):
                self.fail()
            self.pos += 1
            return Between(left, low, self.operand_parens())
        self.expect("(")
        candidates = [self.operand_parens()]
        while self.at(","):
            self.pos += 1
            candidates.append(self.operand_parens())
        self.expect(")")
        return In(left, tuple(candidates))


class _UpdateParser(_Parser):
    """update := section {section};  section := SET set {, set} | REMOVE path {, path} | ADD/DELETE path :v {, ...}."""

    def __init__(self, text: str):
        super().__init__(text, set(SECTIONS))
        self.duplicate: str | None = None

    def parse(self) -> tuple:
        actions: list[Action] = []
        seen = set()
        while True:
            tok = self.peek()
            word = tok.text.upper() if tok.kind == "name" else None
            if word not in SECTIONS:
                self.fail()
            self.pos += 1
            if word in seen and self.duplicate is None:
                self.duplicate = word
            seen.add(word)
            while True:
                actions.append(self.action(word))
                if not self.at(","):
                    break
                self.pos += 1
            if self.peek().kind == "eof":
                return tuple(actions)

    def action(self, section: str) -> Action:
        path = self.path()
        if section == "SET":
            self.expect("=")
            return Action(section, path, self.set_value())
        if section == "REMOVE":
            return Action(section, path, None)
        tok = self.peek()
        if tok.kind != "value":
            self.fail()
        self.pos += 1
        return Action(section, path, Value(tok.text))

    def set_value(self) -> Node:
        left = self.term()
        if self.at("+") or self.at("-"):
            op = self.peek().text
            self.pos += 1
            return Arith(op, left, self.term())
        return left

    def term(self) -> Node:
        """An operand, or a parenthesised operand or sum: '(a) + :b' and '(a + :b)' both parse."""
        if not self.at("("):
            return self.operand()
        self.pos += 1
        self.enter()
        inner = self.set_value()
        self.depth -= 1
        self.expect(")")
        return self.mark_paren(inner)

    def operand(self) -> Node:
        if self.at("("):
            return self.term()
        return super().operand()


class _ProjectionParser(_Parser):
    def __init__(self, text: str):
        super().__init__(text, set())

    def parse(self) -> tuple:
        paths = [self.path()]
        while self.at(","):
            self.pos += 1
            paths.append(self.path())
        self.finish()
        return tuple(paths)


class _TooDeep(Exception):
    pass


_PARSERS = {"condition": _ConditionParser, "update": _UpdateParser, "projection": _ProjectionParser}


@functools.lru_cache(maxsize=4096)
def parse(kind: str, text: str) -> ParsedExpression | DynamoError:
    """Parse ``text`` as a 'condition', 'update' or 'projection' expression.

    Returns the error instead of raising it, so that a bad expression sent a thousand times is
    also parsed once. The message lacks the 'Invalid XExpression: ' prefix, which the caller adds.
    """
    parser = _PARSERS[kind](text)
    try:
        tree = parser.parse()
    except _SyntaxError as e:
        return validation(syntax_message(text, parser.tokens, e.index))
    except _TooDeep:
        return validation(f"The expression is nested too deeply; maximum nesting: {MAX_NESTING}")
    return ParsedExpression(tree, parser.redundant, getattr(parser, "duplicate", None))
