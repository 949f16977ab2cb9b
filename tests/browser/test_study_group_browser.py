"""A round played from the two panels in a real JupyterLab: the facilitator in one Chromium context, a member
in another, each kernel signing with its own key against a group server (signatures checked).

The facilitator clicks Open, the member Join, the facilitator sees the member join and clicks Fire; both
results are read from the pages. Screenshots of both pages are kept in test-artifacts/. (The hub's own
login and spawning are covered by tests/test_group_hub.py; here both kernels run in the test's JupyterLab,
each told its key the way the hub tells a member's server: by environment variables.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.front import Front
from labkit.group.credentials import derive
from labkit.group.server import serve_group

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SECRET = b"the browser test's hub secret, made up here"
PANEL = """import os
os.environ.update({env})
import labkit
from labkit.group.widgets import {maker}
lab = labkit.connect()
{maker}(lab, {name!r}{options})"""


def notebook(root: Path, path: str, source: str) -> str:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
    return path


def environment(port: int, name: str, role: str) -> dict:
    return {**derive(SECRET, name, role).environment(), "LABKIT_BACKEND": "server", "LABKIT_PORT": str(port),
            "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def group_server():
    server = serve_group(0, hub_secret=SECRET, front=Front())
    yield server
    server.stop()


def test_facilitator_and_member_play_a_round_from_their_panels(jupyter_lab, open_chapter, group_server):
    port = group_server.server_address[1]
    root = jupyter_lab.root
    host_path = notebook(root, "group/facilitator.ipynb", PANEL.format(
        env=environment(port, "fay", "facilitator"), maker="facilitator_panel", name="fay",
        options=", writers=2, lead=0.5"))
    member_path = notebook(root, "group/member.ipynb", PANEL.format(
        env=environment(port, "sami", "member"), maker="member_panel", name="sami", options=""))
    host = open_chapter(host_path)  # each page in a Chromium context of its own, its cell run
    member = open_chapter(member_path)
    assert not host.problems() and not member.problems()

    facilitator_panel = host.page.locator(".labkit-group-facilitator")
    host.click(facilitator_panel.get_by_role("button", name="Open"))
    host.page.wait_for_function("() => document.querySelector('.labkit-group-joined')"
                                " && document.querySelector('.labkit-group-joined').textContent.includes('open')")
    member.click(member.page.locator(".labkit-group-member").get_by_role("button", name="Join"))
    member.page.wait_for_function("() => document.body.innerText.includes('waiting for Fire')")
    host.page.wait_for_function("() => document.querySelector('.labkit-group-joined')"
                                ".textContent.includes('1 joined: sami')", timeout=20_000)
    host.click(facilitator_panel.get_by_role("button", name="Fire"))
    host.page.wait_for_selector(".labkit-group-result", timeout=60_000)
    member.page.wait_for_function("() => document.querySelector('.labkit-group-result')", timeout=60_000)

    facilitator_sees = host.page.locator(".labkit-group-result").inner_text()
    member_sees = member.page.locator(".labkit-group-result").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    host.page.screenshot(path=str(ARTIFACTS / "study-group-facilitator.png"), full_page=True)
    member.page.screenshot(path=str(ARTIFACTS / "study-group-member.png"), full_page=True)

    assert "invariant: each writer told 'account created' owns an account: HELD" in facilitator_sees
    assert "winners: sami (writer" in facilitator_sees  # the only member: one of their two writers won
    assert "sami: 2 attempts, 1 won" in member_sees
    assert "round winners: sami (writer" in member_sees
    assert "lost: ConditionalCheckFailedException (The conditional request failed)" in member_sees
    members_table = host.page.locator("table.labkit-group-members").inner_text()
    assert "sami" in members_table
    assert "Rounds so far" in host.page.inner_text(".labkit-group-facilitator")
    # every request of the round was signed by its member's own key, as the server's trace says
    signers = {entry.member for entry in group_server.front.trace if entry.table == "Users"}
    assert signers == {"fay", "sami"}  # fay set the scene, sami's writers raced
