"""`python -m portal.liveness FILE`: the healthcheck the compose file and systemd units run."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from portal.config import PROJECT_ROOT
from portal.liveness import Heartbeat


def _check(path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal.liveness", str(path), *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_fresh_file_is_alive_a_stale_or_missing_one_is_not(tmp_path):
    path = tmp_path / "scheduler.alive"
    missing = _check(path)
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr

    Heartbeat(path)()
    assert _check(path, "--max-age", "30").returncode == 0

    old = time.time() - 200
    os.utime(path, (old, old))
    stale = _check(path, "--max-age", "180")
    assert stale.returncode == 1
    assert "not alive" in stale.stderr


def test_the_heartbeat_touches_at_most_every_few_seconds(tmp_path):
    path = tmp_path / "w.alive"
    beat = Heartbeat(path)
    beat()
    os.utime(path, (1, 1))
    beat()  # straight after: not touched again (a busy loop must not write a file per turn)
    assert path.stat().st_mtime == 1
    beat.stopped()
    assert not path.exists()


def test_the_scheduler_touches_its_liveness_file_after_a_pass(make_app, tmp_path, monkeypatch):
    path = tmp_path / "scheduler.alive"
    seen: list[bool] = []
    app = make_app()

    class Spy(Heartbeat):
        def __call__(self) -> None:
            super().__call__()
            seen.append(path.exists())

    monkeypatch.setattr("portal.liveness.Heartbeat", Spy)
    result = app.test_cli_runner().invoke(
        args=["updates", "publish-due", "--liveness-file", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert not path.exists()  # a run that ended is not a live scheduler
