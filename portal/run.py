"""``make run``: the web app and its background processes as one command; Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("WAYPOINT_HOST", "127.0.0.1")
PORT = os.environ.get("WAYPOINT_PORT", "5000")

PROCESSES: dict[str, list[str]] = {
    "web": [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "portal",
        "run",
        "--host",
        HOST,
        "--port",
        PORT,
    ],
    # The notification worker: drains the outbox (console provider by default).
    "worker": [sys.executable, "-m", "flask", "--app", "portal", "notifications", "work"],
    # Publishes scheduled case updates when their time comes (checks every minute).
    "scheduler": [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "portal",
        "updates",
        "publish-due",
        "--every",
        "60",
    ],
}


def main() -> int:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children = {name: subprocess.Popen(cmd, env=env) for name, cmd in PROCESSES.items()}  # noqa: S603
    print(f"Waypoint is running at http://{HOST}:{PORT}/ (Ctrl-C stops it)", flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(
                        f"{name} stopped (exit {child.returncode}); stopping the rest", flush=True
                    )
                    stopping = True
            time.sleep(0.3)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
