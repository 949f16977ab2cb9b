"""The study group's hub for the tests that need one (tests/test_group_hub.py, the browser's study-group
test): JupyterHub on loopback, started once per session by the ``hub`` fixture of tests/conftest.py.

Installs JupyterHub (requirements-hub.txt) and configurable-http-proxy (npm, into .hub/node) when missing;
stops everything it starts. Facilitators log in with their own password (JupyterHub's shared-password
authenticator wants one for its admins), members with the shared one.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = uuid.uuid4().hex  # the group-admin service's token: the tests drive the hub's REST API with it
PASSWORD = "shared-secret-pw"
FACILITATOR = "fay"
FACILITATOR_PASSWORD = "the-facilitators-own-password-of-40-chars"
MEMBERS = ("ada", "bea", "cyd")
START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def other_users_can_run_python() -> bool:
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


def api(url: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        data = reply.read()
    return json.loads(data) if data else {}


@contextlib.contextmanager
def running_hub(state: Path):
    """JupyterHub on a free loopback port, its state in ``state``; yields what the tests need of it."""
    if subprocess.call([sys.executable, "-c", "import jupyterhub"], stderr=subprocess.DEVNULL):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements-hub.txt")],
                       check=True)
    from labkit.group.hub import CONFIG, ensure_proxy, hub_environment

    separate = other_users_can_run_python()
    state.chmod(0o755)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **hub_environment(
        password=PASSWORD, facilitators=FACILITATOR, facilitator_password=FACILITATOR_PASSWORD, port=port,
        lab_port=free_port(), internal_port=free_port(), proxy_api_port=free_port(), api_token=TOKEN,
        state=state, separate_users="1" if separate else "0", proxy=ensure_proxy(ROOT / ".hub" / "node"))}
    log = open(state / "hub.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], env=env, cwd=state,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            try:
                api(url, "GET", "/hub/api/")
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        else:
            raise RuntimeError("the hub did not start:\n" + (state / "hub.log").read_text()[-4000:])
        yield {"url": url, "process": process, "separate": separate, "log": state / "hub.log",
               "secret": env["LABKIT_HUB_SECRET"]}
    finally:
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


def ensure_user(url: str, name: str, admin: bool = False) -> dict:
    """The hub's model of user ``name``, made through the REST API unless it exists (a login made it, or
    the hub did at its start, as it does its admins)."""
    try:
        return api(url, "GET", f"/hub/api/users/{name}")
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
    return api(url, "POST", f"/hub/api/users/{name}", {"admin": admin})


def wait_for_servers(url: str, names, log: Path, timeout: float = 180) -> None:
    """Until every named user's server is ready (started through the REST API or by logging in)."""
    deadline = time.monotonic() + timeout
    while not all(api(url, "GET", f"/hub/api/users/{n}").get("servers", {}).get("", {}).get("ready") for n in names):
        if time.monotonic() > deadline:
            raise RuntimeError("the members' servers did not start:\n" + log.read_text()[-4000:])
        time.sleep(1)
