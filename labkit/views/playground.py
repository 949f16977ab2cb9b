"""The expression playground: an item, a condition, Check; DynamoDB's answer and the clause that decided it.

DynamoDB's answer is real: Check stores the item in a scratch table and sends a conditional PutItem of it
through the lab's boto3 client, so the verdict is what the lab (or any DynamoDB behind the client) says.
The explanation is the lab's own evaluator asked to explain itself against the item as stored
(``labkit.front.expressions.explain``): the same code that decides the condition in the lab records
every sub-expression's value while deciding, so the explanation cannot disagree with the lab's verdict.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
from dataclasses import dataclass, field
from decimal import Decimal

import ipywidgets as widgets
from boto3.dynamodb.types import Binary, TypeSerializer
from botocore.exceptions import ClientError

from ..front.errors import DynamoError
from ..front.expressions import Step, explain, validate_request
from ..outcome import Outcome, attempt
from ..tables import reset_table
from ..palette import KINDS, kind_of
from .saved import PlainWhenSaved

CHECK_CLASS = "labkit-check"
PLAYGROUND_CLASS = "labkit-playground"
EXPLANATION_CLASS = "labkit-explanation"
TABLE = "Playground"
_TYPES = {"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}
_serializer = TypeSerializer()


class InputError(ValueError):
    """Something typed in the playground is not what a request can carry (not JSON, bad base64)."""


@dataclass
class Checked:
    """One Check: the request sent, DynamoDB's answer, the item as the condition saw it, and why."""

    request: dict
    outcome: Outcome
    item: dict | None = None  # as stored, in DynamoDB JSON; None: no item under this key
    explanation: Step | None = None  # None when the request was refused before the item was read
    names: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.outcome.label

    def deciding(self) -> list[Step]:
        """The innermost clauses that settled the answer, found by following ``decided`` from the root."""
        found, todo = [], [self.explanation] if self.explanation else []
        while todo:
            step = todo.pop(0)
            deciders = [c for c in step.children if c.is_condition and c.decided]
            if deciders:
                todo[:0] = deciders
            else:
                found.append(step)
        return found

    def lines(self) -> list[str]:
        """The explanation as an indented table of text, one sub-expression a line."""
        if self.explanation is None:
            return ["nothing was evaluated: DynamoDB refused the request before reading the item"]
        return [f"{'  ' * depth}{_shown(step, self.names)}" for depth, step in self.explanation.walk()]

    def __repr__(self) -> str:
        return "\n".join([repr(self.outcome), *self.lines()])

    def _repr_html_(self) -> str:
        return answer_html(self) + explanation_html(self)


