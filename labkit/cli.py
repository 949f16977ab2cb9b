"""A boto3 request written as the equivalent ``aws dynamodb`` command, and that command run by the AWS CLI.

``as_cli`` writes the command, ``as_boto3`` the boto3 call, and ``run_cli`` has the AWS CLI run a command
against the lab: the ``aws`` program as a process of its own when the lab has an address (server and
endpoint backends), else the AWS CLI's own code in this process, its requests answered by the embedded lab.
Either way the learner sees what the CLI itself printed, never a re-creation of it.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import json
import logging
import os
import pprint
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from unittest import mock

import botocore.session
from botocore import xform_name
from botocore.loaders import create_loader

_model = None
_MISSING_CLI = "the AWS CLI is not installed here: pip install awscli (requirements.txt pins it)"
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
OUTPUT_METADATA = "labkit/cli"  # the key of a run's fields in a notebook output's metadata


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


def _members(operation: str, params: dict):
    model = _operation_model(operation)
    for name in params:
        if name not in model.input_shape.members:
            raise ValueError(f"{model.name} has no parameter {name!r}")
    return model


def as_cli(operation: str, params: dict, endpoint_url: str | None = None, query: str | None = None) -> str:
    """``as_cli("put_item", {...})`` -> ``aws dynamodb put-item --table-name ... --item '{...}'``.

    ``query`` is the CLI's ``--query`` (a JMESPath expression applied to the answer before printing)."""
    model = _members(operation, params)
    parts = [f"aws dynamodb {xform_name(model.name, '-')}"]
    for name, value in params.items():
        flag = "--" + xform_name(name, "-")
        if isinstance(value, bool):
            parts.append(flag if value else "--no-" + flag[2:])
        else:
            parts.append(f"{flag} {_quote(value)}")
    if query:
        parts.append(f"--query {_quote(query)}")
    if endpoint_url:
        parts.append(f"--endpoint-url {endpoint_url}")
    return " \\\n    ".join(parts)


def as_boto3(operation: str, params: dict, query: str | None = None) -> str:
    """The same request as a program writes it: ``client.put_item(TableName=..., ...)``; a dotted
    ``query`` becomes subscripts of the answer (``Table.TableStatus`` -> ``["Table"]["TableStatus"]``)."""
    model = _members(operation, params)
    arguments = []
    for name, value in params.items():
        text = pprint.pformat(value, width=max(40, 96 - len(name)), sort_dicts=False)
        arguments.append(f"\n    {name}=" + text.replace("\n", "\n" + " " * (5 + len(name))) + ",")
    call = f"client.{xform_name(model.name)}(" + "".join(arguments) + ("\n)" if arguments else ")")
    if query:
        if not _DOTTED.fullmatch(query):
            raise ValueError(f"only a dotted path has a plain boto3 equivalent, not {query!r}")
        call += "".join(f"[{part!r}]" for part in query.split("."))
    return call


@dataclass
class CliRun:
    """One command as the AWS CLI ran it: what it printed on stdout and stderr, and its exit code."""

    command: str
    stdout: str
    stderr: str
    exit_code: int
    program: str | None  # the aws program that ran as a process of its own; None: the CLI's code in this kernel
    boto3: str | None = None  # the same request in boto3, shown beside the command

    @property
    def where(self) -> str:
        if self.program:
            return "the aws program, a process of its own"
        return f"version {version('awscli')}, its own code run in this kernel"

    def transcript(self) -> str:
        """The terminal after the command: the command, what it printed, then ``echo $?``."""
        return f"$ {self.command}\n{self.stdout}{self.stderr}$ echo $?\n{self.exit_code}\n"

    @property
    def fields(self) -> dict:
        return {"command": self.command, "stdout": self.stdout, "stderr": self.stderr, "exit_code": self.exit_code,
                "program": self.program}

    def __repr__(self) -> str:
        text = self.transcript()
        return text + (f"\n# the same request in boto3:\n{self.boto3}" if self.boto3 else "")

    def _repr_html_(self) -> str:
        # the terminal wraps long lines as a terminal does; the boto3 code keeps its lines and scrolls
        printed = (html.escape(self.stdout, quote=False) + "<span class='labkit-stderr' style='color:#c62828'>"
                   f"{html.escape(self.stderr, quote=False)}</span>")
        if not self.stdout and not self.stderr:
            printed = "<i style='color:grey'>(nothing printed)</i>\n"
        terminal = (f"<pre style='margin:0;white-space:pre-wrap'><b>$ {html.escape(self.command, quote=False)}</b>\n"
                    f"{printed}<span style='color:grey'>$ echo $?</span>\n{self.exit_code}</pre>")
        cells = [("AWS CLI", self.where, terminal, "58%")]
        if self.boto3:
            code = f"<pre style='margin:0;white-space:pre;overflow-x:auto'>{html.escape(self.boto3, quote=False)}</pre>"
            cells.append(("boto3", "the same request", code, "42%"))
        style = "text-align:left;vertical-align:top;padding:4px 10px"
        head = "".join(f"<th style='{style};width:{width}'>{name} <small style='font-weight:normal'>"
                       f"{html.escape(note)}</small></th>" for name, note, _, width in cells)
        body = "".join(f"<td style='{style}'>{content}</td>" for _, _, content, _ in cells)
        return f"<table class='labkit-cli' style='width:100%;table-layout:fixed'><tr>{head}</tr><tr>{body}</tr></table>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        # the fields ride along in the output's metadata, so that a test can rerun the very command shown
        return {"text/plain": repr(self), "text/html": self._repr_html_()}, {OUTPUT_METADATA: self.fields}


