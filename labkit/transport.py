"""The two ways a request reaches the front: a botocore hook in this process, and a loopback HTTP server.

Both speak DynamoDB's wire protocol (JSON 1.0, the operation in ``X-Amz-Target``), so boto3 in the kernel,
the AWS CLI and another process meet exactly the same behaviour.
"""

from __future__ import annotations

import base64
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


def answer(front: Front, target: str, body: bytes, *, shape_checked: bool = False) -> tuple[int, bytes]:
    """Run one wire request through the front: (HTTP status, response body). ``shape_checked``: botocore
    has already checked the request against the API model, as it does before anything it sends."""
    operation = target.rsplit(".", 1)[-1]
    try:
        params = json.loads(body or b"{}")
        if not isinstance(params, dict):
            raise DynamoError("SerializationException", "Start of structure or map found where not expected.")
        if not shape_checked:
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


def install_hook(events, front: Front) -> None:
    """Answer every DynamoDB request of a botocore client or session in-process, before it is sent."""

    def before_send(request, **_):
        if ".amazonaws.com" not in request.url:  # a client given its own endpoint_url goes where it was told
            return None
        target = request.headers.get("X-Amz-Target")
        target = target.decode() if isinstance(target, bytes) else target
        status, data = answer(front, target, request.body, shape_checked=True)
        headers = {"Content-Type": "application/x-amz-json-1.0", "Content-Length": str(len(data))}
        return AWSResponse(request.url, status, headers, _Raw(data))

    events.register("before-send.dynamodb", before_send, unique_id="labkit-front")


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
