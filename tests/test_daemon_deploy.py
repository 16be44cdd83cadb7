"""The deploy files (deploy/): the compose file parses and wires PostgreSQL 16, the daemon
and the console with volumes and health checks; the image is CPU-only and runs as a
non-root user; the systemd unit restarts, reads an environment file and is hardened.
(No container runtime here: these check the files, not a running stack.)"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_compose_file_wires_postgres_daemon_console() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert {"postgres", "daemon", "console", "migrate"} <= set(services)
    for name in ("postgres", "daemon", "console"):
        check = services[name]["healthcheck"]
        assert check["test"] and check["interval"], name
    assert "9108/metrics" in " ".join(services["daemon"]["healthcheck"]["test"])
    assert "8750/healthz" in " ".join(services["console"]["healthcheck"]["test"])
    assert services["daemon"]["command"] == ["daemon"]
    assert services["daemon"]["stop_signal"] == "SIGTERM"
    assert services["console"]["command"][0] == "console"
    for name in ("daemon", "console"):
        service = services[name]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "chorus-data:/var/lib/chorus" in service["volumes"]
        assert service["read_only"] is True and "ALL" in service["cap_drop"]
        assert "@postgres:5432/chorus" in service["environment"]["CHORUS_DATABASE_URL"]
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert set(compose["volumes"]) == {"pgdata", "chorus-data"}
    assert services["migrate"]["command"] == ["db", "migrate"]
    # No password is written into the file: it comes from the environment.
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    assert "${POSTGRES_PASSWORD:?" in text and not re.search(r"PASSWORD: \w", text)


def test_image_is_cpu_only_and_not_root() -> None:
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[0].startswith("FROM python:3.11")
    assert any("torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in line
               for line in instructions)
    user = [line for line in instructions if line.startswith("USER ")]
    assert user and user[-1].split()[1].split(":")[0] not in ("root", "0")
    assert instructions[-2:] == ['ENTRYPOINT ["chorus"]', 'CMD ["daemon"]']
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert "**/secrets.toml" in ignored and "!monitor/**" in ignored


def read_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return unit


def test_systemd_units_restart_read_env_and_are_hardened() -> None:
    for name, command in (("chorus-daemon.service", "chorus daemon"),
                          ("chorus-console.service", "chorus console")):
        service = read_unit(name)["Service"]
        assert command in service["ExecStart"]
        assert service["Restart"] == "always" and service["EnvironmentFile"]
        assert service["User"] == "chorus" and service["KillSignal"] == "SIGTERM"
        for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                           ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                           ("ReadWritePaths", "/var/lib/chorus"), ("CapabilityBoundingSet", "")):
            assert service[key] == value, (name, key)
    daemon = read_unit("chorus-daemon.service")
    assert daemon["Unit"]["StartLimitIntervalSec"] == "0"  # keeps retrying through outages
    assert "db migrate" in daemon["Service"]["ExecStartPre"]
