"""The study group's hub, end to end: JupyterHub on loopback, three members and a facilitator made through
its REST API, their servers started, and rounds run through each member's own kernel.

Slow (a minute or two: four JupyterLab servers start). Installs JupyterHub (requirements-hub.txt) and
configurable-http-proxy (npm, into .hub/node) when missing; stops everything it starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
MEMBERS = ("ada", "bea", "cyd")
FACILITATOR = "fay"
TOKEN = uuid.uuid4().hex


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _other_users_can_run_python() -> bool:
    """Members as system users of their own need an interpreter that other users can run (here it may sit
    under a private /root)."""
    if os.geteuid() != 0:
        return False
    try:
        probe = subprocess.run([sys.executable, "-c", "import jupyterhub, labkit"], user="nobody", group="nogroup",
                               capture_output=True, env={"PYTHONPATH": str(ROOT)}, timeout=60, cwd="/")
    except (OSError, KeyError):  # the interpreter cannot even be started by another user
        return False
    return probe.returncode == 0


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if subprocess.call([sys.executable, "-c", "import jupyterhub"], stderr=subprocess.DEVNULL):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements-hub.txt")],
                       check=True)
    from labkit.group.hub import CONFIG, ensure_proxy, hub_environment

    separate = _other_users_can_run_python()
    state = tmp_path_factory.mktemp("hub")
    state.chmod(0o755)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **hub_environment(
        password="shared-secret-pw", port=port,  # members unnamed: the REST API creates them
        lab_port=_free_port(), internal_port=_free_port(), proxy_api_port=_free_port(), api_token=TOKEN,
        state=state, separate_users="1" if separate else "0", proxy=ensure_proxy(ROOT / ".hub" / "node"))}
    log = open(state / "hub.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], env=env, cwd=state,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            api(url, "GET", "/hub/api/")
            break
        except (OSError, urllib.error.URLError):
            if process.poll() is not None:
                break
            time.sleep(0.5)
    else:
        process.kill()
    if process.poll() is not None:
        pytest.fail("the hub did not start:\n" + (state / "hub.log").read_text()[-4000:])
    yield {"url": url, "process": process, "separate": separate, "log": state / "hub.log",
           "secret": env["LABKIT_HUB_SECRET"]}
    process.send_signal(signal.SIGTERM)  # the hub stops the members' servers, its service and its proxy
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # whatever of the hub's own group is left
    except ProcessLookupError:
        pass
    log.close()
    if separate:
        for name in (*MEMBERS, FACILITATOR):
            subprocess.run(["userdel", "--remove", name], capture_output=True)


def api(url: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        data = reply.read()
    return json.loads(data) if data else {}


@pytest.fixture(scope="module")
def kernels(hub):
    """Every member and the facilitator made through the REST API, their servers started, a kernel each."""
    url = hub["url"]
    api(url, "POST", "/hub/api/users", {"usernames": list(MEMBERS)})
    api(url, "POST", f"/hub/api/users/{FACILITATOR}", {"admin": True})
    names = (FACILITATOR, *MEMBERS)
    for name in names:
        api(url, "POST", f"/hub/api/users/{name}/server")
    deadline = time.monotonic() + 180
    while not all(api(url, "GET", f"/hub/api/users/{n}").get("servers", {}).get("", {}).get("ready") for n in names):
        if time.monotonic() > deadline:
            pytest.fail("the members' servers did not start:\n" + hub["log"].read_text()[-4000:])
        time.sleep(1)
    return {name: api(url, "POST", f"/user/{name}/api/kernels", {"name": "python3"})["id"] for name in names}


async def run_in_kernel(url: str, user: str, kernel: str, code: str, timeout: float = 120) -> str:
    """Run ``code`` in a member's kernel over the Jupyter websocket; its printed output (or its error)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = url.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel}/channels"
    socket_ = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {TOKEN}"}))
    msg_id = uuid.uuid4().hex
    socket_.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex, "msg_type": "execute_request",
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out, replied, idle = [], False, False
    deadline = time.monotonic() + timeout
    while not (replied and idle):
        raw = await asyncio.wait_for(socket_.read_message(), max(1.0, deadline - time.monotonic()))
        if raw is None:
            break
        message = json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            out.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "execute_reply":
            replied = True
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    socket_.close()
    return "".join(out)


