#!/usr/bin/env python3
"""Set up and run the Conditional Writes Lab on a machine with Python 3.11+.

    python3 run.py lab          # open the workbook in JupyterLab
    python3 run.py test         # run every test: labkit, the notebooks, the AWS CLI, a real browser, Binder
    python3 run.py test quick   # the same without the browser and Binder tests (no Chromium needed)

Both create ``.venv`` and install ``requirements.txt`` into it the first time (and again when the file
changes). ``test`` also installs Debian's ``chromium`` for the browser tests when it is missing and the
machine can (root with apt-get); elsewhere point ``LABKIT_CHROMIUM`` at a Chromium or Chrome binary.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
QUICK = "not browser and not binder"  # pytest markers: what `test quick` leaves out


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("the Conditional Writes Lab needs Python 3.11 or newer")
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".requirements.sha256"
    wanted = hashlib.sha256((ROOT / "requirements.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements.txt"], check=True, cwd=ROOT)
        stamp.write_text(wanted)


def ensure_chromium() -> None:
    if os.environ.get("LABKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)


def hub(argv: list[str]) -> int:
    """A study group's JupyterHub (README): JupyterHub from PyPI, its proxy from npm, installed the first time."""
    ensure_venv()
    if subprocess.call([PYTHON, "-c", "import jupyterhub"], stderr=subprocess.DEVNULL):
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements-hub.txt"], check=True)
    return subprocess.call([PYTHON, "-m", "labkit.group.hub", *argv], cwd=ROOT)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command == "hub":
        return hub(rest)
    if command not in ("lab", "test"):
        print(__doc__)
        return 2
    ensure_venv()
    if command == "lab":
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers, Binder-like VMs
        return subprocess.call([BIN / "jupyter", "lab", "notebooks/00_start_here.ipynb", *as_root, *rest], cwd=ROOT)
    if rest[:1] == ["quick"]:
        rest = ["-m", QUICK, *rest[1:]]
    else:
        ensure_chromium()
    return subprocess.call([PYTHON, "-m", "pytest", "tests", "notebooks", "--nbval",
                            "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "--durations=15", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
