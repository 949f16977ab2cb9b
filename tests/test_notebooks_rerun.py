"""Run every chapter twice in one kernel, as "Run All" clicked again would: no error, the same results.

The second run starts from what the first left behind (tables, items, the lab's clock), so a chapter that
forgot to reset its scene would show different rows here. Outputs are compared after the same sanitizing
nbval uses; cells tagged ``nbval-ignore-output`` (widgets, real-thread timings) are left out."""

from __future__ import annotations

import configparser
import copy
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def sanitizers() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def texts(cell, rules) -> list[str]:
    """A cell's outputs as sanitized text; consecutive prints to one stream count as one output, however the
    kernel happened to split them into messages (as nbval compares them)."""
    found, last_stream = [], None
    for output in cell.get("outputs", []):
        text = output.get("text") or output.get("data", {}).get("text/plain") or output.get("data", {}).get("text/html", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        stream = output.get("name") if output.get("output_type") == "stream" else None
        if stream and stream == last_stream:
            found[-1] += text
        else:
            found.append(text)
        last_stream = stream
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapter_runs_twice_in_one_kernel_with_the_same_results(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    runs = []
    with client.setup_kernel():
        for _ in range(2):
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            runs.append(copy.deepcopy(notebook.cells))
    rules = sanitizers()
    compared = 0
    for first, second in zip(*runs):
        if first.cell_type != "code" or "nbval-ignore-output" in first.metadata.get("tags", []):
            continue
        assert texts(first, rules) == texts(second, rules), f"{path.name}: {''.join(first.source)[:80]!r}"
        compared += 1
    assert compared >= 5