def _environment(region: str) -> dict:
    """What the CLI reads from the environment: fake credentials, the lab's region, no personal config."""
    return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def _aws_program() -> str:
    beside = Path(sys.executable).with_name("aws.exe" if os.name == "nt" else "aws")
    found = str(beside) if beside.exists() else shutil.which("aws")
    if not found:
        raise RuntimeError(_MISSING_CLI)
    return found


def _in_a_process(program: str, args: list[str], region: str) -> tuple[str, str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | _environment(region)
    done = subprocess.run([program, *args], env=env, capture_output=True, timeout=120)
    return done.stdout.decode(), done.stderr.decode(), done.returncode  # as printed: no newline translation


@functools.cache
def _awscli() -> tuple:
    """awscli's driver factory, the data path it needs, and one loader of its data files (service models,
    endpoints) that every run shares: the files are read once per kernel, not once per command. awscli
    writes AWS_DATA_PATH into os.environ when imported; the kernel's environment is given back unchanged."""
    try:
        with mock.patch.dict(os.environ):
            from awscli.clidriver import create_clidriver
            data_path = os.environ["AWS_DATA_PATH"]
    except ImportError:
        raise RuntimeError(_MISSING_CLI) from None
    return create_clidriver, data_path, create_loader(data_path)


def _in_this_kernel(args: list[str], region: str) -> tuple[str, str, int]:
    """The AWS CLI's own driver, in this process: its session, like every botocore session made after
    ``import labkit``, sends DynamoDB requests to the connected lab, which answers them in-process."""
    create_clidriver, data_path, loader = _awscli()
    environment = _environment(region) | {"AWS_DATA_PATH": data_path}
    logger = logging.getLogger("awscli")  # the driver adds a handler and lowers the level on every run
    kept = logger.level, list(logger.handlers)
    out, err = io.StringIO(), io.StringIO()
    # argv[0] is the program name in the CLI's usage messages: "aws", as in a terminal
    with mock.patch.dict(os.environ, environment), mock.patch.object(sys, "argv", ["aws", *args]), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for name in [n for n in os.environ if n.startswith("AWS_") and n not in environment]:
            del os.environ[name]
        driver = create_clidriver()
        driver.session.register_component("data_loader", loader)
        try:
            code = driver.main(args)
        except SystemExit as leaving:  # argparse's way out, on a command it cannot parse
            code = leaving.code
    logger.setLevel(kept[0])
    logger.handlers[:] = kept[1]
    return out.getvalue(), err.getvalue(), code


def run_cli(lab, command: str) -> CliRun:
    """Have the AWS CLI run ``command`` (``aws dynamodb ...``, lines joined by ``\\``) against ``lab``.

    The lab's ``--endpoint-url`` is added when the lab has one and the command names none. A command the
    lab cannot run (another service, an unclosed quote) raises ValueError, saying why."""
    command = command.strip()
    words = shlex.split(command.replace("\\\n", ""))
    if words[:2] != ["aws", "dynamodb"]:
        raise ValueError(f"the lab answers `aws dynamodb ...` commands, not {' '.join(words[:2])!r}")
    if lab.backend == "aws":
        raise ValueError("on real AWS, type the command in a terminal yourself: the lab runs it only against itself")
    if lab.endpoint_url and "--endpoint-url" not in words:
        words += ["--endpoint-url", lab.endpoint_url]
        command += (" \\\n    " if "\\\n" in command else " ") + f"--endpoint-url {lab.endpoint_url}"
    if lab.endpoint_url:
        program = _aws_program()
        return CliRun(command, *_in_a_process(program, words[1:], lab.region), program)
    return CliRun(command, *_in_this_kernel(words[1:], lab.region), None)


def cli_step(lab, operation: str, *, query: str | None = None, **params) -> CliRun:
    """One request both ways: the AWS CLI runs it, and the boto3 call that makes it is shown beside."""
    run = run_cli(lab, as_cli(operation, params, lab.endpoint_url, query))
    run.boto3 = as_boto3(operation, params, query)
    return run
