"""The hub's configuration, on one machine and for Zero to JupyterHub, read as JupyterHub reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from labkit.group import hub
from labkit.group.credentials import HUB_SECRET_ENV, identify

ROOT = Path(__file__).resolve().parents[1]
SECRET = "f" * 64


class FakeSpawner:
    def __init__(self, name: str, admin: bool = False):
        self.user = type("User", (), {"name": name, "admin": admin})()


def environment_of(config_environment: dict, spawner) -> dict:
    return {name: value(spawner) for name, value in config_environment.items()}


@pytest.fixture
def hub_env(monkeypatch, tmp_path):
    for name, value in hub.hub_environment(password="shared-pw", members="ada,bea", facilitators="fay",
                                           lab_port=9876, state=tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(HUB_SECRET_ENV, SECRET)


def test_the_local_hub_gives_each_member_their_own_key_and_never_the_hub_secret(hub_env):
    c = Config()
    hub.configure(c)
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.Authenticator.allowed_users == {"ada", "bea", "fay"} and c.Authenticator.admin_users == {"fay"}
    service, = c.JupyterHub.services
    assert service["command"][-4:] == ["serve", "--group", "--port", "9876"]
    assert service["environment"][HUB_SECRET_ENV] == SECRET  # the service, and only it, gets the secret
    ada = environment_of(c.Spawner.environment, FakeSpawner("ada"))
    fay = environment_of(c.Spawner.environment, FakeSpawner("fay", admin=True))
    assert (ada["LABKIT_BACKEND"], ada["LABKIT_PORT"], ada["LABKIT_GROUP"]) == ("server", "9876", "1")
    assert identify(SECRET.encode(), ada["AWS_ACCESS_KEY_ID"])[0].name == "ada"
    assert identify(SECRET.encode(), fay["AWS_ACCESS_KEY_ID"])[0].role == "facilitator"
    assert identify(SECRET.encode(), ada["AWS_ACCESS_KEY_ID"])[1] == ada["AWS_SECRET_ACCESS_KEY"]
    assert SECRET not in str(ada) and HUB_SECRET_ENV not in ada


def test_the_launcher_refuses_a_network_address_without_the_flag_and_warns_without_https(hub_env, monkeypatch,
                                                                                       capsys, tmp_path):
    with pytest.raises(SystemExit) as refused:
        hub.launch(["--password", "shared-pw", "--ip", "0.0.0.0"], "python", tmp_path)
    assert refused.value.code == 2 and "refusing to listen on 0.0.0.0" in capsys.readouterr().err
    started = []
    monkeypatch.setattr(hub, "ensure_proxy", lambda folder: Path("/usr/bin/true"))
    monkeypatch.setattr(hub.subprocess, "call", lambda command, **options: started.append(options["env"]) or 0)
    assert hub.launch(["--password", "shared-pw", "--ip", "0.0.0.0", "--allow-remote"], "python", tmp_path) == 0
    assert "without HTTPS" in capsys.readouterr().err
    assert started[0]["LABKIT_HUB_IP"] == "0.0.0.0" and len(started[0][HUB_SECRET_ENV]) == 64
    with pytest.raises(SystemExit):
        hub.launch(["--password", "short"], "python", tmp_path)  # JupyterHub's minimum is 8 characters


def test_the_z2jh_values_run_the_lab_as_a_hub_service_and_give_pods_their_keys(monkeypatch):
    values = yaml.safe_load((ROOT / "deploy" / "z2jh-values.yaml").read_text())
    assert values["hub"]["extraEnv"][HUB_SECRET_ENV]["valueFrom"]["secretKeyRef"]["name"] == "labkit-hub-secret"
    assert values["hub"]["service"]["extraPorts"][0]["port"] == 8765
    monkeypatch.setenv(HUB_SECRET_ENV, SECRET)
    c = Config()
    c.JupyterHub.services = []  # as the chart's own configuration leaves it
    exec(compile(values["hub"]["extraConfig"]["labkit"], "extraConfig", "exec"), {"c": c})
    service, = c.JupyterHub.services
    assert "--group" in service["command"] and service["command"][-1] == "8765"
    pod = environment_of(c.KubeSpawner.environment, FakeSpawner("ada"))
    assert (pod["LABKIT_BACKEND"], pod["LABKIT_ENDPOINT_URL"]) == ("endpoint", "http://hub:8765")
    assert identify(SECRET.encode(), pod["AWS_ACCESS_KEY_ID"])[0].name == "ada"
