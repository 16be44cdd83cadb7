"""The deploy files (deploy/) agree with the program they start: every `chorus` command they
run parses against the real command tree, every CHORUS_* variable they set is a declared
setting or secret, the health checks probe ports and paths the program serves, and no
secret is written into them. (No container runtime or systemd here: what can be checked
is that the files and the program have not drifted apart.)"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from starlette.testclient import TestClient

from monitor.cli import cli
from monitor.console.app import create_app
from monitor.settings import SECRETS, SETTINGS, load_config
from storage.database import Database
from tests.secrets_support import empty_secrets_file

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
# Variables read before the settings table exists: where the config and secrets are.
BOOTSTRAP = {"CHORUS_CONFIG", "CHORUS_SECRETS_FILE"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    return loaded


def _unit(name: str) -> configparser.SectionProxy:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return unit["Service"]


def _chorus_invocations() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for name, service in _compose()["services"].items():
        if "command" in service and service.get("image") != "postgres:16":
            found.append((f"compose {name}", list(service["command"])))
    for unit in ("chorus-daemon.service", "chorus-console.service"):
        service = _unit(unit)
        for key in ("ExecStartPre", "ExecStart"):
            if key in service:
                argv = shlex.split(service[key])
                assert argv[0].endswith("/chorus"), service[key]
                found.append((f"{unit} {key}", argv[1:]))
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    cmd = re.search(r'^CMD (\[.*\])$', dockerfile, re.MULTILINE)
    assert cmd is not None and re.search(r'^ENTRYPOINT \["chorus"\]$', dockerfile, re.MULTILINE)
    found.append(("Dockerfile CMD", yaml.safe_load(cmd.group(1))))
    return found


@pytest.mark.parametrize(("where", "argv"), _chorus_invocations(), ids=lambda v: str(v))
def test_every_command_the_deploy_files_run_parses(where: str, argv: list[str]) -> None:
    command: click.Command = cli
    ctx = cli.make_context("chorus", [], resilient_parsing=True)
    words = list(argv)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words[0])
        assert sub is not None, f"{where}: no command {words[0]!r} in {argv}"
        command, words = sub, words[1:]
        ctx = click.Context(command, info_name=command.name, parent=ctx)
    # Parse the remaining options for real: an unknown or renamed option fails here.
    command.make_context(command.name or "", words, parent=ctx.parent)


def _deploy_variables() -> dict[str, str]:
    values: dict[str, str] = {}
    for service in _compose()["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if key.startswith("CHORUS_"):
                values[key] = str(value)
    for line in (DEPLOY / "chorus.env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith("CHORUS_"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_every_variable_the_deploy_files_set_is_a_declared_setting() -> None:
    declared = {s.env for s in SETTINGS} | {s.env for s in SECRETS} | BOOTSTRAP
    unknown = set(_deploy_variables()) - declared
    assert not unknown, f"deploy files set variables Chorus never reads: {sorted(unknown)}"


def test_the_example_environment_loads() -> None:
    env = {k: v for k, v in _deploy_variables().items() if k not in BOOTSTRAP}
    config = load_config(env)  # each value coerces to its setting's type
    assert str(config.timezone) == "Asia/Baghdad"


def test_health_checks_probe_what_the_program_serves(db: Database, tmp_path: Path) -> None:
    services = _compose()["services"]
    metrics_port = services["daemon"]["environment"]["CHORUS_METRICS_PORT"]
    assert f"127.0.0.1:{metrics_port}/metrics" in " ".join(services["daemon"]["healthcheck"]["test"])
    console = services["console"]["command"]
    port = console[console.index("--port") + 1]
    probe = " ".join(services["console"]["healthcheck"]["test"])
    path = re.search(rf"127\.0\.0\.1:{port}(/[a-z]+)", probe)
    assert path is not None, probe
    app = create_app(load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}), db)
    with TestClient(app) as client:  # what the probe gets from a console on a live database
        assert client.get(path.group(1)).status_code == 200


def test_no_secret_is_written_into_the_deploy_files() -> None:
    for path in DEPLOY.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"PASSWORD: *\w", text), path
        for secret in SECRETS:
            for line in text.splitlines():
                if line.startswith(f"{secret.env}="):
                    pytest.fail(f"{path.name} sets the secret {secret.env}")
    compose = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    assert "${POSTGRES_PASSWORD:?" in compose  # required from the environment, never defaulted
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert "**/secrets.toml" in ignored