def _decode_binary(value):
    """DynamoDB JSON writes binary as base64 text (as the AWS CLI does); boto3's client wants bytes."""
    if not isinstance(value, dict) or len(value) != 1:
        raise InputError(f"not an attribute value in DynamoDB JSON: {json.dumps(value)}")
    (kind, inner), = value.items()
    try:
        if kind == "B":
            return {"B": base64.b64decode(inner, validate=True)}
        if kind == "BS":
            return {"BS": [base64.b64decode(v, validate=True) for v in inner]}
    except (binascii.Error, TypeError, ValueError) as error:
        raise InputError(f"a binary value must be base64 text: {json.dumps(inner)}") from error
    if kind == "L":
        return {"L": [_decode_binary(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _decode_binary(v) for k, v in inner.items()}}
    return value


def _typed(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _TYPES


def parse_attributes(text: str, what: str) -> dict | None:
    """A JSON object of attributes, in DynamoDB JSON (every value typed) or plain JSON; None if blank."""
    if not text.strip():
        return None
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(f"{what} is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise InputError(f"{what} must be a JSON object")
    if document and all(_typed(v) for v in document.values()):
        return {k: _decode_binary(v) for k, v in document.items()}
    try:
        return {k: _serializer.serialize(v) for k, v in document.items()}
    except (TypeError, ValueError) as error:
        raise InputError(f"{what}: {error}") from error


def parse_names(text: str) -> dict | None:
    if not text.strip():
        return None
    try:
        names = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"the names are not valid JSON: {error}") from error
    if not isinstance(names, dict):
        raise InputError('the names must be a JSON object, such as {"#status": "status"}')
    return names


def ensure_table(client, table: str, key: str) -> None:
    """The scratch table, keyed by ``key`` (a string); made again if it has another key."""
    try:
        schema = client.describe_table(TableName=table)["Table"]["KeySchema"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        schema = None
    if schema != [{"AttributeName": key, "KeyType": "HASH"}]:
        reset_table(client, table, key)


def check_condition(lab, item: dict | None, condition: str, names: dict | None = None, values: dict | None = None, *,
          stored: bool = True, table: str = TABLE, key: str = "pk") -> Checked:
    """Store ``item`` (or, with ``stored=False``, nothing under its key), send a PutItem of it under
    ``condition`` through the lab's client, and explain the answer. Values are DynamoDB JSON as boto3's
    client takes them (bytes for binary)."""
    client = lab.client
    ensure_table(client, table, key)
    item = item or {}
    request = {"TableName": table, "Item": item, "ConditionExpression": condition}
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = values
    if key in item:
        client.delete_item(TableName=table, Key={key: item[key]})
    if stored:
        put = attempt(client.put_item, TableName=table, Item=item)
        if not put.succeeded:  # the item itself is refused (no key, a bad value): say so, as DynamoDB does
            return Checked({"TableName": table, "Item": item}, put, names=names or {})
    found = client.get_item(TableName=table, Key={key: item[key]}, ConsistentRead=True).get("Item") if stored else None
    outcome = attempt(client.put_item, **request)
    verdict = Checked(request, outcome, found, names=names or {})
    if outcome.succeeded or outcome.code == "ConditionalCheckFailedException":
        # The lab evaluated the condition; ask its evaluator how. (A refused request never reaches it.)
        parsed = validate_request("PutItem", {k: v for k, v in request.items() if k not in ("TableName", "Item")})
        verdict.explanation = explain(parsed.condition, found, names, values)
    return verdict


# ---- showing a verdict


def _value_json(value, limit: int | None = 80) -> str:
    """DynamoDB JSON on one line, binary as base64 (as the AWS CLI writes it)."""
    text = json.dumps(value, separators=(", ", ": "), ensure_ascii=False,
                      default=lambda v: base64.b64encode(bytes(v)).decode() if isinstance(v, (bytes, Binary)) else str(v))
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


def _resolved(step: Step, names: dict) -> str:
    """A path operand with its #names replaced, when it has any: '#status' -> 'status'."""
    text = step.text
    for placeholder in sorted(names, key=len, reverse=True):
        text = text.replace(placeholder, names[placeholder])
    return text


def _shown(step: Step, names: dict) -> str:
    if step.is_condition:
        return f"{'true ' if step.value else 'false'}  {step.text}" + ("" if step.decided else "   (did not decide)")
    resolved = _resolved(step, names)
    what = step.text if resolved == step.text else f"{step.text} ({resolved})"
    return f"{what} = {'missing' if step.value is None else _value_json(step.value)}"


def answer_html(verdict: Checked) -> str:
    outcome = verdict.outcome
    colour = KINDS[kind_of(outcome.label)][1]
    message = f": {html.escape(outcome.message)}" if outcome.message and not outcome.succeeded else ""
    decided = ""
    if verdict.explanation is not None:
        clauses = ", ".join(f"<code>{html.escape(s.text)}</code> is {'true' if s.value else 'false'}"
                            for s in verdict.deciding())
        decided = f"<div>decided by: {clauses}</div>"
    return (f"<div class='labkit-answer' style='border-left:6px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<b style='color:{colour}'>{html.escape(outcome.label)}</b>{message}{decided}</div>")


def explanation_html(verdict: Checked) -> str:
    """Every sub-expression, indented under the one it belongs to, with its value; a clause that did not
    settle its parent's value is greyed, with everything under it."""
    if verdict.explanation is None:
        return f"<div class='{EXPLANATION_CLASS}'><i>{html.escape(verdict.lines()[0])}</i></div>"
    rows = []
    grey_from = None  # the depth of the clause being greyed, while walking under it
    for depth, step in verdict.explanation.walk():
        if grey_from is not None and depth <= grey_from:
            grey_from = None
        if grey_from is None and not step.decided:
            grey_from = depth
        if step.is_condition:
            kind = "true" if step.value else "false"
            tint = KINDS["succeeded" if step.value else "condition"]
            value = f"<b style='color:{tint[1]}'>{kind}</b>"
            text = f"<code>{html.escape(step.text)}</code>"
        else:
            kind = "operand"
            shown = "<i>missing</i>" if step.value is None else f"<code>{html.escape(_value_json(step.value))}</code>"
            value = shown
            resolved = _resolved(step, verdict.names)
            text = f"<code>{html.escape(step.text)}</code>" + (
                "" if resolved == step.text else f" <span style='color:grey'>({html.escape(resolved)})</span>")
        faded = "" if grey_from is None else ";opacity:0.5"
        rows.append(f"<tr class='labkit-step labkit-{kind}' data-depth='{depth}' style='{faded}'>"
                    f"<td style='text-align:left;padding-left:{8 + 22 * depth}px'>{text}</td>"
                    f"<td style='text-align:left'>{value}</td></tr>")
    return (f"<table class='{EXPLANATION_CLASS}'><thead><tr><th style='text-align:left'>sub-expression</th>"
            f"<th style='text-align:left'>value</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


# ---- the widget


class Playground(PlainWhenSaved, widgets.VBox):
    """Edit an item and a condition (with its names and values), press Check."""

    saved_text = "Run this cell to get the expression playground."

    def __init__(self, lab, *, item: str, condition: str, names: str = "", values: str = "", key: str = "pk",
                 table: str = TABLE):
        self.lab, self.key, self.table = lab, key, table
        self.last: Checked | None = None
        area = widgets.Layout(width="100%")
        self.item = widgets.Textarea(item, description="item", rows=max(4, item.count("\n") + 1), layout=area)
        self.condition = widgets.Textarea(condition, description="condition", rows=2, layout=area)
        self.condition.add_class("labkit-playground-condition")
        self.names = widgets.Textarea(names, description="names", rows=2, layout=area,
                                      placeholder='{"#status": "status"}')
        self.values = widgets.Textarea(values, description="values", rows=max(2, values.count("\n") + 1),
                                       layout=area, placeholder='{":pending": "pending"}')
        self.stored = widgets.Checkbox(True, description=f"the item is in the table (off: nothing under its {key})",
                                       layout=widgets.Layout(width="auto"))
        self.check = widgets.Button(description="Check", button_style="primary", icon="search")
        self.check.add_class(CHECK_CLASS)
        self.check.on_click(lambda _: self.check_once())
        self.answer = widgets.HTML()
        self.explanation = widgets.HTML()
        note = widgets.HTML(f"<small>Items and values in DynamoDB JSON (<code>{{\"S\": \"x\"}}</code>, binary as "
                            f"base64) or plain JSON. Check stores the item in the table <code>{html.escape(table)}"
                            f"</code> (key <code>{html.escape(key)}</code>) and sends a conditional put_item.</small>")
        super().__init__([note, self.item, self.condition, self.names, self.values, self.stored, self.check,
                          self.answer, self.explanation])
        self.add_class(PLAYGROUND_CLASS)

    def check_once(self) -> Checked | None:
        """Send the request as the boxes say and show the verdict; what a click on Check does."""
        try:
            verdict = check_condition(self.lab, parse_attributes(self.item.value, "the item"), self.condition.value,
                            parse_names(self.names.value), parse_attributes(self.values.value, "the values"),
                            stored=self.stored.value, table=self.table, key=self.key)
        except (InputError, DynamoError) as error:
            self.answer.value = f"<div class='labkit-answer'><b>Not sent</b>: {html.escape(str(error))}</div>"
            self.explanation.value = ""
            return None
        self.last = verdict
        self.answer.value = answer_html(verdict)
        self.explanation.value = explanation_html(verdict)
        return verdict


def playground(lab, *, item: dict | None = None, condition: str = "", names: dict | None = None,
               values: dict | None = None, key: str = "pk", table: str = TABLE) -> Playground:
    """The playground widget on ``lab``, its boxes filled with ``item``, ``condition``, ``names`` and
    ``values`` (plain Python or DynamoDB JSON; written out as DynamoDB JSON, which keeps every type)."""
    return Playground(lab, item=_editable(item), condition=condition, names=json.dumps(names) if names else "",
                      values=_editable(values), key=key, table=table)


def _editable(attributes: dict | None) -> str:
    if not attributes:
        return ""
    typed = {k: v if _typed(v) else _serializer.serialize(v) for k, v in attributes.items()}
    lines = [f"  {json.dumps(k)}: {_value_json(v, limit=None)}" for k, v in typed.items()]
    return "{\n" + ",\n".join(lines) + "\n}"