MEMBER_CODE = """
import labkit, os
from labkit.group import rounds
lab = labkit.connect()
me = rounds.Member(lab, rounds.whoami())
seen = me.play({round_id!r}, timeout=90)
print(str(seen))
print("SEEN-BY", os.environ["JUPYTERHUB_USER"], os.environ["AWS_ACCESS_KEY_ID"][:4], os.getpid())
"""

FACILITATOR_OPEN = """
import labkit
from labkit.group import rounds
lab = labkit.connect()
host = rounds.Facilitator(lab, rounds.whoami())
print(host.open({scenario!r}, {variant!r}, 2).round_id)
"""

FACILITATOR_FIRE = """
import time
deadline = time.monotonic() + 90
while len(host.joined({round_id!r})) < 3 and time.monotonic() < deadline:
    time.sleep(0.1)
host.fire({round_id!r}, lead=1.0)
result = host.collect({round_id!r}, timeout=60)
print(result)
print("WINNERS", len(result.winners()))
"""


async def play_round(hub, kernels, variant: str) -> tuple[str, dict[str, str]]:
    url = hub["url"]
    opened = await run_in_kernel(url, FACILITATOR, kernels[FACILITATOR],
                                 FACILITATOR_OPEN.format(scenario="registration", variant=variant))
    round_id = opened.strip().splitlines()[-1]
    assert re.fullmatch(r"round-\d{4}", round_id), opened
    members = [run_in_kernel(url, m, kernels[m], MEMBER_CODE.format(round_id=round_id)) for m in MEMBERS]
    facilitator = run_in_kernel(url, FACILITATOR, kernels[FACILITATOR], FACILITATOR_FIRE.format(round_id=round_id))
    *seen, judged = await asyncio.gather(*members, facilitator)
    return judged, dict(zip(MEMBERS, seen))


def test_a_guarded_round_through_every_members_own_kernel(hub, kernels):
    judged, seen = asyncio.run(play_round(hub, kernels, "guarded"))
    assert "WINNERS 1" in judged and ": HELD" in judged, judged
    winner = re.search(r"winners: (\w+) \(writer (\d+)\)", judged)
    for member, output in seen.items():
        assert f"SEEN-BY {member} LKMB" in output, output  # each ran in its own server, with a member's key
        assert f"round winners: {winner[1]} (writer {winner[2]})" in output
        assert f"{member}: 2 attempts" in output
        won = member == winner[1]
        assert ("1 won" in output) == won and (output.count("lost: ConditionalCheckFailedException") == (1 if won else 2))


def test_a_naive_round_lets_more_than_one_win_or_says_it_held_by_chance(hub, kernels):
    judged, seen = asyncio.run(play_round(hub, kernels, "naive"))
    winners = int(re.search(r"WINNERS (\d+)", judged)[1])
    assert winners > 1 or "happened not to overlap" in judged, judged
    assert all(f"SEEN-BY {m}" in out for m, out in seen.items())


def test_a_member_cannot_open_a_round_nor_read_the_hub_secret(hub, kernels):
    code = f"""
import labkit, os
from labkit.group import rounds
from botocore.exceptions import ClientError
try:
    rounds.Facilitator(labkit.connect(), rounds.whoami()).open("registration")
except ClientError as error:
    print("REFUSED", error.response["Error"]["Code"])
print("SECRET IN ENV", "LABKIT_HUB_SECRET" in os.environ, {hub['secret']!r} in str(os.environ))
try:
    open("/proc/{hub['process'].pid}/environ", "rb").read()
    print("HUB ENV READABLE")
except PermissionError:
    print("HUB ENV PRIVATE")
"""
    out = asyncio.run(run_in_kernel(hub["url"], "ada", kernels["ada"], code))
    assert "REFUSED AccessDeniedException" in out and "SECRET IN ENV False False" in out, out
    if hub["separate"]:
        assert "HUB ENV PRIVATE" in out, out


def test_a_member_cannot_read_another_members_environment(hub, kernels):
    if not hub["separate"]:
        pytest.skip("members run as one user here (not root, or this machine's Python is private to root): "
                    "the single-user fallback, which README says does not separate members")
    pid_of = asyncio.run(run_in_kernel(hub["url"], "bea", kernels["bea"], "import os; print(os.getpid())")).strip()
    out = asyncio.run(run_in_kernel(hub["url"], "ada", kernels["ada"], f"""
try:
    open("/proc/{pid_of}/environ", "rb").read()
    print("READABLE")
except PermissionError:
    print("PRIVATE")
"""))
    assert "PRIVATE" in out, out
