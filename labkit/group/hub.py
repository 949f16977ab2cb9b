"""A study group's JupyterHub on one machine: its configuration, and the launcher behind ``run.py hub``.

``configure(c)`` (called by ``jupyterhub_config.py`` beside this file) reads ``LABKIT_HUB_*`` variables
that ``launch`` sets:

- members log in with a shared password (``SharedPasswordAuthenticator``, JupyterHub 5.1+); named
  members (``--members``) are the only names allowed; facilitators are the hub's admins;
- the lab's server is a hub-managed service (``python -m labkit serve --group``) on loopback, with the
  hub's secret in its environment and nowhere else;
- each member's server gets ``LABKIT_BACKEND=server``, the lab's port, and the member's own access key
  and secret (derived from the hub secret; a facilitator's key has the facilitator's role); JupyterHub
  passes a spawned server only the variables it is given, so the hub secret never reaches a member;
- as root, every member runs as a system user of their own (``LocalProcessSpawner``; the user is created
  at first start), so a member cannot read another's files or process environment. Otherwise every
  server runs as the hub's own user (``SimpleLocalProcessSpawner``): keys still say who is who to the
  lab, but a member could read another's key, so identities hold only among members who play fair.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from .credentials import HUB_SECRET_ENV, derive, new_hub_secret

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("jupyterhub_config.py")
NAME = re.compile(r"[a-z][a-z0-9_-]{0,30}")  # a name that is also a valid system user name
WORKBOOK = "workbook"  # each member's own copy of the notebooks, in their home
# A member's JupyterLab settings at first start, as Binder's postBuild sets them: no pop-up asking about
# Jupyter news or updates over the round (the member may turn them on again; an existing file is kept).
NO_NEWS = (Path(".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"),
           '{"fetchNews": "false", "checkForUpdates": false}\n')
NO_TLS = ("WARNING: the hub listens on {url} without HTTPS. Passwords and every notebook cross the network "
          "in clear text: give --ssl-cert and --ssl-key, or serve it only on a network you trust.")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"LABKIT_HUB_{name}", default)


def _names(value: str) -> set[str]:
    names = {n.strip().lower() for n in value.split(",") if n.strip()}
    bad = sorted(n for n in names if not NAME.fullmatch(n))
    if bad:
        raise ValueError(f"not a name a member can have (a-z first, then a-z, 0-9, _ or -): {', '.join(bad)}")
    return names


def separate_users() -> bool:
    """Whether members run as system users of their own: the hub must be root, and say so."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and _env("SEPARATE_USERS", "1") == "1"


def member_environment(spawner, where: dict | None = None) -> dict[str, str]:
    """A member's server's environment: where the lab is (default: this machine's loopback port), and
    their own key and secret."""
    secret = os.environ[HUB_SECRET_ENV].encode()
    role = "facilitator" if spawner.user.admin else "member"
    where = where or {"LABKIT_BACKEND": "server", "LABKIT_PORT": _env("LAB_PORT", "8765"), "PYTHONPATH": str(ROOT)}
    return {**derive(secret, spawner.user.name, role).environment(), **where, "AWS_DEFAULT_REGION": "us-east-1",
            "LABKIT_ROLE": role}


def _environment(where: dict | None = None) -> dict:
    """Spawner.environment: every value a callable of the spawner (JupyterHub calls them at each start)."""
    probe = type("Spawner", (), {"user": type("User", (), {"name": "probe", "admin": False})()})()
    names = list(member_environment(probe, where)) if HUB_SECRET_ENV in os.environ else []
    return {name: (lambda spawner, name=name: member_environment(spawner, where)[name]) for name in names}


