"""Binder, rebuilt here the way repo2docker builds it, without Docker.

repo2docker copies the repository, installs ``binder/requirements.txt`` from its root into a base
environment that already has JupyterLab, runs ``binder/postBuild`` there, and starts every session through
``binder/start``. The tests do the same in a fresh venv and run every notebook in it; a last test asks
repo2docker itself (when pip can install it) which Dockerfile it would build from ``binder/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.binder
slow = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Binder's base environment for Python 3.11 (repo2docker 2026.4.0's conda lock): what the requirements
# go on top of. The repo2docker test below checks these against that lock.
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"
BASE = {"jupyterlab": "4.4.9", "ipykernel": "7.0.1", "ipywidgets": "8.1.7", "nbconvert": "7.16.6"}
INSTALL_TIMEOUT_S = 900


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _venv(path: Path) -> Path:
    """A fresh venv on Python 3.11, as binder/runtime.txt asks; its bin directory."""
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    python = sys.executable if sys.version_info[:2] == (3, 11) else shutil.which("python3.11")
    if not python:
        pytest.skip("Binder's Python 3.11 is not on this machine")
    _run([python, "-m", "venv", str(path)])
    return path / "bin"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The repository as repo2docker copies it into the image: the working tree, no Git, no local venvs."""
    copy = tmp_path_factory.mktemp("binder") / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "test-artifacts", "__pycache__", "*.egg-info", "build", ".pytest_cache"))
    return copy


@pytest.fixture(scope="module")
def binder_env(repo, tmp_path_factory) -> dict:
    """Binder's build steps in a fresh venv; the environment a session's processes would see."""
    workdir = tmp_path_factory.mktemp("binder-env")
    bin_dir = _venv(workdir / "venv")
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run(pip + [f"{name}=={version}" for name, version in BASE.items()], timeout=INSTALL_TIMEOUT_S)
    _run(pip + ["-r", "binder/requirements.txt"], cwd=repo, timeout=INSTALL_TIMEOUT_S)
    # Nothing from this test run leaks in: no PYTHONPATH, no AWS settings, no personal Jupyter config.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "JUPYTER_", "LABKIT_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(workdir / "venv"),
               JUPYTER_CONFIG_DIR=str(workdir / "config"), JUPYTER_DATA_DIR=str(workdir / "data"),
               HOME=str(workdir))
    _run(["./binder/postBuild"], cwd=repo, env=env, timeout=INSTALL_TIMEOUT_S)
    return env


@slow
def test_the_session_environment(repo, binder_env):
    """labkit is the repository's own, installed by ``-e .``; start sets fake credentials and a region."""
    probe = "import json, os, labkit; print(json.dumps([labkit.__file__, os.environ.get('AWS_ACCESS_KEY_ID'), " \
            "os.environ.get('AWS_DEFAULT_REGION'), repr(labkit.connect())]))"
    started = json.loads(_run(["./binder/start", "python", "-c", probe], cwd=repo, env=binder_env).stdout)
    assert Path(started[0]).resolve().is_relative_to(repo.resolve())
    assert started[1:3] == ["testing", "us-east-1"]
    assert started[3].startswith("labkit backend: embedded")
    bare = _run(["python", "-c", "import os; print(os.environ.get('AWS_ACCESS_KEY_ID'))"], cwd=repo, env=binder_env)
    assert bare.stdout.strip() == "None"  # so the credentials above came from binder/start


@slow
def test_postbuild_trusts_the_notebooks_and_quiets_jupyterlab(repo, binder_env):
    check = ("import glob, nbformat; from nbformat.sign import NotebookNotary; n = NotebookNotary(); "
             "print(all(n.check_signature(nbformat.read(p, 4)) for p in glob.glob('notebooks/*.ipynb')))")
    assert _run(["python", "-c", check], cwd=repo, env=binder_env).stdout.strip() == "True"
    prefix = Path(binder_env["VIRTUAL_ENV"])
    overrides = json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert overrides["@jupyterlab/notebook-extension:tracker"]["kernelShutdown"] is True  # a closed tab's kernel ends


CULLING = json.loads((ROOT / "binder" / "jupyter_server_config.json").read_text())["MappingKernelManager"]
# What the server started by Binder's start script makes of its configuration: the kernel manager's settings.
SERVER_SEES = """import json
from jupyter_server.serverapp import ServerApp
app = ServerApp.instance()
app.initialize(argv=["--ServerApp.open_browser=False"], new_httpserver=False)
print(json.dumps({name: getattr(app.kernel_manager, name) for name in %r}))""" % sorted(CULLING)


def test_binder_culls_idle_kernels_even_with_their_notebook_open():
    """Kernels left behind by the chapters a learner moved on from are shut down after 10 idle minutes;
    every name is a real setting of the kernel manager (a misspelt one would be ignored without a word)."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    traits = MappingKernelManager.class_traits(config=True)
    assert set(CULLING) <= set(traits), set(CULLING) - set(traits)
    for name, value in CULLING.items():
        assert traits[name].validate(None, value) == value
    assert 0 < CULLING["cull_idle_timeout"] <= 900 and CULLING["cull_interval"] <= CULLING["cull_idle_timeout"]
    assert CULLING["cull_connected"] is True  # a learner keeps the tabs of finished chapters open
    assert CULLING["cull_busy"] is False  # never a kernel still running a learner's cell


@slow
def test_the_binder_server_reads_the_culling_settings(repo, binder_env):
    seen = json.loads(_run(["./binder/start", "python", "-c", SERVER_SEES], cwd=repo, env=binder_env).stdout
                      .strip().splitlines()[-1])
    assert seen == CULLING


@slow
def test_every_notebook_runs_in_the_binder_environment(repo, binder_env, tmp_path):
    notebooks = sorted(p.relative_to(repo).as_posix() for p in (repo / "notebooks").glob("*.ipynb"))
    assert notebooks
    _run(["./binder/start", "jupyter", "nbconvert", "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=600", "--output-dir", str(tmp_path), *notebooks],
         cwd=repo, env=binder_env, timeout=1800)
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [Path(n).name for n in notebooks]


@slow
def test_repo2docker_reads_binder_as_intended(repo, tmp_path):
    """``repo2docker --no-build --debug`` prints the Dockerfile it would build, no Docker engine needed."""
    bin_dir = _venv(tmp_path / "venv")
    installed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", REPO2DOCKER],
                               capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
    if installed.returncode != 0:
        pytest.skip(f"{REPO2DOCKER} is not installable here: {installed.stderr[-500:]}")
    built = _run([str(bin_dir / "repo2docker"), "--no-build", "--debug", "."], cwd=repo, timeout=300)
    assert "Building conda environment for python=3.11" in built.stderr
    dockerfile = built.stdout
    for step in ('pip install --no-cache-dir -r "binder/requirements.txt"',
                 "RUN ./binder/postBuild", 'ENV R2D_ENTRYPOINT="${REPO_DIR}/binder/start"'):
        assert step in dockerfile, step
    assert dockerfile.index("binder/requirements.txt\"") < dockerfile.index("RUN ./binder/postBuild")
    # The base environment stood in for above is Binder's own.
    lock = next((tmp_path / "venv").glob("lib/python*/site-packages/repo2docker/buildpacks/conda/"
                                         "environment.py-3.11-linux-64.lock")).read_text()
    for name, version in BASE.items():
        package = "nbconvert-core" if name == "nbconvert" else name
        assert f"/{package}-{version}-" in lock, f"Binder's base has another {name} than {version}"
