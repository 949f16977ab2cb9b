"""A real JupyterLab on loopback, driven by headless Chromium through Playwright.

The server serves a temporary copy of ``notebooks/`` (nothing a test does can save over the repository),
every notebook opens in its own browser context and workspace (so each gets its own kernel), and a
chapter is opened and run once however many tests look at it. The server, the browser and the chapters
are package-scoped: they close when the last browser test is done, not at the end of the whole run (they
hold a kernel and a renderer per chapter, and an idle Playwright connection left open through the rest of
the run once hung CI's last teardown). A failing test leaves a screenshot and the page's HTML under
``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
START_TIMEOUT_S = 120
RUN_TIMEOUT_MS = 600_000  # a whole chapter, on a slow CI machine
CLICK_TIMEOUT_MS = 120_000  # one button's handler in the kernel (a 64-writer race)
RENDER_TIMEOUT_MS = 30_000  # the page drawing what it already has
TEARDOWN_TIMEOUT_S = 180  # closing every page and the browser; past it, Playwright's driver is stopped

# JupyterLab settings for a test run: every cell in the DOM (no virtual scrolling), no news pop-ups.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

# Installed in each page: follows the kernel's messages, so that a test waits for the kernel to have
# finished what a click or "Run All" asked for, not for a guessed time. A cell's request is finished when both
# its reply (shell channel) and its idle status (iopub) have come, as JupyterLab itself waits: the two
# channels reach the page in either order. A click (a comm message) has no reply, only its idle status.
# ``counted`` is how many cells' requests (not a test's own ``execute``) the kernel answered: how many
# prompts the page must number.
TRACKER_JS = """(path) => {
  const panel = [...jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === path);
  const kernel = panel.sessionContext.session.kernel;
  const t = window.__labkit = {executes: 0, clicks: 0, errors: 0, counted: 0, numbered: new Set(), pending: new Map()};
  const arrived = (parent, what) => { const left = t.pending.get(parent);
    if (left) { left.delete(what); if (left.size === 0) t.pending.delete(parent); } };
  kernel.anyMessage.connect((_, {msg, direction}) => {
    const type = msg.header.msg_type;
    if (direction === 'send' && type === 'execute_request') {
      t.pending.set(msg.header.msg_id, new Set(['reply', 'idle']));
      t.executes++;
      if (msg.content.store_history !== false) t.numbered.add(msg.header.msg_id);
    }
    if (direction === 'send' && type === 'comm_msg' && msg.content.data && msg.content.data.method === 'custom') {
      t.pending.set(msg.header.msg_id, new Set(['idle']));
      t.clicks++;
    }
    if (direction !== 'recv') return;
    const parent = msg.parent_header && msg.parent_header.msg_id;
    if (type === 'status' && msg.content.execution_state === 'idle') arrived(parent, 'idle');
    if (type !== 'execute_reply') return;
    if (msg.content.status === 'error') t.errors++;
    if (msg.content.status !== 'aborted' && t.numbered.delete(parent)) t.counted++;
    if (msg.content.status === 'aborted') t.pending.delete(parent); else arrived(parent, 'reply');
  });
  return kernel.id;
}"""

# The page has drawn all that the kernel answered: every cell in place, a numbered prompt for each cell the
# kernel answered, none still running, no widget still loading, every picture loaded.
DRAWN_JS = """([cells]) => {
  const shown = document.querySelectorAll('.jp-Notebook .jp-Cell');
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  return shown.length === cells && !prompts.some(p => p.includes('[*]'))
    && prompts.filter(p => /\\[\\d+\\]/.test(p)).length >= window.__labkit.counted
    && ![...document.querySelectorAll('.jp-OutputArea-output')].some(o => o.textContent.includes('Loading widget'))
    && [...document.querySelectorAll('.jp-OutputArea-output img')].every(i => i.complete);
}"""

# Each cell of the open notebook as the page shows it: kind, prompt, and every output's MIME type and text.
CELLS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({
  code: cell.classList.contains('jp-CodeCell'),
  prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
  outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
    mime: o.getAttribute('data-mime-type'), text: o.textContent})),
}))"""


