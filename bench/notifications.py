"""Notification throughput: ``notify()`` -> outbox -> worker processes -> the local Twilio (or
SMTP) server, against a baseline in the same run: the raw ``twilio`` SDK (or raw ``smtplib``)
sending the same number of messages to the same server with the same concurrency.

The SMS baseline is the SDK as it ships (its requests-based ``TwilioHttpClient``; only the host
is rewritten to reach the local server). The workers use the SDK with our urllib3 transport
(notifications/providers/twilio_http.py), so a second baseline, the SDK on that same transport,
is measured too: the ratio against it ("same transport") is the pipeline's own overhead.

Prints throughput of each, the ratios, p50/p95 time from publish (the notify transaction's
commit) to the provider receiving it, and lost / duplicated counts; writes JSON to
bench/results/. ``--rounds N`` repeats everything (baselines, end to end, drain) N times,
interleaved, and adds a median row: on a shared machine one round's ratio can swing by a
third. The database is BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local PostgreSQL
(``postgresql://postgres@127.0.0.1:5432/test``) when it answers (the target ratio of 0.8 is for
PostgreSQL), else SQLite, with a line saying so. Ends with the send path's target lines
(bench/report.py); ``python -m bench`` puts these rows in its combined table.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import psycopg
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bench import report
from bench.report import SendRow
from bench.seed import SERVER
from bench.servers import ServerProcess
from notifications import notify
from notifications.contacts import address_lookup
from notifications.models import ContactPoint, Notification, NotificationPreference
from notifications.policy import DEFAULT_QUIET_END, DEFAULT_QUIET_START, LONDON
from notifications.providers.twilio_http import Urllib3HttpClient
from notifications.render import build_email, render
from portal import create_app
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.extensions import db
from portal.models import Organisation, Role, User
from tests.conftest import make_settings, migrate
from tests.notifications.workers import stop_worker, worker_env
from tests.support.databases import DatabaseFactory, is_postgres
from tests.support.twilio_server import ACCOUNT_SID, AUTH_TOKEN, MESSAGING_SERVICE_SID

RESULTS = report.RESULTS
DEFAULT_DATABASE_URL = f"{SERVER}/test"  # the local PostgreSQL the tests use
PUBLISH_BATCH = 100
PUBLISH_CPU: list[float] = []  # seconds of CPU the last publish() spent in its threads
T = TypeVar("T")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _numbers(count: int) -> list[str]:
    return [f"+4477009{n:05d}" for n in range(count)]


# -- baselines ------------------------------------------------------------------------------
def _threads(count: int, concurrency: int, send: Any) -> float:
    jobs: queue.Queue[int | None] = queue.Queue()
    for n in range(count):
        jobs.put(n)
    for _ in range(concurrency):
        jobs.put(None)

    def run() -> None:
        state: dict[str, Any] = {}
        while (n := jobs.get()) is not None:
            send(state, n)

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


class StockHttpClient(TwilioHttpClient):
    """The SDK's own transport, unchanged but for the host each request goes to."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=10.0)
        self._target = urlsplit(base_url)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)._replace(scheme=self._target.scheme, netloc=self._target.netloc)
        return super().request(method, parts.geturl(), *args, **kwargs)


def baseline_sms(url: str, count: int, concurrency: int, transport: str = "stock") -> float:
    """The raw SDK, one client per thread: with its own transport ("stock") or with the
    workers' ("urllib3")."""
    numbers = _numbers(count)
    body = render("update", service="Waypoint", url="https://waypoint.example.org").sms

    def send(state: dict[str, Any], n: int) -> None:
        if "client" not in state:
            http = StockHttpClient(url) if transport == "stock" else Urllib3HttpClient(url, 10, 1)
            state["client"] = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http, environment={})
        state["client"].messages.create(
            to=numbers[n],
            body=body,
            messaging_service_sid=MESSAGING_SERVICE_SID,
            status_callback="https://waypoint.example.org/webhooks/twilio/status",
        )

    return _threads(count, concurrency, send)


def baseline_email(port: int, count: int, concurrency: int) -> float:
    rendered = render("update", service="Waypoint", url="https://waypoint.example.org")

    def send(state: dict[str, Any], n: int) -> None:
        if "smtp" not in state:
            state["smtp"] = smtplib.SMTP("127.0.0.1", port, timeout=10)
        message = build_email(
            rendered,
            to=f"bench{n}@example.org",
            sender="no-reply@waypoint.example.org",
            message_id=f"<{uuid.uuid4().hex}@waypoint.example.org>",
            unsubscribe_url="https://waypoint.example.org/my-case/preferences",
        )
        state["smtp"].send_message(message)

    return _threads(count, concurrency, send)


