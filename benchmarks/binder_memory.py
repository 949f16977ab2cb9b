"""How much memory a Binder session holds after a learner has opened and run every chapter in order.

    python benchmarks/binder_memory.py [--pace 180] [--scale 5]

A JupyterLab server starts with Binder's server settings (``binder/jupyter_server_config.json``: idle
kernels culled, open tab or not). A learner opens each chapter in turn, as a tab that stays open (a
websocket to its kernel), runs every cell, and reads for ``--pace`` seconds before the next. At the end
the server's memory is the resident set of the server and every process under it (its kernels).

The same walk with culling off, in the same run, is the baseline: every kernel still alive, each one's
size measured. With Binder's settings the learner's time is simulated: a chapter's time (running its
cells, then reading), and the settings' timeout and interval, are divided by ``--scale`` (at 5, a
chapter every 36 s, kernels idle for 120 s culled). A chapter whose cells take longer than its share (a
busy machine) makes the walk slower than the learner, and more gets culled than at the learner's pace:
so the script also works out, from the sizes measured, what is alive at the learner's own pace.
Binder gives a session 1-2 GB; the goal is under 1.5 GB at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psutil
import websocket

ROOT = Path(__file__).resolve().parents[1]
BINDER_CONFIG = json.loads((ROOT / "binder" / "jupyter_server_config.json").read_text())
TIMINGS = ("cull_idle_timeout", "cull_interval")
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``jupyter lab`` over a copy of the notebooks, with the given server configuration and nothing else."""

    def __init__(self, workdir: Path, config: dict):
        self.port, self.token = free_port(), secrets.token_hex(16)
        shutil.copytree(ROOT / "notebooks", workdir / "root" / "notebooks")
        (workdir / "config").mkdir()
        (workdir / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(workdir / "config"), "JUPYTER_CONFIG_PATH": "",
               "JUPYTER_DATA_DIR": str(workdir / "data"), "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
               "PYTHONPATH": str(ROOT), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}
        env.pop("LABKIT_BACKEND", None)
        self.log = open(workdir / "jupyter.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={workdir / 'root'}", "--ServerApp.allow_root=True"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.api("GET", "status")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {workdir / 'jupyter.log'}")
                time.sleep(0.2)  # polling a real condition: the server answering

    def api(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/{path}?token={self.token}", method=method,
                                         data=json.dumps(body).encode() if body else None,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read() or b"null")

    def memory(self) -> dict[str, int]:
        """Resident memory in bytes of the server ('server': it and its helpers) and of each kernel (by id)."""
        top = psutil.Process(self.process.pid)
        found = {"server": 0}
        for process in [top, *top.children(recursive=True)]:
            try:
                rss, command = process.memory_info().rss, " ".join(process.cmdline())
            except psutil.NoSuchProcess:
                continue
            kernel = re.search(r"kernel-([0-9a-f-]+)\.json", command)
            key = kernel.group(1) if kernel else "server"
            found[key] = found.get(key, 0) + rss
        return found

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class Tab:
    """A chapter open in the browser: its session, and a websocket to its kernel that stays open."""

    def __init__(self, server: Server, path: str):
        session = server.api("POST", "sessions", {"path": path, "type": "notebook", "name": Path(path).name,
                                                   "kernel": {"name": "python3"}})
        self.session_id, self.kernel_id = uuid.uuid4().hex, session["kernel"]["id"]
        self.socket = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/api/kernels/{self.kernel_id}/channels"
            f"?session_id={self.session_id}&token={server.token}", timeout=600)
        self.notebook = json.loads((ROOT / path).read_text())

    def run_all(self) -> int:
        """Run every code cell in order, as Run All does (cells that raise on purpose included); the errors."""
        errors = 0
        for cell in self.notebook["cells"]:
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip():
                errors += self.execute("".join(cell["source"])) == "error"
        return errors

    def execute(self, code: str) -> str:
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session_id,
                       "username": "learner", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": False}}))
        status, idle = None, False
        while status is None or not idle:
            frame = self.socket.recv()
            if isinstance(frame, bytes):  # a message with binary buffers (a widget's picture): not ours to read
                continue
            message = json.loads(frame)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "execute_reply":
                status = message["content"]["status"]
            elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                idle = True
        return status


