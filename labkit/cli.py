"""A boto3 request written as the equivalent ``aws dynamodb`` command, so each lesson shows both."""

from __future__ import annotations

import json
import shlex

import botocore.session
from botocore import xform_name

_model = None


def _operation_model(operation: str):
    global _model
    if _model is None:
        _model = botocore.session.get_session().get_service_model("dynamodb")
    names = {xform_name(n): n for n in _model.operation_names}
    return _model.operation_model(names.get(operation, operation))


def _quote(value) -> str:
    if isinstance(value, (dict, list)):
        return shlex.quote(json.dumps(value, separators=(", ", ": ")))
    text = str(value)
    if not any(c in text for c in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def as_cli(operation: str, params: dict, endpoint_url: str | None = None) -> str:
    """``as_cli("put_item", {...})`` -> ``aws dynamodb put-item --table-name ... --item '{...}'``."""
    model = _operation_model(operation)
    members = model.input_shape.members
    parts = [f"aws dynamodb {xform_name(model.name, '-')}"]
    for name, value in params.items():
        if name not in members:
            raise ValueError(f"{model.name} has no parameter {name!r}")
        flag = "--" + xform_name(name, "-")
        if isinstance(value, bool):
            parts.append(flag if value else "--no-" + flag[2:])
        else:
            parts.append(f"{flag} {_quote(value)}")
    if endpoint_url:
        parts.append(f"--endpoint-url {endpoint_url}")
    return " \\\n    ".join(parts)