# Every cell's output area as drawn: its height, less the outputs that hold a chapter's check-yourself quiz
# (the quiz widget, recognised by its score line: a form of questions, allowed to be long). An output that
# scrolls inside a box of its own counts at the height of its box, which is what the page takes.
OUTPUT_HEIGHTS_JS = """(quizMarker) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell, index) => {
  const area = cell.querySelector('.jp-Cell-outputArea');
  if (!area || !area.children.length) return null;
  const quiz = [...area.children].filter(o => o.querySelector(quizMarker))
    .reduce((sum, o) => sum + o.getBoundingClientRect().height, 0);
  return {cell: index, height: Math.round(area.getBoundingClientRect().height - quiz), quiz: Math.round(quiz)};
}).filter(Boolean)"""
QUIZ_MARKER = ".labkit-quiz-score"  # labkit.quiz.SCORE_CLASS: only the chapters' check-yourself quizzes have it


def chromium_executable() -> str:
    found = os.environ.get("LABKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        message = "no Chromium: install Debian's chromium or set LABKIT_CHROMIUM"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _bounded(seconds: float):
    """Closing pages and the browser goes through Playwright's driver, and a close that never answers would
    hold the whole run until CI's limit. Past ``seconds``, the driver (a child process of this one) and the
    browser it launched are killed: the waiting call then fails with Playwright's own error, which is
    reported, and the run goes on."""
    timer = threading.Timer(seconds, _kill_playwright_driver)
    timer.daemon = True
    timer.start()
    try:
        yield
    except Exception as error:  # the driver was killed under a close: say so, do not fail the tests that passed
        if not getattr(_kill_playwright_driver, "fired", False):
            raise
        warnings.warn(f"Playwright's driver was stopped after a close took over {seconds} s: {error!r}")
    finally:
        timer.cancel()


def _kill_playwright_driver() -> None:
    """Kill Playwright's driver, the child of this process that runs Playwright's node program; the browser
    it launched reads its commands from the driver's pipe and exits when that closes."""
    _kill_playwright_driver.fired = True
    for process in Path("/proc").glob("[0-9]*"):
        try:
            parent = (process / "stat").read_text().rsplit(")", 1)[1].split()[1]
            command = (process / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if parent == str(os.getpid()) and b"playwright" in command:
            os.kill(int(process.name), signal.SIGKILL)


def new_notebook(*cells) -> nbformat.NotebookNode:
    """A notebook for the Python 3 kernel of these cells: nbformat cells, or sources of code cells."""
    made = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) if isinstance(c, str) else c for c in cells])
    made.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return made


