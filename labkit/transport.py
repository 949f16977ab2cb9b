"""The two ways a request reaches the front: a botocore hook in this process, and a loopback HTTP server.

Both speak DynamoDB's wire protocol (JSON 1.0, the operation in ``X-Amz-Target``), so boto3 in the kernel,
the AWS CLI and another process meet exactly the same behaviour.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import email.utils
import functools
import json
import re
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore import handlers
from botocore.awsrequest import AWSResponse

from .front import Front, errors, shapes
from .front.errors import DynamoError

SERVER_BANNER = "labkit-dynamodb"
TARGET_PREFIX = "DynamoDB_20120810."
IDLE_SECONDS = 60
LINGER_SECONDS = 2
# The deepest JSON the server reads. DynamoDB refuses attribute values nested past 32 levels with its own
# ValidationException, and is known to answer so up to 100 levels (JSON about 210 deep in a transaction),
# so the lab reads that far; deeper, the request is refused before the checks that walk it recursively
# could exhaust Python's stack.
MAX_JSON_DEPTH = 256
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # an escaped UTF-16 surrogate: a half pair is not text


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, set):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _deeper_than(value, limit: int) -> bool:
    """Whether JSON ``value`` nests more than ``limit`` containers, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _decode(body: bytes):
    """The request's JSON (UTF-8, standard JSON, at most MAX_JSON_DEPTH deep, text that is Unicode), else
    DynamoDB's refusal. The cheap byte counts spare almost every request the walks."""
    try:
        value = _DECODER.decode(body.decode())
        if _SURROGATE.search(body):
            json.dumps(value, ensure_ascii=False).encode()
    except (ValueError, RecursionError):  # UnicodeError and JSONDecodeError are ValueErrors
        raise errors.unreadable_body() from None
    if body.count(b"{") + body.count(b"[") > MAX_JSON_DEPTH and isinstance(value, (dict, list)) \
            and _deeper_than(value, MAX_JSON_DEPTH):
        raise errors.unreadable_body()
    return value


_ENCODER = json.JSONEncoder(default=_default)


def _encode(payload: dict) -> bytes:
    return _ENCODER.encode(payload).encode()


def answer(front: Front, target: str, body: bytes, identity=None, authorize=None) -> tuple[int, bytes]:
    """Run one wire request through the front: (HTTP status, response body). The shape is always checked:
    a client may have been made with ``parameter_validation=False`` (PynamoDB's are).

    DynamoDB's order: the JSON is read first, then the target, then an empty body is refused. In a shared
    lab, ``identity`` is who signed the request (the trace records it) and ``authorize(identity, operation,
    params)`` refuses what they may not do."""
    try:
        params = _decode(body) if body else None
        operation = target.removeprefix(TARGET_PREFIX)
        if operation == target or not shapes.known(operation):
            raise errors.unknown_operation()
        if not body:
            raise errors.unreadable_body()
        shapes.check(operation, params)  # a body that is not a JSON object is refused here too
        if authorize is not None:
            authorize(identity, operation, params)
    except DynamoError as error:
        return error.status, _encode(error.body())
    status, payload = front.handle(operation, params, identity and identity.access_key,
                                   identity and identity.name)
    return status, _encode(payload)


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


@functools.lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    return email.utils.formatdate(second, usegmt=True)


