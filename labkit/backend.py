"""Where the lab's DynamoDB lives: chosen in one place, by argument or ``LABKIT_BACKEND``.

- ``embedded`` (default): moto in this process behind the front; fake credentials, no network.
- ``server``: the same, served on a loopback port so that the AWS CLI, other processes and other kernels
  share one database; a second kernel finds the first one's server and joins it.
- ``endpoint``: any DynamoDB-compatible URL (DynamoDB Local), as it is.
- ``aws``: real AWS, only when named. Every table name gets a prefix, every table it creates a tag, and
  it deletes only tables that carry its tag.
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid

import boto3
from botocore.config import Config

from . import transport
from .front import Front
from .front.conflicts import Simulation
from .front.idempotency import OwnTime
from .front.stale import Switch

GROUP_ENV = "LABKIT_GROUP"  # set by a study group's hub in each member's server (labkit.group.credentials)
BACKENDS = ("embedded", "server", "endpoint", "aws")
DEFAULT_REGION = "us-east-1"
DEFAULT_PORT = 8765
AWS_PREFIX = "labkit-"
OWNER_TAG = "labkit-lab"
_FAKE = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

_front: Front | None = None
_servers: dict[int, transport.LabServer] = {}


def shared_front() -> Front:
    """The process's one embedded DynamoDB: every connect() in a kernel sees the same tables."""
    global _front
    if _front is None:
        _front = Front(region=DEFAULT_REGION)
    return _front


def _lab_server_at(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=0.5) as reply:
            return json.load(reply).get("server") == transport.SERVER_BANNER
    except (OSError, ValueError):
        return False


