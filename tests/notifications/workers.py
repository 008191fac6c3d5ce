"""Real worker processes for the fault-injection and concurrency tests: ``flask notifications
work`` in a subprocess, against the committed database of a ``make_app`` app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from notifications.models import Notification, Status
from portal.config import PROJECT_ROOT, Settings
from portal.extensions import db

FINAL = (Status.SENT, Status.DELIVERED, Status.FAILED_PERMANENT, Status.CANCELLED)


def worker_env(app: Flask, **extra: Any) -> dict[str, str]:
    settings: Settings = app.config["WAYPOINT_SETTINGS"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "WAYPOINT_"))}
    for f in fields(Settings):
        if f.name == "extra":
            continue
        value = getattr(settings, f.name)
        env[f.name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    for key, value in settings.extra.items():
        env[key] = str(value)
    for key, value in extra.items():
        env[key] = str(value)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_worker(
    app: Flask, *, concurrency: int = 4, fault: str | None = None, **extra: Any
) -> subprocess.Popen[bytes]:
    env = worker_env(app, **extra)
    if fault:
        env["WAYPOINT_FAULT"] = fault
    # The worker's log goes to a file, never a pipe nobody reads: a pipe that fills (tracebacks
    # of retried database errors on a busy machine) would block the worker mid-write.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the worker stops)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "portal",
            "notifications",
            "work",
            "--concurrency",
            str(concurrency),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    _LOGS[process.pid] = log
    _STARTED.append(process)
    return process


_LOGS: dict[int, Any] = {}
_STARTED: list[subprocess.Popen[bytes]] = []


def kill_leftovers() -> int:
    """Kill every worker a test started and did not stop (it failed before ``stop_worker``):
    left running, it would keep polling a dropped database and load the machine for the rest
    of the run. Returns how many there were."""
    left = [p for p in _STARTED if p.poll() is None]
    for process in left:
        kill_worker(process)
    _STARTED.clear()
    return len(left)


def worker_log(process: subprocess.Popen[bytes]) -> str:
    """The end of what the worker wrote to stderr (for a failing test's message)."""
    log = _LOGS.pop(process.pid, None)
    if log is None:
        return ""
    with log:
        log.seek(0)
        return log.read().decode(errors="replace")[-3000:]


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 60.0) -> int:
    """SIGTERM, then wait as long as a deployment does (deploy/compose.yaml gives 60 s): on
    SQLite a last record may wait out the busy timeout behind another worker's write."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(
            "the worker did not stop on SIGTERM; its log ends:\n" + worker_log(process)
        ) from None
    worker_log(process)
    return code


def kill_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    worker_log(process)


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def status_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
        db.session.remove()
    return {status: count for status, count in rows}


def all_final(app: Flask, total: int) -> bool:
    counts = status_counts(app)
    return sum(counts.get(s, 0) for s in FINAL) == total