# -- the outbox path ------------------------------------------------------------------------
def _quiet_window_away(now: datetime) -> tuple[int, int]:
    """Quiet hours as long as the default ones, beginning six hours after ``now`` (London
    time): a run is never inside them, whatever the hour, and the texts still carry a
    ValidityPeriod as in the day. With the default window, a run between 21:00 and 08:00
    deferred every message to the morning and waited ten minutes for nothing."""
    length = (DEFAULT_QUIET_END - DEFAULT_QUIET_START) % 1440
    local = now.astimezone(LONDON)
    start = (local.hour * 60 + local.minute + 360) % 1440
    return start, (start + length) % 1440


def seed(app: Any, channel: str, count: int) -> list[uuid.UUID]:
    """``count`` victims, each with one verified, safe contact point and quiet hours away
    from the run (not timed)."""
    with app.app_context():
        session = Session(bind=db.engine)
        org = Organisation(name="Bench ISVA Service")
        session.add(org)
        session.flush()
        now = utcnow()
        users = []
        for n in range(count):
            email = f"bench{n}@example.org"
            user = User(
                organisation_id=org.id,
                role=Role.VICTIM,
                email=email,
                email_lookup=lookup_hash(email, "email"),
            )
            users.append(user)
        session.add_all(users)
        session.flush()
        numbers = _numbers(count)
        points = []
        for n, user in enumerate(users):
            address = numbers[n] if channel == "sms" else f"bench{n}@example.org"
            points.append(
                ContactPoint(
                    user_id=user.id,
                    channel=channel,
                    address=address,
                    address_lookup=address_lookup(channel, address),
                    verified_at=now,
                    safe_confirmed_at=now,
                    enabled=True,
                )
            )
        session.add_all(points)
        start, end = _quiet_window_away(now)
        session.add_all(
            NotificationPreference(user_id=u.id, quiet_start_minute=start, quiet_end_minute=end)
            for u in users
        )
        session.commit()
        ids = [u.id for u in users]
        session.close()
    return ids


def publish(app: Any, user_ids: list[uuid.UUID], publishers: int = 4) -> dict[str, float]:
    """notify() for every victim, from ``publishers`` threads (as concurrent web requests
    would), in batched transactions; returns the commit time per notification id."""
    published: dict[str, float] = {}
    lock = threading.Lock()
    cpu: list[float] = []

    def run(chunk: list[uuid.UUID]) -> None:
        started = time.thread_time()
        with app.app_context():
            # SQLite: take the write lock up front, as a web request that writes should (a
            # deferred transaction that read first cannot upgrade once the worker committed).
            session = Session(bind=db.engine.execution_options(sqlite_begin="IMMEDIATE"))
            for start in range(0, len(chunk), PUBLISH_BATCH):
                batch = chunk[start : start + PUBLISH_BATCH]
                users = session.scalars(select(User).where(User.id.in_(batch))).all()
                ids = []
                for user in users:
                    result = notify(session, user, "update", source_key=f"bench:{user.id}")
                    ids += result.ids
                session.commit()
                stamp = time.time()
                with lock:
                    for nid in ids:
                        published[str(nid)] = stamp
            session.close()
        with lock:
            cpu.append(time.thread_time() - started)

    chunks = [user_ids[n::publishers] for n in range(publishers)]
    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    PUBLISH_CPU.append(sum(cpu))
    return published


def publish_at_once(app: Any, user_ids: list[uuid.UUID]) -> float:
    """notify() for every victim in ONE transaction: the drain measurement starts at its commit,
    so it times the workers alone."""
    with app.app_context():
        session = Session(bind=db.engine.execution_options(sqlite_begin="IMMEDIATE"))
        for start in range(0, len(user_ids), 500):
            users = session.scalars(
                select(User).where(User.id.in_(user_ids[start : start + 500]))
            ).all()
            for user in users:
                notify(session, user, "update", source_key=f"drain:{user.id}")
        session.commit()
        committed = time.time()
        session.close()
    return committed


