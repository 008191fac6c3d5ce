"""Liveness files for the long-running processes (notification worker, update scheduler).

A process that loops touches its file each time round (at most every few seconds); a
healthcheck asks whether the file is fresh. A process that hangs (a stuck database call, a
deadlocked thread) stops touching it, which a mere "is the pid there?" check cannot see.

``python -m portal.liveness FILE --max-age SECONDS`` exits 0 when FILE was touched within
SECONDS, 1 otherwise (with one line saying why). It imports nothing of the portal, so a
healthcheck every few seconds costs almost nothing: the compose file and systemd units use it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# Touch at most this often: the loops it sits in may turn every few milliseconds.
TOUCH_EVERY = 5.0  # seconds


class Heartbeat:
    """Touches ``path`` when called, no more than every ``TOUCH_EVERY`` seconds."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path else None
        self._last = float("-inf")
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self) -> None:
        if self.path is None:
            return
        now = time.monotonic()
        if now - self._last < TOUCH_EVERY:
            return
        self._last = now
        self.path.touch()

    def stopped(self) -> None:
        """A clean stop removes the file, so a stopped process never looks alive."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def check(path: Path, max_age: float, now: float | None = None) -> str | None:
    """Why ``path`` does not show a live process, or None when it does."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return f"{path} does not exist: the process has not started or has stopped"
    if age > max_age:
        return f"{path} last touched {age:.0f} s ago (more than {max_age:.0f} s): not alive"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal.liveness", description="Is a worker or scheduler alive?"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--max-age", type=float, default=60.0, help="seconds since the last touch (default 60)"
    )
    args = parser.parse_args(argv)
    problem = check(args.file, args.max_age)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print("alive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