def configure_kubernetes(c, port: int = 8765) -> None:
    """Zero to JupyterHub (``deploy/z2jh-values.yaml``): the lab's server as a service in the hub's pod,
    reached by members' pods at ``http://hub:PORT`` (the hub's Kubernetes service), each member's pod
    with their own key. The hub's pod has LABKIT_HUB_SECRET from a Kubernetes secret."""
    c.JupyterHub.services.append({
        "name": "labkit", "command": [sys.executable, "-m", "labkit", "serve", "--group", "--host", "0.0.0.0",
                                      "--allow-remote", "--port", str(port)],
        "environment": {HUB_SECRET_ENV: os.environ[HUB_SECRET_ENV]}})
    c.KubeSpawner.environment = _environment({"LABKIT_BACKEND": "endpoint",
                                              "LABKIT_ENDPOINT_URL": f"http://hub:{port}"})


def _prepare_home(spawner) -> None:
    """Before a member's first start: their system user (when the hub is root), their own workbook and settings."""
    name = spawner.user.name
    if separate_users():
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        home = Path(pwd.getpwnam(name).pw_dir)
    else:
        home = Path(spawner.format_string(spawner.home_dir_template))
    book, settings = home / WORKBOOK, home / NO_NEWS[0]
    made = []
    if not book.exists():
        shutil.copytree(ROOT / "notebooks", book, ignore=shutil.ignore_patterns("*_progress.json", ".ipynb_checkpoints"))
        made.append(book)
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(NO_NEWS[1], encoding="utf-8")
        made.append(home / NO_NEWS[0].parts[0])
    if separate_users():
        entry = pwd.getpwnam(name)
        for path in [p for top in made for p in (top, *top.rglob("*"))]:
            os.chown(path, entry.pw_uid, entry.pw_gid)


def configure(c) -> None:
    """Fill a JupyterHub config object ``c`` from the ``LABKIT_HUB_*`` variables (see ``launch``)."""
    state = Path(_env("STATE", str(ROOT / ".hub")))
    state.mkdir(parents=True, exist_ok=True)
    c.JupyterHub.bind_url = f"{'https' if _env('SSL_CERT') else 'http'}://{_env('IP', '127.0.0.1')}:{_env('PORT', '8000')}"
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = int(_env("INTERNAL_PORT", "8081"))
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_env('PROXY_API_PORT', '8001')}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    if _env("PROXY"):
        c.ConfigurableHTTPProxy.command = [_env("PROXY")]
    if _env("SSL_CERT"):
        c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = _env("SSL_CERT"), _env("SSL_KEY")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")

    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = _env("PASSWORD")
    facilitators, members = _names(_env("FACILITATORS", "facilitator")), _names(_env("MEMBERS"))
    c.Authenticator.admin_users = facilitators
    if _env("FACILITATOR_PASSWORD"):
        c.SharedPasswordAuthenticator.admin_password = _env("FACILITATOR_PASSWORD")
    if members:
        c.Authenticator.allowed_users = members | facilitators
    else:
        c.Authenticator.allow_all = True
    c.Authenticator.username_pattern = NAME.pattern

    c.JupyterHub.spawner_class = "localprocess" if separate_users() else "simple"
    if not separate_users():
        c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
    c.Spawner.pre_spawn_hook = _prepare_home
    c.Spawner.environment = _environment()
    c.Spawner.notebook_dir = f"~/{WORKBOOK}"
    c.Spawner.default_url = "/lab/tree/10_study_group.ipynb"
    c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 120

    python = sys.executable
    c.JupyterHub.services = [{
        "name": "labkit", "command": [python, "-m", "labkit", "serve", "--group", "--port", _env("LAB_PORT", "8765")],
        "environment": {HUB_SECRET_ENV: os.environ[HUB_SECRET_ENV], "PYTHONPATH": str(ROOT)}}]
    if _env("API_TOKEN"):  # for a script (and the tests) driving the hub through its REST API
        c.JupyterHub.services.append({"name": "group-admin", "api_token": _env("API_TOKEN")})
        c.JupyterHub.load_roles = [{"name": "admin", "services": ["group-admin"]}]  # may make facilitators


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def launch(argv: list[str], python: str, proxy_dir: Path) -> int:
    """``run.py hub``: check the options, install the proxy when missing, and run JupyterHub."""
    import argparse

    parser = argparse.ArgumentParser(prog="python3 run.py hub", description="a study group's JupyterHub")
    parser.add_argument("--password", help="the shared password members log in with (at least 8 characters)")
    parser.add_argument("--facilitator-password", help="the facilitators' own password (at least 32 characters); "
                                                        "without it facilitators use the shared one")
    parser.add_argument("--members", default="", help="comma-separated names: only these may log in")
    parser.add_argument("--facilitators", default="facilitator", help="comma-separated names of facilitators")
    parser.add_argument("--ip", default="127.0.0.1", help="the address to listen on (loopback by default)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--allow-remote", action="store_true", help="listen on an address other machines reach")
    parser.add_argument("--ssl-cert")
    parser.add_argument("--ssl-key")
    parser.add_argument("--lab-port", type=int, default=8765, help="the lab server's loopback port")
    args = parser.parse_args(argv)
    password = args.password or os.environ.get("LABKIT_HUB_PASSWORD")
    if not password or len(password) < 8:
        parser.error("give the members' shared password: --password (8 characters or more)")
    if not _loopback(args.ip) and not args.allow_remote:
        parser.error(f"refusing to listen on {args.ip}: add --allow-remote (and --ssl-cert/--ssl-key for HTTPS)")
    if bool(args.ssl_cert) != bool(args.ssl_key):
        parser.error("--ssl-cert and --ssl-key go together")
    _names(args.members)
    _names(args.facilitators)
    facilitator_password = args.facilitator_password or secrets.token_urlsafe(24)  # JupyterHub: 32 or more
    if not args.facilitator_password:
        print(f"Facilitators ({args.facilitators}) log in with this password: {facilitator_password}", flush=True)
    if not _loopback(args.ip) and not args.ssl_cert:
        print("\n" + "!" * 100 + "\n" + NO_TLS.format(url=f"http://{args.ip}:{args.port}") + "\n" + "!" * 100 + "\n",
              file=sys.stderr, flush=True)
    env = {**os.environ, **hub_environment(password=password, facilitator_password=facilitator_password,
                                           members=args.members, facilitators=args.facilitators, ip=args.ip,
                                           port=args.port, lab_port=args.lab_port, ssl_cert=args.ssl_cert or "",
                                           ssl_key=args.ssl_key or "", proxy=str(ensure_proxy(proxy_dir)))}
    if not separate_users():
        print("Not root: every member's server runs as this user (see README, 'A study group's hub').", flush=True)
    return subprocess.call([python, "-m", "jupyterhub", "-f", str(CONFIG)], env=env, cwd=ROOT)


