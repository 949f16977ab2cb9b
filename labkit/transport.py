"""The two ways a request reaches the front: a botocore hook in this process, and a loopback HTTP server.

Both speak DynamoDB's wire protocol (JSON 1.0, the operation in ``X-Amz-Target``), so boto3 in the kernel,
the AWS CLI and another process meet exactly the same behaviour.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore import handlers
from botocore.awsrequest import AWSResponse

from .front import Front, shapes
from .front.errors import DynamoError

SERVER_BANNER = "labkit-dynamodb"


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, set):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def answer(front: Front, target: str, body: bytes) -> tuple[int, bytes]:
    """Run one wire request through the front: (HTTP status, response body)."""
    operation = target.rsplit(".", 1)[-1]
    try:
        params = json.loads(body or b"{}")
        if not isinstance(params, dict):
            raise DynamoError("SerializationException", "Start of structure or map found where not expected.")
        shapes.check(operation, params)
    except ValueError:
        status, payload = 400, DynamoError("SerializationException", "Unexpected character in the request body").body()
    except DynamoError as error:
        status, payload = error.status, error.body()
    else:
        status, payload = front.handle(operation, params)
    return status, json.dumps(payload, default=_default).encode()


class _Raw:
    """The minimal raw-response object botocore reads a body from."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_):
        yield self._data


# -- the in-process route ------------------------------------------------------------------------------
#
# Every botocore session copies ``botocore.handlers.BUILTIN_HANDLERS`` into its events when it is made, and
# every client copies its session's events (moto's ``mock_aws`` reaches clients the same way). The handlers
# below are added there when labkit is imported, so that every DynamoDB client made afterwards, by any
# session (boto3's default, ``boto3.session.Session()``, a bare botocore session, PynamoDB's), asks them
# where to go, at every request. They stay idle until a lab is connected (or a ``watch()`` block runs).

EMBEDDED_URL = "http://embedded.labkit.invalid"
"""The embedded lab's address: requests to it are answered in this process, before anything is sent.
``.invalid`` never resolves (RFC 2606), so a request that somehow got past the hook fails on this machine."""


class _Route:
    """Where DynamoDB requests of clients that were given no endpoint of their own go."""

    endpoint: str | None = None  # the connected lab's URL (EMBEDDED_URL for the embedded lab); None: AWS
    front: Front | None = None  # the embedded lab, which answers requests sent to EMBEDDED_URL


def route(endpoint: str | None, front: Front | None = None) -> None:
    """Send every DynamoDB client with no endpoint of its own to ``endpoint`` (None: leave them to botocore);
    ``front`` answers what is sent to EMBEDDED_URL."""
    _Route.endpoint = endpoint
    if front is not None:
        _Route.front = front


def routed_to() -> str | None:
    return _Route.endpoint


def _to_the_lab(builtins, **_):
    """before-endpoint-resolution: a client given no ``endpoint_url`` (nor one from its configuration)
    resolves to the lab; FIPS and dual-stack are AWS endpoint variants, which a lab does not have."""
    if _Route.endpoint and builtins.get("SDK::Endpoint") is None:
        builtins.update({"SDK::Endpoint": _Route.endpoint, "AWS::UseFIPS": False, "AWS::UseDualStack": False})


def _answer_in_process(request, **_):
    """before-send: a request to the embedded lab is answered here, as DynamoDB would answer it. The shape is
    checked again: a client may have been made with ``parameter_validation=False`` (PynamoDB's are)."""
    if _Route.front is None or not request.url.startswith(EMBEDDED_URL):
        return None
    target = request.headers.get("X-Amz-Target")
    target = target.decode() if isinstance(target, bytes) else target
    status, data = answer(_Route.front, target, request.body)
    headers = {"Content-Type": "application/x-amz-json-1.0", "Content-Length": str(len(data))}
    return AWSResponse(request.url, status, headers, _Raw(data))


@dataclass(frozen=True)
class Sent:
    """One request as a client sent it: the operation and its parameters (DynamoDB JSON)."""

    operation: str
    params: dict

    def __repr__(self) -> str:
        return "\n".join([self.operation] + [f"  {name}: {json.dumps(value)}" for name, value in self.params.items()])


class _Watching(threading.local):
    sent: list | None = None  # this thread's requests, while a watch() block runs


_watching = _Watching()


def _remember(params, model, **_):
    """before-call: keep each request of a thread inside ``watch()``, as the JSON body it is about to send."""
    if _watching.sent is not None:
        _watching.sent.append(Sent(model.name, json.loads(params["body"] or b"{}")))


@contextlib.contextmanager
def watch():
    """Collect the DynamoDB requests that this thread's clients send inside the block, in order: what a
    library such as PynamoDB makes of its calls. Clients made before ``import labkit`` are not seen."""
    outer, _watching.sent = _watching.sent, []
    try:
        yield _watching.sent
    finally:
        _watching.sent = outer


_HANDLERS = (("before-endpoint-resolution.dynamodb", _to_the_lab), ("before-send.dynamodb", _answer_in_process),
             ("before-call.dynamodb", _remember))


def leave_alone(events) -> None:
    """Keep the clients of a session (its ``events``) on their own endpoints whatever lab is connected:
    the real-AWS backend's session."""
    events.unregister("before-endpoint-resolution.dynamodb", _to_the_lab)


def _install() -> None:
    # once, even when this module is reloaded: two answering handlers would run every request twice
    handlers.BUILTIN_HANDLERS[:] = [spec for spec in handlers.BUILTIN_HANDLERS
                                    if getattr(spec[1], "__module__", None) != __name__] + list(_HANDLERS)
    if boto3.DEFAULT_SESSION is not None:  # made before labkit was imported: the one earlier session we know
        for event, handler in _HANDLERS:
            boto3.DEFAULT_SESSION.events.register(event, handler)


_install()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SERVER_BANNER

    def do_POST(self):  # noqa: N802 (the stdlib's name)
        length = int(self.headers.get("Content-Length") or 0)
        status, data = answer(self.server.front, self.headers.get("X-Amz-Target", ""), self.rfile.read(length))
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        """A health check, which also tells a second kernel that a lab server already listens here."""
        data = json.dumps({"server": SERVER_BANNER}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class LabServer(ThreadingHTTPServer):
    """The front served on a loopback port, in a background thread."""

    daemon_threads = True

    def __init__(self, front: Front, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.front = front
        self.thread = threading.Thread(target=self.serve_forever, name="labkit-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LabServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
