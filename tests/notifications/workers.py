"""Real worker processes for the fault-injection and concurrency tests: ``flask notifications
work`` in a subprocess, against the committed database of a ``make_app`` app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
    return subprocess.Popen(
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
        stderr=subprocess.PIPE,
    )


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 20.0) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("the worker did not stop on SIGTERM") from None


def kill_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()


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