def hub_environment(*, password: str, members: str = "", facilitators: str = "facilitator", ip: str = "127.0.0.1",
                    port: int = 8000, lab_port: int = 8765, facilitator_password: str = "", ssl_cert: str = "",
                    ssl_key: str = "", proxy: str = "", **more) -> dict[str, str]:
    """The variables ``configure`` reads, and a fresh hub secret (new at every start: keys change with it)."""
    values = {"PASSWORD": password, "MEMBERS": members, "FACILITATORS": facilitators, "IP": ip, "PORT": str(port),
              "LAB_PORT": str(lab_port), "FACILITATOR_PASSWORD": facilitator_password, "SSL_CERT": ssl_cert,
              "SSL_KEY": ssl_key, "PROXY": proxy, **{k.upper(): str(v) for k, v in more.items()}}
    return {**{f"LABKIT_HUB_{k}": v for k, v in values.items() if v}, HUB_SECRET_ENV: new_hub_secret()}


PROXY_PACKAGE = "configurable-http-proxy@5"


def ensure_proxy(proxy_dir: Path) -> Path:
    """configurable-http-proxy, from npm into ``proxy_dir`` the first time (or found on PATH)."""
    local = proxy_dir / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local
    found = shutil.which("configurable-http-proxy")
    if found:
        return Path(found)
    if not shutil.which("npm"):
        sys.exit("the hub's proxy, configurable-http-proxy, comes from npm: install Node.js and npm first")
    proxy_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(proxy_dir), PROXY_PACKAGE],
                   check=True, stdout=subprocess.DEVNULL)
    return local


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:], sys.executable, ROOT / ".hub" / "node"))
