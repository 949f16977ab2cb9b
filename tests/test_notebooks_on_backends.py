"""Every chapter runs unchanged on the other backends: served on loopback, and through an endpoint URL.

(nbval compares the saved outputs on the default, embedded backend; here only errors matter, since the
backend's banner differs.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def standalone_server():
    """``python -m labkit serve`` in its own process, as DynamoDB Local would be."""
    process = subprocess.Popen([sys.executable, "-m", "labkit", "serve", "--port", "0"], stdout=subprocess.PIPE,
                               text=True)
    url = process.stdout.readline().split()[-1]
    yield url
    process.terminate()
    process.wait(10)


def errors_when_run(path: Path, env: dict) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return [f"cell {i}: {o.ename}: {o.evalue}" for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            for o in cell.get("outputs", []) if o.output_type == "error"
            and "raises-exception" not in cell.metadata.get("tags", [])]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
@pytest.mark.parametrize("backend", ["server", "endpoint"])
def test_chapter_runs_on_backend(path, backend, standalone_server):
    env = {"LABKIT_BACKEND": backend, "LABKIT_PORT": "0", "LABKIT_ENDPOINT_URL": standalone_server}
    assert errors_when_run(path, env) == []
