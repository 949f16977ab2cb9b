"""A round played through the study group's hub: the facilitator and a member each log in on JupyterHub's
login page in a Chromium context of their own, get their own JupyterLab from the hub (their own key, from
the spawner), and play a round from the two panels.

The facilitator clicks Open (eight simulated members join at once, the most the panel offers), the member
Join, the facilitator sees the member join and clicks Fire; both results are read from the pages, and the
facilitator's panel after the round is measured against the output height limit. Screenshots of both pages are kept in test-artifacts/. The hub is the
session's (``hub`` in tests/conftest.py), shared with tests/test_group_hub.py: run with it, this test adds
the two logins and the round.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from hub_support import FACILITATOR, FACILITATOR_PASSWORD, PASSWORD, api
from .conftest import new_notebook
from .test_output_heights import LIMIT_PX

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MEMBER = "ada"
SIMULATED = 8  # the most the facilitator's panel offers: they join each round beside the member
SPAWN_MS = 180_000  # a login starts the user's JupyterLab: a minute on a loaded machine
KERNEL_MS = 120_000  # the panel's cell: a kernel started, labkit imported, connected to the group's lab
ROUND_MS = 60_000
RETRY_MS = 15_000
PANEL = """import labkit
from labkit.group.widgets import {maker}
lab = labkit.connect()  # the hub's spawner gave this server LABKIT_BACKEND=server and the user's own key
{maker}(lab{options})"""


def log_in(browser, url: str, name: str, password: str):
    """A Chromium context of its own, on the hub's login page: name, password, Sign in (not waited for)."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def open_panel(page, url: str, name: str, source: str):
    """Once the login has brought up the user's JupyterLab: the panel's notebook put in their workbook, opened
    in a workspace of its own and run, as the user would with Run > Run All Cells."""
    page.wait_for_url(re.compile(rf".*/user/{name}/lab.*"), timeout=SPAWN_MS)
    path = f"group-panel-{secrets.token_hex(3)}.ipynb"
    api(url, "PUT", f"/user/{name}/api/contents/{path}", {"type": "notebook", "format": "json",
                                                            "content": new_notebook(source)})
    page.goto(f"{url}/user/{name}/lab/workspaces/{path[:-6]}/tree/{path}?reset")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=KERNEL_MS)
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).first.wait_for(timeout=KERNEL_MS)
    ran = page.locator(".jp-InputPrompt", has_text=re.compile(r"\[(\*|\d+)\]")).first
    for _ in range(3):  # a menu chosen while JupyterLab still lays the notebook out can go unheard: again
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            ran.wait_for(timeout=RETRY_MS)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{name}'s panel cell did not run")


def text_of(page, selector: str) -> str:
    return page.locator(selector).first.inner_text()


def test_facilitator_and_member_log_in_on_the_hub_and_play_a_round(hub, browser):
    url = hub["url"]
    host = log_in(browser, url, FACILITATOR, FACILITATOR_PASSWORD)  # facilitators: their own password
    member = log_in(browser, url, MEMBER, PASSWORD)  # both servers start at once
    try:
        open_panel(host, url, FACILITATOR, PANEL.format(maker="facilitator_panel",  # its largest simulated crowd
                                                        options=f", writers=2, simulated={SIMULATED}, lead=0.5"))
        open_panel(member, url, MEMBER, PANEL.format(maker="member_panel", options=""))
        panel = host.locator(".labkit-group-facilitator")
        panel.get_by_role("button", name="Open").click(timeout=KERNEL_MS)  # the button exists once the cell ran
        host.locator(".labkit-group-joined", has_text="open").wait_for(timeout=ROUND_MS)
        member.locator(".labkit-group-member").get_by_role("button", name="Join").click(timeout=KERNEL_MS)
        member.locator(".labkit-group-status", has_text="waiting for Fire").wait_for(timeout=ROUND_MS)
        host.locator(".labkit-group-joined", has_text=f"{SIMULATED + 1} joined: {MEMBER}, ").wait_for(timeout=ROUND_MS)
        panel.get_by_role("button", name="Fire").click()
        host.locator(".labkit-group-result").wait_for(timeout=ROUND_MS)
        member.locator(".labkit-group-result").wait_for(timeout=ROUND_MS)
        host.locator(".labkit-group-facilitator img").wait_for(timeout=ROUND_MS)  # the timeline, by member
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        host.screenshot(path=str(ARTIFACTS / "study-group-facilitator.png"), full_page=True)
        member.screenshot(path=str(ARTIFACTS / "study-group-member.png"), full_page=True)

    facilitator_sees, member_sees = text_of(host, ".labkit-group-result"), text_of(member, ".labkit-group-result")
    assert "invariant: each writer told 'account created' owns an account: HELD" in facilitator_sees
    assert f"members: {SIMULATED + 1} ({SIMULATED} simulated: " in facilitator_sees
    winner, writer = re.search(r"winners: (\S+) \(writer (\d+)\)", facilitator_sees).groups()
    assert f"round winners: {winner} (writer {writer})" in member_sees  # both pages name the one winner
    won = winner == MEMBER
    assert f"{MEMBER}: 2 attempts, {int(won)} won" in member_sees
    assert member_sees.count("lost: ConditionalCheckFailedException (The conditional request failed)") == 2 - won
    assert MEMBER in text_of(host, "table.labkit-group-members")
    for page in (host, member):  # the hub set up each home's settings: JupyterLab asked nothing over the round
        assert page.get_by_text("official Jupyter news").count() == 0
    assert "Rounds so far" in text_of(host, ".labkit-group-facilitator")
    # the panel after its largest round stays within one screen (tests/browser/test_output_heights.py)
    output = host.locator(".jp-Cell-outputArea", has=host.locator(".labkit-group-facilitator"))
    output.screenshot(path=str(ARTIFACTS / "study-group-facilitator-panel.png"))  # the whole panel, not the window
    assert output.bounding_box()["height"] <= LIMIT_PX, output.bounding_box()
    # each logged in as themselves: the hub's model says who is an admin, and whose server is running
    assert api(url, "GET", f"/hub/api/users/{FACILITATOR}")["admin"] is True
    assert api(url, "GET", f"/hub/api/users/{MEMBER}")["admin"] is False