class _BadHead(Exception):
    def __init__(self, status: HTTPStatus, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class _Headers(dict):
    """A request's header values by lower-case name, every value of a repeated header kept."""

    def first(self, name: str) -> str:
        return self.get(name.lower(), ("",))[0]

    def every(self, name: str) -> list[str]:
        return self.get(name.lower(), [])


_MAX_LINE, _MAX_HEADERS = 65536, 100  # the stdlib's limits (http.client)
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


def _read_headers(rfile) -> _Headers:
    headers = _Headers()
    for _ in range(_MAX_HEADERS + 1):
        line = rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise _BadHead(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
        if line in (b"\r\n", b"\n", b""):
            return headers
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip():
            raise _BadHead(HTTPStatus.BAD_REQUEST, f"Bad header line ({line[:100]!r})")
        headers.setdefault(name.lower(), []).append(value.strip())
    raise _BadHead(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")


class _Handler(BaseHTTPRequestHandler):
    """DynamoDB's wire protocol over HTTP/1.1 with keep-alive; every request gets a DynamoDB answer.

    A response leaves in one send, at once: the headers and the body are buffered together (``wbufsize``)
    and Nagle's algorithm is off. With the stdlib's defaults the body went out as a second small segment,
    which Nagle holds back until the client acknowledges the first, and the client delays that ACK by
    about 40 ms: every request on a kept-alive connection waited for it.
    """

    protocol_version = "HTTP/1.1"
    wbufsize = -1
    disable_nagle_algorithm = True
    timeout = IDLE_SECONDS  # a connection silent this long, or a body that stops arriving, is closed
    _unread = False  # the client may still be sending a body this server refused to read

    def do_POST(self):  # noqa: N802 (the stdlib's name)
        try:
            body = self._body()
            verifier = self.server.verifier  # a shared lab: every request says who signed it
            identity = verifier.identify(self.command, self.path, self.headers, body) if verifier else None
            if not self._at_root() or self._not_json(body):
                raise errors.unknown_operation(404)
            status, data = answer(self.server.front, self._target(), body, identity, self.server.authorize)
        except DynamoError as error:
            status, data = error.status, _encode(error.body())
        except Exception as error:  # noqa: BLE001 (whatever fails inside the lab, the client gets an answer)
            fault = errors.internal_fault("the request", error)
            status, data = fault.status, _encode(fault.body())
        self._reply(status, data)

    def do_GET(self):  # noqa: N802
        """A health check, which also tells a second kernel that a lab server already listens here."""
        try:
            self._body()
            if not self._at_root():
                raise errors.unknown_operation(404)
        except DynamoError as error:
            self._reply(error.status, _encode(error.body()))
        else:
            self._reply(200, json.dumps({"server": SERVER_BANNER}).encode(), "application/json")

    def parse_request(self) -> bool:
        """The request line and headers. The stdlib reads headers with the email package, five times slower
        than this and nearly a tenth of the server's CPU time per request; HTTP/1.1's header syntax needs far
        less. Same limits as the stdlib (65,536 bytes a line, 100 headers); what HTTP/1.1 forbids (folded
        lines, a space before the colon) is refused."""
        self.command, self.close_connection = None, True
        words = self.raw_requestline.decode("latin-1").split()
        if not words:
            return False
        if len(words) != 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({' '.join(words)[:100]!r})")
            return False
        self.command, self.path, version = words
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            known = version.startswith("HTTP/") and version[5:6].isdigit()
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED if known else HTTPStatus.BAD_REQUEST,
                            f"Unsupported HTTP version ({version[:20]!r})")
            return False
        self.request_version = version
        try:
            self.headers = _read_headers(self.rfile)
        except _BadHead as bad:
            self.send_error(bad.status, bad.reason)
            return False
        connection = self.headers.first("Connection").lower()
        self.close_connection = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
        if self.headers.first("Expect").lower() == "100-continue" and version == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def send_error(self, code, message=None, explain=None):
        """The stdlib's own refusals (request line, version, headers, method) as DynamoDB errors."""
        self.close_connection = self._unread = True  # what the stdlib refuses, it has not read to the end
        self.request_version = self.protocol_version  # a status line even when the request line was unreadable
        if code == HTTPStatus.NOT_IMPLEMENTED:  # a method other than GET and POST, as DynamoDB answers it
            error = errors.unknown_operation(404)
        else:
            error = errors.bad_http(code, message or HTTPStatus(code).phrase)
        self._reply(error.status, _encode(error.body()))

    def handle_expect_100(self):
        """Refuse a body the server would not read before the client sends it; else ask for it at once."""
        try:
            self._content_length()
        except DynamoError as error:
            self._reply(error.status, _encode(error.body()))
            return False
        super().handle_expect_100()
        self.wfile.flush()
        return True

    def finish(self):
        super().finish()
        if self._unread:
            self._discard_unread()

    def _content_length(self) -> int:
        """The body's length; a framing the server cannot trust, or a body over DynamoDB's limit, is refused
        without reading it, and the connection closes after the answer."""
        values = set(self.headers.every("Content-Length"))
        try:
            if self.headers.every("Transfer-Encoding"):
                raise errors.no_content_length()
            if not values:
                return 0
            value = values.pop()
            if values or not (value.isascii() and value.isdigit()):
                raise errors.bad_content_length()
            if int(value) > errors.MAX_REQUEST_BYTES:
                raise errors.request_too_large()
            return int(value)
        except DynamoError:
            self.close_connection = self._unread = True
            raise

    def _body(self) -> bytes:
        length = self._content_length()
        try:
            body = self.rfile.read(length)
        except OSError:  # the body stopped arriving (timeout) or the client went away
            body = b""
        if len(body) < length:
            self.close_connection = True
            raise errors.truncated_body(length)
        return body

    def _at_root(self) -> bool:
        return self.path.split("?", 1)[0] == "/"

    def _not_json(self, body: bytes) -> bool:
        media = self.headers.first("Content-Type").split(";", 1)[0].strip().lower()
        return bool(body) and media not in ("application/x-amz-json-1.0", "application/json")

    def _target(self) -> str:
        targets = set(self.headers.every("X-Amz-Target"))
        return targets.pop() if len(targets) == 1 else ""  # none, or two that disagree: no operation

    def _reply(self, status: int, data: bytes, content_type: str = "application/x-amz-json-1.0") -> None:
        """The status line, headers and body in one write (the stdlib's send_response and send_header build
        the same lines one call each)."""
        close = "Connection: close\r\n" if self.close_connection else ""
        head = (f"{self.protocol_version} {status} {_PHRASES.get(status, '')}\r\nServer: {SERVER_BANNER}\r\n"
                f"Date: {self.date_time_string()}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(data)}\r\n{close}\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + data)
        self.wfile.flush()

    def _discard_unread(self) -> None:
        """Read and drop what the client still sends, for a moment, before closing: a socket closed with
        unread data resets the connection, and the client could lose the answer it was sent."""
        deadline = time.monotonic() + LINGER_SECONDS
        try:
            self.connection.settimeout(LINGER_SECONDS)
            while time.monotonic() < deadline and self.connection.recv(1 << 16):
                pass
        except OSError:
            pass

    def date_time_string(self, timestamp=None):
        """The Date header, formatted once a second rather than once a request."""
        return _http_date(int(time.time() if timestamp is None else timestamp))

    def log_message(self, *args):  # quiet: a kernel would show every request under the running cell
        pass

    log_request = log_message


class LabServer(ThreadingHTTPServer):
    """The front served over HTTP in a background thread, a thread per connection; on loopback unless a host
    is given (``python -m labkit serve`` asks for ``--allow-remote`` first).

    A study group's server is given a ``verifier`` (``labkit.group.signatures``), which checks every
    request's signature and says who sent it, and ``authorize``, which refuses what that member may not do.
    Without them (embedded and solo labs) no credentials are checked."""

    daemon_threads = True

    def __init__(self, front: Front, host: str = "127.0.0.1", port: int = 0, verifier=None, authorize=None):
        super().__init__((host, port), _Handler)
        self.front, self.verifier, self.authorize = front, verifier, authorize
        self.thread = threading.Thread(target=self.serve_forever, name="labkit-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request, client_address):
        """A client that went away or fell silent is no fault of the lab's; anything else is printed."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def start(self) -> LabServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