class JupyterLabServer:
    """``jupyter lab`` on a free loopback port with a token, over a scratch root directory."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.root = workdir / "root"
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "jupyter.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "JupyterLabServer":
        settings = self.workdir / "settings"
        for name, values in LAB_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(values))
        self.env = env = {**os.environ,
               # not the developer's own configuration, kernels or trusted notebooks
               "JUPYTER_CONFIG_DIR": str(self.workdir / "config"), "JUPYTER_DATA_DIR": str(self.workdir / "data"),
               "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
               # kernels import this working tree's labkit, installed or not
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
        env.pop("LABKIT_BACKEND", None)
        command = [sys.executable, "-m", "jupyter", "lab",
                   "--ServerApp.open_browser=False", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root}", "--ServerApp.allow_root=True",
                   f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
                   "--LabApp.expose_app_in_browser=True"]  # window.jupyterapp, for the kernel's status
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"JupyterLab did not start:\n{self.log_tail()}")
            time.sleep(0.2)  # polling a real condition: the server answering
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/status?token={self.token}", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def trust(self, path: str) -> None:
        """Mark a notebook under the root as trusted, as JupyterLab does with one its user saved: its
        outputs are then drawn in full (an untrusted notebook's widget outputs fall back to their text)."""
        subprocess.run([sys.executable, "-m", "jupyter", "trust", str(self.root / path)], env=self.env, check=True,
                       capture_output=True)

    def write(self, path: str, *cells) -> str:
        """A notebook of ``cells`` (as ``new_notebook`` takes them) written at ``path`` under the root."""
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(new_notebook(*cells), self.root / path)
        return path

    def url(self, path: str, workspace: str) -> str:
        # A workspace of its own, reset, so that no page reopens another test's notebooks (and kernels).
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{path}?reset&token={self.token}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Chapter:
    """One notebook open in its own page, with what a learner sees and can do there."""

    def __init__(self, server: JupyterLabServer, context, path: str):
        self.server, self.context, self.path = server, context, path
        self.page = context.new_page()
        self.notebook = json.loads((server.root / path).read_text())
        self.kernel_id: str | None = None

    @property
    def code_cells(self) -> list[dict]:
        return [c for c in self.notebook["cells"] if c["cell_type"] == "code"]

    @staticmethod
    def _expects_error(cell: dict) -> bool:
        return "raises-exception" in cell.get("metadata", {}).get("tags", [])

    def open(self) -> "Chapter":
        workspace = re.sub(r"\W", "-", self.path) + "-" + secrets.token_hex(4)
        self.page.goto(self.server.url(self.path, workspace))
        self.page.wait_for_function(
            """(path) => window.jupyterapp && [...jupyterapp.shell.widgets('main')].some(w => w.context
                 && w.context.path === path && w.sessionContext.session && w.sessionContext.session.kernel
                 && w.sessionContext.session.kernel.connectionStatus === 'connected'
                 && w.sessionContext.session.kernel.status === 'idle')""",
            arg=self.path, timeout=START_TIMEOUT_S * 1000)
        self.kernel_id = self.page.evaluate(TRACKER_JS, self.path)
        return self

    def _tracker(self) -> dict:
        # the counts, with the sets of message ids left out
        return self.page.evaluate("() => ({...window.__labkit, pending: window.__labkit.pending.size, numbered: 0})")

    def run_all(self) -> "Chapter":
        """Run > Run All Cells, as a learner would, then wait until the kernel has answered every cell."""
        runnable = sum(1 for c in self.code_cells if "".join(c["source"]).strip())
        allowed_errors = sum(1 for c in self.code_cells if self._expects_error(c))
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        # Done when nothing is pending and either every cell was sent or an unexpected error stopped the run.
        self.page.wait_for_function(
            """([runnable, allowed]) => { const t = window.__labkit;
                 return t.pending.size === 0 && (t.executes >= runnable || t.errors > allowed); }""",
            arg=[runnable, allowed_errors], timeout=RUN_TIMEOUT_MS, polling=200)
        self.wait_until_drawn()
        return self

    def wait_until_drawn(self) -> None:
        """Wait for what the learner sees, not only for the kernel: the kernel's last idle status can reach
        the page before JupyterLab has numbered the last prompts (``[*]`` on a loaded machine) or drawn the
        last widgets. Done when every cell the kernel answered shows a number, none shows ``[*]``, no output
        still says "Loading widget" and every picture has loaded."""
        try:
            self.page.wait_for_function(DRAWN_JS, arg=[len(self.notebook["cells"])], timeout=RENDER_TIMEOUT_MS,
                                        polling=100)
        except PlaywrightTimeout as error:
            prompts = [c["prompt"] for c in self.shown() if c["code"]]
            raise AssertionError(f"{self.path}: the kernel answered {self._tracker()['counted']} cells but the page "
                                 f"still shows the prompts {prompts}") from error

    def shown(self) -> list[dict]:
        """Every cell as the page shows it (``CELLS_JS``)."""
        return self.page.evaluate(CELLS_JS)

    def problems(self) -> list[str]:
        """What a learner would see go wrong: tracebacks outside cells tagged raises-exception, widgets that
        failed to draw, cells that never ran."""
        shown = self.shown()
        found = []
        for number, (cell, seen) in enumerate(zip(self.notebook["cells"], shown)):
            if cell["cell_type"] != "code":
                continue
            where = f"{self.path} cell {number}"
            for output in seen["outputs"]:
                if (output["mime"] == "application/vnd.jupyter.stderr" and "Traceback" in output["text"]
                        and not self._expects_error(cell)):
                    found.append(f"{where} shows an error:\n{output['text'][-1500:]}")
                if "Error displaying widget" in output["text"]:
                    found.append(f"{where}: {output['text'][:300]}")
            if "".join(cell["source"]).strip() and not re.search(r"\[\d+\]", seen["prompt"]):
                found.append(f"{where} did not run (prompt {seen['prompt']!r})")
        if len(shown) != len(self.notebook["cells"]):
            found.append(f"{self.path}: the page shows {len(shown)} cells, the file has {len(self.notebook['cells'])}")
        return found

    def widget_outputs(self) -> list[str]:
        """The text of every output a saved widget left, once the page has drawn them all: what a learner
        who opens the chapter before running it sees (the widget's text line, or JupyterLab's error)."""
        self.page.wait_for_function(
            """(count) => document.querySelectorAll('.jp-Notebook .jp-Cell').length === count""",
            arg=len(self.notebook["cells"]), timeout=RENDER_TIMEOUT_MS)
        # a widget view without its model says "Loading widget..." first, and its error when the manager gives up
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-OutputArea-output')]
                       .every(o => !o.textContent.includes('Loading widget'))""", timeout=RENDER_TIMEOUT_MS)
        saved = [i for i, cell in enumerate(self.notebook["cells"]) if any(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {}) or
            "".join(o.get("data", {}).get("text/plain", "")).startswith("Run this cell")
            for o in cell.get("outputs", []))]
        shown = self.page.evaluate(CELLS_JS)
        return [" | ".join(o["text"].strip() for o in shown[i]["outputs"]) for i in saved]

    def output_heights(self) -> list[dict]:
        """Every output area's drawn height in px (``OUTPUT_HEIGHTS_JS``), once the page has drawn it all."""
        self.wait_until_drawn()
        return self.page.evaluate(OUTPUT_HEIGHTS_JS, QUIZ_MARKER)

    def screenshot_output(self, cell: int, path: Path, height: int = 2000) -> None:
        """The top of a cell's output, in a window ``height`` px tall, at the page's width."""
        width = self.page.viewport_size["width"]
        self.page.set_viewport_size({"width": width, "height": height})
        try:
            area = self.page.locator(".jp-Notebook .jp-Cell").nth(cell).locator(".jp-Cell-outputArea").first
            area.evaluate("a => a.scrollIntoView({block: 'start'})")
            self.page.wait_for_timeout(300)  # JupyterLab lays the notebook out again after a resize
            path.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size({"width": width, "height": 1000})

    def click(self, locator) -> None:
        """Click a widget's button and wait until the kernel has run its handler."""
        before = self._tracker()["clicks"]
        locator.click()
        self.page.wait_for_function(
            "(before) => window.__labkit.clicks > before && window.__labkit.pending.size === 0",
            arg=before, timeout=CLICK_TIMEOUT_MS, polling=100)

    def execute(self, code: str) -> str:
        """Run code in this page's kernel without a cell (what a test changes behind the learner's back)."""
        return self.page.evaluate(
            """async ([path, code]) => {
                 const panel = [...jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === path);
                 const reply = await panel.sessionContext.session.kernel.requestExecute({code, store_history: false}).done;
                 return reply.content.status + (reply.content.evalue ? ': ' + reply.content.evalue : ''); }""",
            [self.path, code])

    def close(self) -> None:
        """Close the page and shut its kernel down, so that a session's kernels do not pile up in memory."""
        self.context.close()
        if self.kernel_id:
            request = urllib.request.Request(
                f"{self.server.base_url}/api/kernels/{self.kernel_id}?token={self.server.token}", method="DELETE")
            urllib.request.urlopen(request, timeout=30).close()


@pytest.fixture(scope="package")
def jupyter_lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("jupyterlab")
    shutil.copytree(ROOT / "notebooks", workdir / "root" / "notebooks")
    server = JupyterLabServer(workdir).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
    yield launched
    with _bounded(TEARDOWN_TIMEOUT_S):
        launched.close()
        playwright.stop()


@pytest.fixture(scope="package")
def chapters(jupyter_lab, browser):
    """Every chapter the session opened; a notebook is opened and run once and its page shared, unless a
    test asks for a fresh one (one it may break)."""
    shared: dict[str, Chapter] = {}
    everyone: list[Chapter] = []

    def get(path: str, fresh: bool, seen: list) -> Chapter:
        if not fresh and path in shared:
            seen.append(shared[path])
            return shared[path]
        if fresh:  # a copy beside it: JupyterLab gives one path one kernel, whichever page opens it
            source = jupyter_lab.root / path
            copy = source.with_name(f"{source.stem}-fresh{len(everyone)}{source.suffix}")
            shutil.copyfile(source, copy)
            path = copy.relative_to(jupyter_lab.root).as_posix()
        chapter = Chapter(jupyter_lab, browser.new_context(viewport={"width": 1400, "height": 1000}), path)
        everyone.append(chapter)
        seen.append(chapter)
        chapter.open().run_all()
        if not fresh:
            shared[path] = chapter
        return chapter

    yield get
    with _bounded(TEARDOWN_TIMEOUT_S):
        for chapter in everyone:
            chapter.close()


@pytest.fixture
def open_chapter(chapters, request):
    """``open_chapter(path, fresh=False)``: the notebook at ``path`` under the server's root, opened and run
    to the end. The test's chapters are kept on its item for the failure hook below."""
    request.node.chapters = []
    return lambda path, fresh=False: chapters(path, fresh, request.node.chapters)


@pytest.fixture
def open_page(jupyter_lab, browser, request):
    """``open_page(path, init_script=None)``: the notebook at ``path`` under the server's root, opened and not
    run in a page of its own, with ``init_script`` run first in the page (a test that changes the page)."""
    request.node.chapters = []

    def get(path: str, init_script: str | None = None) -> Chapter:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        if init_script:
            context.add_init_script(init_script)
        chapter = Chapter(jupyter_lab, context, path)
        request.node.chapters.append(chapter)
        return chapter.open()

    yield get
    for chapter in request.node.chapters:
        chapter.close()


@pytest.fixture
def open_unrun(jupyter_lab, browser, request):
    """``open_unrun(path)``: the notebook at ``path`` (relative to the repository) as shipped, opened and NOT
    run, as a learner first meets it. A pristine copy of its own (the other pages may have autosaved their
    run over the server's copy), trusted, so that every saved output is drawn as it can be at worst."""
    request.node.chapters = []
    opened = []

    def get(path: str) -> Chapter:
        copy = jupyter_lab.root / "unrun" / path
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, copy)
        relative = copy.relative_to(jupyter_lab.root).as_posix()
        jupyter_lab.trust(relative)
        chapter = Chapter(jupyter_lab, browser.new_context(viewport={"width": 1400, "height": 1000}), relative)
        opened.append(chapter)
        request.node.chapters.append(chapter)
        return chapter.open()

    yield get
    for chapter in opened:
        chapter.close()


def pytest_collection_modifyitems(items):
    """Every test in this folder drives the browser: ``-m "not browser"`` leaves them all out."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, keep what the browser showed: a screenshot and the page's HTML."""
    report = yield
    if report.failed and report.when != "teardown":
        for index, chapter in enumerate(getattr(item, "chapters", [])):
            stem = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", item.nodeid) + f"-{report.when}-{index}")
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                chapter.page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(chapter.page.content())
            except Exception as error:  # the page may be what broke; the report says why already
                report.sections.append(("artefacts", f"no screenshot: {error}"))
    return report