def start_probed_worker(app: Any, concurrency: int, out: Path) -> subprocess.Popen[bytes]:
    """``flask notifications work`` under bench/probe.py, which writes its CPU per step and
    peak RSS to ``out`` when it stops. Its log goes to a file beside ``out`` (a pipe nobody
    reads would block the worker once full)."""
    env = worker_env(app, NOTIFY_POLL_SECONDS=0.02)
    with out.with_suffix(".log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bench.probe", str(out), "--concurrency", str(concurrency)],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def wait_started(outs: list[Path], processes: list[subprocess.Popen[bytes]]) -> None:
    """Until every worker has logged that it started: the clock must not count the workers'
    imports and app start-up, which a fixed pause overran on a loaded machine (seconds of
    "latency" that were start-up)."""
    deadline = time.monotonic() + 120
    pending = list(zip(outs, processes, strict=True))
    while pending:
        out, process = pending[0]
        log = out.with_suffix(".log")
        if process.poll() is not None:
            raise SystemExit(f"a notification worker exited at start; see {log}")
        if log.exists() and b" started" in log.read_bytes():
            pending.pop(0)
            continue
        if time.monotonic() > deadline:
            raise SystemExit(f"a notification worker did not start in 120 s; see {log}")
        time.sleep(0.1)
    time.sleep(0.5)  # each one's first poll of the outbox