def walk(config: dict, pace_s: float, label: str) -> dict:
    """Every chapter opened and run in order, each left open, ``pace_s`` seconds apart; the memory after each
    chapter, and at the end each chapter's kernel (0 once culled) and the server's own."""
    chapters = sorted(f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as workdir:
        server = Server(Path(workdir), config)
        tabs, totals, overran = [], [], 0
        try:
            for path in chapters:
                opened = time.monotonic()
                tab = Tab(server, path)
                tabs.append(tab)
                tab.run_all()
                ran = time.monotonic() - opened
                overran += ran > pace_s
                time.sleep(max(0.0, pace_s - ran))  # the learner reads the chapter before opening the next
                memory = server.memory()
                totals.append(sum(memory.values()))
                print(f"  {label}: {Path(path).stem:28s} {totals[-1] / MB:7.0f} MB, {len(memory) - 1} kernels "
                      f"(this one ran {ran:.0f} s)", flush=True)
            return {"end": totals[-1], "peak": max(totals), "kernels": len(memory) - 1, "overran": overran,
                    "server": memory["server"], "each": [memory.get(tab.kernel_id, 0) for tab in tabs]}
        finally:
            for tab in tabs:
                tab.socket.close()
            server.stop()


def alive_at_pace(pace_s: float, settings: dict, chapters: int) -> int:
    """How many chapters' kernels a learner who spends ``pace_s`` on each still has when done with the last:
    a kernel last active j chapters ago is culled once idle past the timeout, checked every interval (at
    worst, the learner ran its last cell as it moved on)."""
    window = settings["cull_idle_timeout"] + settings["cull_interval"]
    return min(chapters, int(window // pace_s) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pace", type=float, default=180, help="seconds a learner spends on a chapter")
    parser.add_argument("--scale", type=float, default=5, help="the learner's time runs this much faster")
    args = parser.parse_args()
    binder = json.loads(json.dumps(BINDER_CONFIG))
    for name in TIMINGS:
        binder["MappingKernelManager"][name] /= args.scale
    baseline = {"MappingKernelManager": {"cull_idle_timeout": 0}}
    print(f"a learner spending {args.pace:.0f} s on each chapter, time scaled 1:{args.scale:g}; Binder's settings: "
          f"{BINDER_CONFIG['MappingKernelManager']}")
    without = walk(baseline, 0, "no culling")
    culled = walk(binder, args.pace / args.scale, "Binder's settings")
    kept = alive_at_pace(args.pace, BINDER_CONFIG["MappingKernelManager"], len(without["each"]))
    estimate = without["server"] + sum(without["each"][-kept:])
    print(f"\nwithout culling: {without['end'] / MB:.0f} MB at the end, {without['kernels']} kernels "
          f"(each {min(without['each']) / MB:.0f} to {max(without['each']) / MB:.0f} MB, "
          f"the server {without['server'] / MB:.0f} MB)")
    print(f"Binder's settings, walked: {culled['end'] / MB:.0f} MB at the end, {culled['kernels']} kernels, "
          f"peak {culled['peak'] / MB:.0f} MB; ratio to no culling {culled['end'] / without['end']:.2f}")
    if culled["overran"]:
        print(f"  {culled['overran']} of {len(culled['each'])} chapters took longer to run than a learner's "
              f"{args.pace / args.scale:.0f} s share (a busy machine): the walk went slower than the learner, "
              f"so more was culled than at the learner's pace")
    print(f"at the learner's pace ({args.pace:.0f} s a chapter) the last {kept} chapters' kernels are alive: "
          f"{estimate / MB:.0f} MB with the server (measured sizes above); ratio to no culling "
          f"{estimate / without['end']:.2f}")
    worst = max(culled["end"], estimate)
    print(f"goal under 1,536 MB: {'met' if worst < 1536 * MB else 'NOT met'} ({worst / MB:.0f} MB)")

if __name__ == "__main__":
    main()
