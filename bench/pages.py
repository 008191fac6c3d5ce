"""``python -m bench pages``: page throughput under gunicorn, at a small and a large size.

For each size (a seeded database, ``bench.seed``), the portal runs under gunicorn with
portal/gunicorn_config.py in production settings, beside a bare Flask page (bench/bare.py) under
the same settings. ``wrk`` (Debian's) drives 32 connections on loopback at each benchmarked page,
then at a bare page of the same number of bytes, one after the other, so each ratio is measured
in the same run on the same shared machine. Query counts come from bench/plans.py (the same
pages in process, with their EXPLAIN plans written to bench/results/). The web workers' peak
RSS (VmHWM, polled, as workers are recycled) is reported per size.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import plans, report
from bench.report import PageRow
from bench.seed import database_url
from bench.targets import Page, make_app, pages, server_env

SMALL, LARGE = 1_000, 300_000
CONNECTIONS = 32
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# Rounds of every page and its bare page in turn; a row is the round with the median ratio. On
# a shared machine one 10 s run of a bare page was seen anywhere from 421 to 1,638 req/s.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PORTAL_PORT, BARE_PORT = 8461, 8462
LUA = Path(__file__).with_name("wrk_report.lua")
RESULTS = report.RESULTS


class Server:
    """One gunicorn master (and its workers) with the portal's gunicorn settings."""

    def __init__(self, app: str, port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        command = [sys.executable, "-m", "gunicorn", "--config", "python:portal.gunicorn_config"]
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [*command, app],
            env={**os.environ, **env, "WEB_BIND": f"127.0.0.1:{port}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.peak_kib = 0
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll_rss, daemon=True)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn on {self.port} exited; see {self.log.name}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2)
                self._poller.start()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn on {self.port} did not answer in {timeout:.0f} s")

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def _poll_rss(self) -> None:
        while not self._stop.wait(0.5):
            for pid in self.workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kib = max(self.peak_kib, int(line.split()[1]))

    def stop(self) -> None:
        self._stop.set()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, int]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, len(response.read())


def wrk(
    port: int, path: str, cookie: str, seconds: int, connections: int = CONNECTIONS
) -> dict[str, Any]:
    """One wrk run; then wait until the server has answered every request wrk abandoned at
    the end (sync workers finish them), so no run pays for the one before it."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(LUA), f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    drain(port)
    return report


def drain(port: int) -> None:
    """A request to a page that needs nothing queues behind whatever the server still has;
    when it is answered, the backlog has gone (twice, one per wrk thread's last requests)."""
    for _ in range(2):
        fetch(port, "/" if port == PORTAL_PORT else "/bare/100")


def migrate(victims: int) -> None:
    """Bring a database seeded by an earlier version up to the code's schema (its indexes
    included): a no-op when it is current."""
    from flask_migrate import upgrade

    with make_app(victims).app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))


def _per_second(result: dict[str, Any]) -> float:
    return float(result["requests"]) / (result["duration_us"] / 1e6)


def _row(
    page: Page,
    victims: int,
    size: int,
    queries: int,
    runs: list[tuple[dict[str, Any], dict[str, Any]]],
) -> PageRow:
    """One page's row from its rounds: the round with the median ratio to its bare page gives
    every figure (so a ratio, its p50 and its p95 come from one run, side by side), and the
    page's errors of every round are summed."""
    ordered = sorted(runs, key=lambda run: _per_second(run[0]) / max(_per_second(run[1]), 1e-9))
    result, bare_result = ordered[len(ordered) // 2]
    return PageRow(
        page=page.name,
        victims=victims,
        bytes=size,
        queries=queries,
        rps=_per_second(result),
        bare_rps=_per_second(bare_result),
        p50_ms=result["p50"] / 1000,
        p95_ms=result["p95"] / 1000,
        errors=sum(r["errors"] + r["status"] for r, _ in runs),
        reference=page.reference,
        bare_p95_ms=bare_result["p95"] / 1000,
    )


def measure(victims: int) -> list[PageRow]:
    """Every page at one size, each row with the peak RSS of a web worker over the size's run."""
    captured = {p.name: p for p in plans.capture_pages(victims)}
    plans.write(victims, list(captured.values()))
    env = server_env(victims)
    targets = pages(make_app(victims))
    logs = RESULTS / f"gunicorn-{victims}"
    logs.mkdir(parents=True, exist_ok=True)
    portal = Server("portal.wsgi:app", PORTAL_PORT, env, logs / "portal.log")
    bare = Server("bench.bare:app", BARE_PORT, env, logs / "bare.log")
    try:
        portal.wait_ready("/")
        bare.wait_ready("/bare/1000")
        sizes = {}
        for page in targets:
            status, sizes[page.name] = fetch(PORTAL_PORT, page.path, page.cookie)
            if status != 200:
                raise SystemExit(f"{page.name}: HTTP {status}, not signed in?")
        runs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {p.name: [] for p in targets}
        for _ in range(ROUNDS):  # page, its bare page, the next page...; then again
            for page in targets:
                bare_path = f"/bare/{sizes[page.name]}"
                wrk(PORTAL_PORT, page.path, page.cookie, 1, connections=4)  # warm the workers
                result = wrk(PORTAL_PORT, page.path, page.cookie, SECONDS)
                wrk(BARE_PORT, bare_path, "", 1, connections=4)
                runs[page.name].append((result, wrk(BARE_PORT, bare_path, "", SECONDS)))
        rows = [
            _row(page, victims, sizes[page.name], captured[page.name].queries, runs[page.name])
            for page in targets
        ]
    finally:
        portal.stop()
        bare.stop()
    for row in rows:
        row.worker_peak_rss_mb = round(portal.peak_kib / 1024, 1)
    return rows


def seeded(victims: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(database_url(victims), connect_timeout=3) as conn:
            return conn.execute("SELECT count(*) FROM cases").fetchone() is not None
    except psycopg.Error:
        return False


def note() -> str:
    """How the pages were driven, for under the table."""
    return (
        f"pages: wrk, {CONNECTIONS} connections, {SECONDS} s per page and per bare page, in turn,"
        f" {ROUNDS} rounds; each row is the round with the median ratio"
    )


def unavailable() -> str | None:
    """Why the page benchmark cannot run here, if it cannot."""
    if shutil.which("wrk") is None:
        return "pages not run: wrk is not installed (apt-get install -y wrk)"
    return None


def run() -> list[PageRow]:
    """Every page at the small and the large size (``BENCH_VICTIMS``), seeding a size whose
    database is missing."""
    sizes = (SMALL, int(os.environ.get("BENCH_VICTIMS", LARGE)))
    for victims in sizes:
        if not seeded(victims):
            from bench import seed

            seed.main(["--victims", str(victims)])
        else:
            migrate(victims)
    return [row for victims in sizes for row in measure(victims)]


def main(argv: list[str]) -> int:
    reason = unavailable()
    if reason:
        print(reason)
        return 1
    rows = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (RESULTS / f"pages-{stamp}.json").write_text(json.dumps([asdict(r) for r in rows]))
    text = report.render(rows, [], [note()], benchmarks=["pages"])
    print(text)
    (RESULTS / f"pages-{stamp}.txt").write_text(text + "\n")
    return 0