def _backend_cpu(app: Any) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the bench's database (read from
    /proc: the server runs on this machine). Empty on SQLite or when /proc cannot be read."""
    if not is_postgres():
        return {}
    with app.app_context():
        pids = db.session.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
        db.session.remove()
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def run_with_workers(
    app: Any,
    server: ServerProcess,
    channel: str,
    count: int,
    concurrency: int,
    workers: int,
    publisher: Callable[[Any, list[uuid.UUID]], T],
) -> tuple[float, T, list[tuple[str, str | None, float, str]], dict[str, float]]:
    """Seed ``count`` victims, start the worker processes, then run ``publisher`` and wait for
    the server to receive ``count`` messages. Returns when the clock started (just before
    publishing), what the publisher returned, what the server received, and the workers' CPU
    (seconds, summed over the processes; peak RSS in kB is the largest)."""
    user_ids = seed(app, channel, count)
    per_worker = max(1, concurrency // workers)
    probe_dir = Path(tempfile.mkdtemp(prefix="waypoint-probe-"))
    outs = [probe_dir / f"worker-{n}.json" for n in range(workers)]
    processes = [start_probed_worker(app, per_worker, out) for out in outs]
    wait_started(outs, processes)
    backends_before = _backend_cpu(app)
    try:
        started = time.time()
        result = publisher(app, user_ids)
        deadline = time.time() + 600
        while time.time() < deadline and server.count() < count:
            time.sleep(0.05)
        received = server.dump()
        backends_after = _backend_cpu(app)
    finally:
        for process in processes:
            stop_worker(process)
    cpu: dict[str, float] = {}
    for out in outs:
        report = json.loads(out.read_text()) if out.exists() else {}
        for key, value in report.items():
            if key == "peak_rss_kb":
                cpu[key] = max(cpu.get(key, 0.0), value)
            elif key != "started_cpu":
                cpu[key] = cpu.get(key, 0.0) + value
    cpu["database"] = sum(
        spent - backends_before.get(pid, 0.0) for pid, spent in backends_after.items()
    )
    return started, result, received, cpu


def _finished(received: list[tuple[str, str | None, float, str]]) -> float:
    return max((r[2] for r in received), default=time.time())


@contextmanager
def fresh_app(
    factory: DatabaseFactory, workdir: Path, name: str, concurrency: int, overrides: dict[str, Any]
) -> Iterator[Any]:
    """An app on a fresh clone of the migrated database, dropped afterwards."""
    url = factory.clone()
    app = create_app(
        make_settings(
            url,
            workdir / f"instance-{name}",
            PUBLIC_BASE_URL="https://waypoint.example.org",
            NOTIFY_BATCH_SIZE=max(50, concurrency * 4),
            **overrides,
        )
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        factory.drop(url)


def _notification_ids(
    app: Any, channel: str, received: list[tuple[str, str | None, float, str]]
) -> list[str | None]:
    if channel == "sms":
        out = []
        for _to, callback, _at, _body in received:
            query = parse_qs(urlsplit(callback or "").query)
            out.append(query.get("n", [None])[0])
        return out
    with app.app_context():
        by_message_id = {
            mid: str(nid)
            for nid, mid in db.session.execute(select(Notification.id, Notification.message_id))
        }
        db.session.remove()
    return [by_message_id.get(message_id or "") for _to, message_id, _at, _body in received]


def bench_channel(
    channel: str,
    count: int,
    concurrency: int,
    workers: int,
    factory: DatabaseFactory,
    workdir: Path,
) -> SendRow:
    server = ServerProcess("twilio" if channel == "sms" else "smtp")
    try:
        if channel == "sms":
            baseline = baseline_sms(server.address, count, concurrency)
            same_transport = baseline_sms(server.address, count, concurrency, "urllib3")
            overrides = {
                "SMS_PROVIDER": "twilio",
                "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
                "TWILIO_API_BASE_URL": server.address,
            }
        else:
            baseline = same_transport = baseline_email(server.address, count, concurrency)
            overrides = {
                "EMAIL_PROVIDER": "smtp",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": server.address,
                "SMTP_STARTTLS": False,
            }
        server.reset()
        with fresh_app(factory, workdir, channel, concurrency, overrides) as app:
            started, published, received, cpu = run_with_workers(
                app, server, channel, count, concurrency, workers, publish
            )
            seconds = _finished(received) - started
            ids = _notification_ids(app, channel, received)
        seen = Counter(i for i in ids if i)
        latencies = [
            (at - published[nid]) * 1000
            for nid, (_to, _cb, at, _body) in zip(ids, received, strict=True)
            if nid in published
        ]
        server.reset()
        with fresh_app(factory, workdir, f"{channel}-drain", concurrency, overrides) as app:
            # The drain clock starts at the commit of notifications published all at once,
            # so it times the workers alone.
            _, committed, drained, _ = run_with_workers(
                app, server, channel, count, concurrency, workers, publish_at_once
            )
        drain_seconds = _finished(drained) - committed
        per_destination = Counter(r[0] for r in drained)
        drain_lost = count - len(per_destination)
        drain_dup = sum(c - 1 for c in per_destination.values() if c > 1)
    finally:
        server.stop()
    outbox_rate = count / seconds if seconds > 0 else 0.0
    baseline_rate = count / baseline
    steps = {"claim", "send", "record", "reconcile"}
    sent = cpu.get("messages") or count

    def per_message(seconds: float) -> float:
        return round(seconds * 1000 / sent, 3)

    return SendRow(
        channel=channel,
        database="postgresql" if is_postgres() else "sqlite",
        count=count,
        concurrency=concurrency,
        workers=workers,
        baseline_seconds=round(baseline, 3),
        baseline_per_second=round(baseline_rate, 1),
        same_transport_per_second=round(count / same_transport, 1),
        outbox_seconds=round(seconds, 3),
        outbox_per_second=round(outbox_rate, 1),
        ratio=round(outbox_rate / baseline_rate, 3),
        same_transport_ratio=round(outbox_rate * same_transport / count, 3),
        drain_per_second=round(count / drain_seconds, 1),
        drain_ratio=round(count / drain_seconds / baseline_rate, 3),
        p50_ms=round(_percentile(latencies, 0.50), 1),
        p95_ms=round(_percentile(latencies, 0.95), 1),
        lost=len(set(published) - set(seen)) + drain_lost,
        duplicated=sum(c - 1 for c in seen.values() if c > 1) + drain_dup,
        cpu_claim_ms=per_message(cpu.get("claim", 0.0)),
        cpu_send_ms=per_message(cpu.get("send", 0.0)),
        cpu_record_ms=per_message(cpu.get("record", 0.0)),
        cpu_worker_other_ms=per_message(
            cpu.get("process_cpu", 0.0) - sum(cpu.get(s, 0.0) for s in steps)
        ),
        cpu_publish_ms=round(PUBLISH_CPU[-1] * 1000 / count, 3),
        cpu_database_ms=per_message(cpu.get("database", 0.0)),
        worker_peak_rss_mb=round(cpu.get("peak_rss_kb", 0.0) / 1024, 1),
    )


def median_run(runs: list[SendRow]) -> SendRow:
    """Per-field medians of one channel's rounds (ratios too: the median of the rounds'
    ratios, each measured against its own round's baseline); lost and duplicated are summed."""
    values: dict[str, Any] = asdict(runs[0])
    for name, first in values.items():
        if name in ("lost", "duplicated"):
            values[name] = sum(getattr(r, name) for r in runs)
        elif isinstance(first, float):
            values[name] = statistics.median(getattr(r, name) for r in runs)
    values["database"] = f"{runs[0].database}*"
    return SendRow(**values)


