"""The study group's hub, end to end: JupyterHub on loopback, three members and a facilitator made through
its REST API, their servers started, and rounds run through each member's own kernel.

Slow (a minute or two: four JupyterLab servers start). The hub is the session's (``hub`` in tests/conftest.py,
tests/hub_support.py), shared with the browser's study-group test.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid

import pytest

from hub_support import FACILITATOR, MEMBERS, TOKEN, api, ensure_user, wait_for_servers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernels(hub):
    """Every member and the facilitator made through the REST API, their servers started, a kernel each."""
    url = hub["url"]
    names = (FACILITATOR, *MEMBERS)
    for name in names:
        user = ensure_user(url, name, admin=name == FACILITATOR)  # the facilitator: an admin from the hub's start
        if not user.get("servers", {}).get(""):  # not started already (by a login in the browser's test)
            api(url, "POST", f"/hub/api/users/{name}/server")
    try:
        wait_for_servers(url, names, hub["log"])
    except RuntimeError as error:
        pytest.fail(str(error))
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
