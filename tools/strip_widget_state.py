"""Ship notebooks without widget state, so that opened before they run they show text, not an error.

A widget's saved output refers to a model that lives only while its kernel runs; opened before the cell
runs, JupyterLab shows "Error displaying widget: model not found" in its place. This removes the notebook's
saved widget state (``metadata.widgets``) and the widget-view data of every output, leaving the output's
text: the widget's own ``saved_text`` ("Run this cell to get the race lab.", see labkit/views/saved.py),
or, for a widget that does not set one, a line that says the same.

    PYTHONPATH=$PWD jupyter nbconvert --to notebook --execute --inplace notebooks/02_race_lab.ipynb
    PYTHONPATH=$PWD python tools/strip_widget_state.py notebooks/02_race_lab.ipynb

``--check`` changes nothing and exits 1 if a notebook still holds widget state (for CI).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from labkit.views.saved import SAVED_TEXT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
DEFAULT_REPR = re.compile(r"^\w+\(")  # ipywidgets' own text/plain: ClassName(children=(...


def strip(notebook) -> int:
    """Remove ``notebook``'s widget state in place; return how many things were removed."""
    removed = int(notebook.metadata.pop("widgets", None) is not None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                removed += 1
                text = "".join(data.get("text/plain", ""))
                if not text or DEFAULT_REPR.match(text):
                    data["text/plain"] = SAVED_TEXT
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any widget state is left")
    args = parser.parse_args(argv)
    dirty = []
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        if strip(notebook):
            dirty.append(path)
            if not args.check:
                nbformat.write(notebook, path)
    verb = "holds widget state" if args.check else "stripped"
    for path in dirty:
        print(f"{path}: {verb}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