def table(runs: list[SendRow]) -> str:
    """outbox/s and its ratios: end to end, publishing through notify() while the workers run,
    against the raw SDK ("ratio") and the SDK on the workers' transport ("same tr."); drain/s
    and its ratio: the workers alone, on notifications committed at once. A database marked *
    is the median of the rounds above it. CPU ms per message, end to end: the workers' claim,
    send and record steps and the rest of their process ("loop"), the publishing threads
    ("pub.") and PostgreSQL's backends ("db"); "RSS MB" is a worker process's peak RSS."""
    head = (
        f"{'channel':<8}{'db':<12}{'n':>6}{'conc':>5}{'baseline/s':>11}{'same tr./s':>11}"
        f"{'outbox/s':>10}{'ratio':>7}{'same tr.':>9}{'drain/s':>9}{'ratio':>7}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'lost':>6}{'dup':>5}"
        f" | cpu ms/msg: {'claim':>6}{'send':>6}{'record':>7}{'loop':>6}{'pub.':>6}{'db':>6}"
        f"{'RSS MB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in runs:
        lines.append(
            f"{r.channel:<8}{r.database:<12}{r.count:>6}{r.concurrency:>5}"
            f"{r.baseline_per_second:>11.1f}{r.same_transport_per_second:>11.1f}"
            f"{r.outbox_per_second:>10.1f}{r.ratio:>7.2f}{r.same_transport_ratio:>9.2f}"
            f"{r.drain_per_second:>9.1f}{r.drain_ratio:>7.2f}"
            f"{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.lost:>6}{r.duplicated:>5}"
            f" | {'':>12}{r.cpu_claim_ms:>6.2f}{r.cpu_send_ms:>6.2f}{r.cpu_record_ms:>7.2f}"
            f"{r.cpu_worker_other_ms:>6.2f}{r.cpu_publish_ms:>6.2f}{r.cpu_database_ms:>6.2f}"
            f"{r.worker_peak_rss_mb:>8.1f}"
        )
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--channels", default="sms,email")
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args(argv)


def choose_database() -> str:
    """Point TEST_DATABASE_URL (which the database factory reads) at the database to measure
    on: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local PostgreSQL when it answers
    (the target is for PostgreSQL), else SQLite. Returns a line saying which."""
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("TEST_DATABASE_URL"):
        return "notifications on " + ("PostgreSQL" if is_postgres() else "SQLite")
    try:
        psycopg.connect(DEFAULT_DATABASE_URL, connect_timeout=3).close()
    except psycopg.Error:
        os.environ.pop("TEST_DATABASE_URL", None)
        return (
            f"notifications on SQLite: no PostgreSQL answered at {DEFAULT_DATABASE_URL} "
            "(set BENCH_DATABASE_URL); the send-path targets are for PostgreSQL"
        )
    os.environ["TEST_DATABASE_URL"] = DEFAULT_DATABASE_URL
    return f"notifications on PostgreSQL ({DEFAULT_DATABASE_URL})"


def run(args: argparse.Namespace) -> list[SendRow]:
    """Every channel, ``args.rounds`` times each (plus their median), on the database
    ``choose_database`` chose."""
    import logging

    logging.disable(logging.INFO)
    workdir = Path(tempfile.mkdtemp(prefix="waypoint-bench-"))
    factory = DatabaseFactory(workdir)
    factory.create_empty(factory.template_url)
    migrate(create_app(make_settings(factory.template_url, workdir / "instance")))
    runs: list[SendRow] = []
    try:
        for channel in [c.strip() for c in args.channels.split(",") if c.strip()]:
            rounds = [
                bench_channel(channel, args.count, args.concurrency, args.workers, factory, workdir)
                for _ in range(max(1, args.rounds))
            ]
            runs += rounds
            if len(rounds) > 1:
                runs.append(median_run(rounds))
    finally:
        factory.drop_all()
    return runs


def failed(runs: list[SendRow]) -> bool:
    """A message lost or sent twice fails the run (a ratio below target does not: on a shared
    machine it is a measurement, not a defect)."""
    return any(r.lost or r.duplicated for r in runs)


def main(argv: list[str]) -> int:
    args = parse(argv)
    database = choose_database()
    print(database, flush=True)
    runs = run(args)
    print(table(runs))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"notifications-{stamp}.json"
    out.write_text(json.dumps([asdict(r) for r in runs], indent=2))
    print(f"results written to {out}")
    for verdict in report.verdicts([], runs):
        if verdict.benchmark == "notifications":
            print(verdict.line())
    return 1 if failed(runs) else 0