def serve(port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> transport.LabServer:
    """Serve this process's embedded DynamoDB over HTTP (once per port), on loopback unless ``host`` says
    otherwise: ``python -m labkit serve`` asks for ``--allow-remote`` before it passes any other address."""
    if port not in _servers or port == 0:
        server = transport.LabServer(shared_front(), host, port).start()
        _servers[server.server_address[1]] = server
        return server
    return _servers[port]


class AwsGuard:
    """Keeps a lab on real AWS to its own tables: prefixed names, an owner tag, deletes only its own."""

    def __init__(self, client_factory, prefix: str, owner: str):
        self.prefix, self.owner = prefix, owner
        self._control = client_factory()

    def install(self, events) -> None:
        events.register("before-parameter-build.dynamodb", self._rename, unique_id="labkit-prefix")

    def name(self, table: str) -> str:
        return table if table.startswith(self.prefix) else self.prefix + table

    def _rename(self, params, model, **_):
        if "TableName" in params:
            params["TableName"] = self.name(params["TableName"])
        if isinstance(params.get("RequestItems"), dict):
            params["RequestItems"] = {self.name(t): v for t, v in params["RequestItems"].items()}
        for action in params.get("TransactItems") or []:
            for body in action.values():
                body["TableName"] = self.name(body["TableName"])
        if model.name == "DeleteTable" and not self.owns(params["TableName"]):
            raise PermissionError(f"labkit refuses to delete {params['TableName']!r}: this lab did not create it")
        if model.name == "CreateTable":
            params["Tags"] = [t for t in params.get("Tags", []) if t["Key"] != OWNER_TAG] + [
                {"Key": OWNER_TAG, "Value": self.owner}]

    def owns(self, table: str) -> bool:
        if not table.startswith(self.prefix):
            return False
        arn = self._control.describe_table(TableName=table)["Table"]["TableArn"]
        tags = self._control.list_tags_of_resource(ResourceArn=arn).get("Tags", [])
        return any(t["Key"] == OWNER_TAG and t["Value"] == self.owner for t in tags)

    def cleanup(self) -> list[str]:
        """Delete the tables this lab created, and only those."""
        names = [t for page in self._control.get_paginator("list_tables").paginate() for t in page["TableNames"]]
        mine = [t for t in names if self.owns(t)]
        for table in mine:
            self._control.delete_table(TableName=table)
        return mine


class Lab:
    """A connection to the lab's DynamoDB: plain boto3 clients, and what the lessons stage around them."""

    def __init__(self, backend: str, *, region: str, endpoint_url: str | None = None, front: Front | None = None,
                 session: boto3.session.Session, guard: AwsGuard | None = None, server=None):
        self.backend, self.region, self.endpoint_url = backend, region, endpoint_url
        self.front, self.session, self.guard, self.server = front, session, guard, server
        # the embedded lab has no URL a learner could use elsewhere; its own clients name its in-process one
        self._client_endpoint = transport.EMBEDDED_URL if backend == "embedded" else endpoint_url
        if guard:
            guard.install(session.events)
        self._pool: list = []
        self.client = self.new_client()
        self.resource = self.session.resource("dynamodb", endpoint_url=self._client_endpoint, config=_config())

    def new_client(self):
        """A fresh boto3 DynamoDB client on this lab's backend (one per writer in a race)."""
        return self.session.client("dynamodb", endpoint_url=self._client_endpoint, config=_config())

    def clients(self, n: int) -> list:
        """n distinct clients, created once and reused: making a client costs more than a request."""
        while len(self._pool) < n:
            self._pool.append(self.new_client())
        return self._pool[:n]

    @staticmethod
    def watch():
        """``with lab.watch() as sent:`` collects the requests this thread's DynamoDB clients send in the
        block (any client, PynamoDB's included), each shown as its operation and DynamoDB JSON."""
        return transport.watch()

    @property
    def clock(self):
        """The lab's clock (embedded and server backends), which lessons advance instead of waiting;
        elsewhere a stand-in that says it cannot move that server's time."""
        return self.front.clock if self.front else OwnTime(self.backend)

    def throttle(self, table: str, share: float, *, seed: int | None = None) -> None:
        """Simulate throttling: about ``share`` (0 to 1) of the batch writes to ``table`` come back in
        UnprocessedItems (all of a batch: ProvisionedThroughputExceededException). ``share=0`` stops it."""
        if not self.front:
            raise RuntimeError(f"the {self.backend} backend is not the lab's own DynamoDB: it cannot simulate throttling")
        if share:
            self.front.throttling.set(table, share, seed)
        else:
            self.front.throttling.clear(table)

    @property
    def simulated(self) -> list[str]:
        """What this backend simulates rather than emulates, said where the learner sees it."""
        if not self.front:
            return []
        throttled = ", ".join(f"{t} {r.share:.0%}" for t, r in self.front.throttling.rules.items())
        return [f"table status: CREATING lasts {self.front.creating_seconds} s here (on AWS, seconds to minutes)",
                "throttling: " + (f"batch writes throttled on {throttled}" if throttled
                                  else "off (a lesson can throttle a table's batch writes)"),
                self.front.conflicts.describe(),
                "time: the lab's clock can be advanced (to show what happens after minutes pass)"] + (
                [self.front.stale.describe()] if self.front.stale.on else [])

    def conflicts(self, hold_seconds: float = 60.0) -> Simulation:
        """Simulate transaction conflicts until ``.off()`` (or the end of a ``with`` block): each transaction
        holds its items ``hold_seconds`` of the lab's clock between its prepare and commit phases."""
        front = self.front
        return Simulation(front and front.conflicts, front and front.lock, hold_seconds, self.backend)

    def stale_reads(self, lag_seconds: float = 1.0, *, share: float = 0.5, seed: int | None = None,
                    table: str | list[str] | None = None) -> Switch:
        """Simulate replica lag until ``.off()`` (or the end of a ``with`` block): about ``share`` of the
        eventually consistent reads of an item written within the last ``lag_seconds`` of the lab's clock
        see an older version, drawn from ``seed``; on ``table`` (a name or a list), else every table."""
        tables = None if table is None else [table] if isinstance(table, str) else list(table)
        front = self.front
        return Switch(front and front.stale, front and front.lock, (lag_seconds, share, seed, tables), self.backend)

    def describe(self) -> str:
        if self.backend == "aws":
            where = f"REAL AWS in {self.region}: tables are named {self.guard.prefix}* and cost money"
        else:
            where = {"embedded": "embedded DynamoDB (moto behind labkit's front), in this kernel, no AWS account",
                     "server": f"embedded DynamoDB served at {self.endpoint_url} (the AWS CLI and other processes can join)",
                     "endpoint": f"DynamoDB-compatible endpoint at {self.endpoint_url}"}[self.backend]
        lines = [f"labkit backend: {self.backend}: {where}", f"  clients: {self.reached_by()}"]
        lines += [f"  simulated: {s}" for s in self.simulated]
        return "\n".join(lines)

    def reached_by(self) -> str:
        """Which DynamoDB clients of this process this lab answers."""
        if self.backend == "aws":
            return "only lab.client and lab.resource are kept to the lab's tables; other clients are not"
        if transport.routed_to() != self._client_endpoint:
            return "only lab.client and lab.resource: a lab connected later receives the other clients"
        return ("every DynamoDB client made after `import labkit` without an endpoint_url of its own (boto3, "
                "botocore, PynamoDB) reaches this lab; clients made before that import do not")

    def __repr__(self) -> str:
        return self.describe()

    def cli_endpoint(self) -> str:
        """The ``--endpoint-url`` option an AWS CLI command needs to reach this lab ('' on real AWS)."""
        return f" --endpoint-url {self.endpoint_url}" if self.endpoint_url else ""


def _config() -> Config:
    # The lab answers at once; retries would hide a learner's error behind back-off (and repeat a write).
    # total_max_attempts counts the first attempt; the older max_attempts counts only retries.
    return Config(retries={"total_max_attempts": 1, "mode": "standard"}, max_pool_connections=64)


def connect(backend: str | None = None, *, region: str | None = None, endpoint_url: str | None = None,
            port: int | None = None, prefix: str = AWS_PREFIX) -> Lab:
    """Connect to the lab's DynamoDB. The backend comes from the argument, else ``LABKIT_BACKEND``."""
    backend = (backend or os.environ.get("LABKIT_BACKEND") or "embedded").lower()
    if backend not in BACKENDS:
        raise ValueError(f"unknown labkit backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    region = region or os.environ.get("LABKIT_REGION") or DEFAULT_REGION
    if backend == "aws":
        session = boto3.session.Session(region_name=region)
        transport.leave_alone(session.events)  # before any of its clients is made, the guard's own included
        guard = AwsGuard(lambda: session.client("dynamodb", config=_config()), prefix, owner=uuid.uuid4().hex[:12])
        transport.route(None)  # clients other than the lab's go where botocore sends them: AWS
        return Lab("aws", region=region, session=session, guard=guard)
    group = bool(os.environ.get(GROUP_ENV))  # a study group's member: their own key signs every request
    _use_lab_credentials(region)
    session = boto3.session.Session(region_name=region, **({} if group else _FAKE))
    if backend == "endpoint":
        endpoint_url = endpoint_url or os.environ.get("LABKIT_ENDPOINT_URL")
        if not endpoint_url:
            raise ValueError("the endpoint backend needs endpoint_url= or LABKIT_ENDPOINT_URL")
        lab = Lab("endpoint", region=region, endpoint_url=endpoint_url, session=session)
    elif backend == "server":
        port = int(port if port is not None else os.environ.get("LABKIT_PORT", DEFAULT_PORT))
        url = f"http://127.0.0.1:{port}"
        if group and not _lab_server_at(url):
            raise ConnectionError(f"the study group's lab server does not answer at {url}: the hub starts it; "
                                  "ask the facilitator")
        if port in _servers or not _lab_server_at(url):
            server = serve(port)
            lab = Lab("server", region=region, endpoint_url=server.url, front=server.front, session=session,
                      server=server)
        else:
            lab = Lab("server", region=region, endpoint_url=url, session=session)  # another process serves it
    else:
        lab = Lab("embedded", region=region, front=shared_front(), session=session)
    transport.route(lab._client_endpoint, lab.front if backend == "embedded" else None)
    return lab


def _use_lab_credentials(region: str) -> None:
    """A client made without credentials or region finds the lab's fake ones: it needs them to sign a
    request, and must never look further (a profile, an instance role), which could reach AWS."""
    for name, value in (("AWS_ACCESS_KEY_ID", _FAKE["aws_access_key_id"]),
                        ("AWS_SECRET_ACCESS_KEY", _FAKE["aws_secret_access_key"]), ("AWS_DEFAULT_REGION", region)):
        os.environ.setdefault(name, value)
