"""The deployment artefacts, checked without Docker or systemd (neither runs here): every
command they run exists in the portal's CLI with those options, every variable they set is one
the portal reads, the image runs as a non-root user, and every service can be health-checked."""

from __future__ import annotations

import configparser
import re
import shlex
from dataclasses import fields
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from notifications.config import WorkerConfig
from portal import gunicorn_config
from portal.config import PROJECT_ROOT, SECRET_NAMES, Settings

DEPLOY = PROJECT_ROOT / "deploy"
APP_SERVICES = ("migrate", "web", "worker", "scheduler", "cli")
READ_BY_THE_PORTAL = (
    {f.name for f in fields(Settings)}
    | {f.name for f in fields(WorkerConfig)}
    | set(gunicorn_config.ENVIRONMENT)
)
# Not the portal's settings but the tools' own: Python's, and the Flask CLI's app lookup.
STANDARD = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "FLASK_APP"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def check_command(app, argv: list[str]) -> None:
    """Parse ``argv`` as the process would: the Flask CLI with its options, gunicorn with the
    portal's config and entry point, or the liveness check."""
    if argv[0] == "flask":
        assert argv[1:3] == ["--app", "portal"], argv
        command: click.Command = app.cli
        ctx = click.Context(command)
        words = argv[3:]
        while isinstance(command, click.Group) and words and not words[0].startswith("-"):
            found = command.get_command(ctx, words[0])
            assert found is not None, f"no such command: {' '.join(argv)}"
            command, words = found, words[1:]
            ctx = click.Context(command, parent=ctx)
        if words == ["--help"]:
            return
        command.make_context(command.name or "", list(words))  # unknown options raise
    elif argv[0].endswith("gunicorn"):
        assert argv[1:] == ["--config", "python:portal.gunicorn_config", "portal.wsgi:app"]
    elif argv[:3] == ["python", "-m", "portal.liveness"]:
        from portal.liveness import main

        with pytest.raises(SystemExit) as parsed:
            main([*argv[3:], "--help"])
        assert parsed.value.code == 0
    else:
        raise AssertionError(f"unknown command {argv}")


def test_every_compose_service_runs_a_command_the_portal_has(app, compose):
    services = compose["services"]
    assert set(APP_SERVICES) | {"postgres", "redis"} <= set(services)
    for name in APP_SERVICES:
        check_command(app, services[name]["command"])
    worker = services["worker"]["command"]
    assert worker[3:5] == ["notifications", "work"]
    assert services["scheduler"]["command"][3:5] == ["updates", "publish-due"]


def test_compose_sets_only_variables_the_portal_reads_and_every_production_secret(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        unknown = set(env) - READ_BY_THE_PORTAL - STANDARD
        assert not unknown, (name, unknown)
        required = {*SECRET_NAMES, "DATABASE_URL", "PUBLIC_BASE_URL", "RATELIMIT_STORAGE_URI"}
        assert required <= set(env), (name, required - set(env))
        assert env["WAYPOINT_ENV"] == "production"
        assert env["RATELIMIT_STORAGE_URI"].startswith("redis://")
        for value in env.values():  # secrets come from the environment, never the file
            if isinstance(value, str) and "${" not in value:
                assert not re.search(r"(?i)password|token|secret", value), value
    example = [
        line.split("=", 1)[0]
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    text = (DEPLOY / "compose.yaml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z_]+)", text))
    assert interpolated == set(example), "env.example and compose.yaml name different variables"


def test_every_long_running_service_has_a_healthcheck_that_matches_its_command(app, compose):
    services = compose["services"]
    for name in ("postgres", "redis", "web", "worker", "scheduler"):
        check = services[name]["healthcheck"]["test"]
        assert check[0] == "CMD", name
        if name in ("worker", "scheduler"):
            check_command(app, check[1:])
            command = services[name]["command"]
            liveness = command[command.index("--liveness-file") + 1]
            assert check[4] == liveness, name  # the file the process touches
        if name == "web":
            assert "/healthz" in " ".join(check)
            assert "/healthz" in {rule.rule for rule in app.url_map.iter_rules()}
    for name in ("web", "worker", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"


def test_the_image_builds_assets_in_a_stage_and_runs_gunicorn_as_a_non_root_user(app):
    lines = [
        line.strip()
        for line in (DEPLOY / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert any(" AS assets" in stage for stage in stages)
    assert stages[-1].startswith("FROM python:3.11-slim")
    final = lines[lines.index(stages[-1]) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert not any("node" in line for line in final if line.startswith("FROM "))
    cmd = next(line for line in reversed(final) if line.startswith("CMD "))
    check_command(app, yaml.safe_load(cmd.removeprefix("CMD ")))
    ignored = (PROJECT_ROOT / ".dockerignore").read_text()
    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            *sources, _target = line.split()[1:]
            for source in sources:
                assert (PROJECT_ROOT / source).exists(), source
                assert f"!{source.rstrip('/')}" in ignored.replace("/\n", "\n"), source


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def test_systemd_units_run_the_portals_commands_as_the_waypoint_user(app):
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {
        "waypoint-web.service",
        "waypoint-worker@.service",
        "waypoint-scheduler.service",
        "waypoint-retention.service",
    }
    for path in units:
        service = _unit(path)["Service"]
        assert service["User"] == "waypoint", path.name
        assert service["NoNewPrivileges"] == "yes"
        assert service["EnvironmentFile"] == "/etc/waypoint/waypoint.env"
        for key in ("ExecStart", "ExecStartPost"):
            if key in service:
                argv = shlex.split(service[key].replace("%i", "1"))
                assert argv[0].startswith("/opt/waypoint/.venv/bin/")
                check_command(app, [Path(argv[0]).name, *argv[1:]])
    timer = _unit(DEPLOY / "systemd" / "waypoint-retention.timer")
    assert "OnCalendar" in timer["Timer"]


def test_a_command_the_cli_does_not_have_is_caught(app):
    with pytest.raises(AssertionError, match="no such command"):
        check_command(app, ["flask", "--app", "portal", "notifications", "drain"])
    with pytest.raises(click.NoSuchOption):
        check_command(app, ["flask", "--app", "portal", "notifications", "work", "--workers", "2"])
