"""The notification worker: ``flask notifications work [--once] [--concurrency N]``.

Each round: reconcile sends whose lease expired (in doubt), claim due rows (claims.py) and
commit the attempts, close the session, hand the sends to N threads that call the providers
with a timeout, then record the outcomes (recording.py) in small batches.

In-doubt sends are never resent blindly. A worker that died after its claim committed leaves
rows in "sending" with an expired lease; the next worker asks the provider what it saw for
that attempt first: a status callback may already have told us the provider id; otherwise
Twilio's Messages list is searched (To + DateSent). Only a send the provider never saw is
retried. A plain SMTP relay cannot be asked, so an in-doubt email is not resent: it becomes a
permanent failure with code "in_doubt", shown to the ISVA as a task (a duplicate email to a
monitored inbox is a harm; a task someone reads is not a loss).

SIGTERM/SIGINT stop gracefully: no new claims, sends already at the provider finish and are
recorded, claimed sends not yet started are released back to the queue.

Test-only fault hook: ``WAYPOINT_FAULT=after_claim|before_provider|after_provider`` makes the
process ``os._exit`` at that point (refused unless WAYPOINT_ENV=test; see config.py), so the
fault-injection tests can kill a real worker at the exact moment they mean.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TypeVar

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from notifications import delivery
from notifications.claims import Job, claim
from notifications.config import WorkerConfig, build_providers
from notifications.models import DeliveryAttempt, Notification
from notifications.providers.base import (
    IN_DOUBT,
    NOT_SEEN,
    OPTED_OUT,
    PERMANENT,
    RETRY,
    SENT,
    InDoubtError,
    OptedOutError,
    PermanentError,
    Provider,
    RetryableError,
)
from notifications.reconcile import Reconciler
from notifications.recording import Outcome, record
from portal.clock import utcnow
from portal.config import Settings
from portal.extensions import db
from portal.liveness import Heartbeat

log = logging.getLogger("notifications.worker")
T = TypeVar("T")
FAULT_EXIT = 17
RECORD_EVERY = 0.1  # seconds
# Expired leases are looked for at most this often, however short the poll interval: a lease
# lasts minutes, and the search is a transaction of its own.
RECONCILE_EVERY = 1.0  # seconds


@dataclass
class _Loop:
    """The worker loop's state: sends in flight, outcomes not yet recorded, and when it last
    recorded, reconciled and claimed."""

    executor: ThreadPoolExecutor
    in_flight: dict[Future[Outcome], Job] = field(default_factory=dict)
    pending: list[Outcome] = field(default_factory=list)
    done: int = 0
    last_flush: float = field(default_factory=time.monotonic)
    last_reconcile: float = 0.0
    next_claim: float = 0.0


class Worker:
    def __init__(
        self, app: Flask, concurrency: int = 4, heartbeat: Heartbeat | None = None
    ) -> None:
        self.app = app
        self.heartbeat = heartbeat or Heartbeat(None)
        self.settings: Settings = app.config["WAYPOINT_SETTINGS"]
        self.config = WorkerConfig.from_app(app)
        self.concurrency = max(1, concurrency)
        self.batch = max(self.config.NOTIFY_BATCH_SIZE, self.concurrency)
        self.providers: dict[str, Provider] = build_providers(app)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stopping = threading.Event()
        with app.app_context():
            engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")
        self.sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self.reconciler = Reconciler(
            self.sessions, self.providers, self.config, self.settings, self.name
        )

    # -- one transaction each ------------------------------------------------------------
    def _claim(self, limit: int) -> list[Job]:
        with self.sessions() as session, session.begin():
            return claim(
                session,
                now=utcnow(),
                worker=self.name,
                limit=limit,
                lease_seconds=self.config.NOTIFY_LEASE_SECONDS,
                providers=self.providers,
                settings=self.settings,
            )

    def _record(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        with self.sessions() as session, session.begin():
            record(session, outcomes, utcnow(), self.config)

    def _release(self, jobs: list[Job]) -> None:
        """Give back claimed sends that never reached a provider (graceful stop)."""
        if not jobs:
            return
        now = utcnow()
        with self.sessions() as session, session.begin():
            for job in jobs:
                lead = session.get(Notification, job.notification_id)
                attempt = session.get(DeliveryAttempt, job.attempt_id)
                if lead is None or attempt is None or not delivery.release(session, lead, now):
                    continue
                attempt.mark(delivery.RELEASED, now)
                attempt.finished_at = now

    # -- sending ---------------------------------------------------------------------------
    def _send(self, job: Job) -> Outcome:
        provider = self.providers[job.channel]
        margin = timedelta(seconds=send_margin(self.config))
        if job.lease_until is not None and utcnow() > job.lease_until - margin:
            # Waited too long behind other sends: our lease may run out mid-call and another
            # worker would then reconcile a send still in flight. Not sent: give it back.
            return Outcome(job.notification_id, job.attempt_id, NOT_SEEN, code="lease")
        if self.config.WAYPOINT_FAULT == "before_provider":
            os._exit(FAULT_EXIT)
        try:
            result = provider.send(job.message)
            outcome = Outcome(job.notification_id, job.attempt_id, SENT, result.provider_id)
        except OptedOutError as exc:
            outcome = Outcome(job.notification_id, job.attempt_id, OPTED_OUT, code=exc.code)
        except PermanentError as exc:
            outcome = Outcome(job.notification_id, job.attempt_id, PERMANENT, code=exc.code)
        except RetryableError as exc:
            outcome = Outcome(job.notification_id, job.attempt_id, RETRY, code=exc.code)
        except InDoubtError as exc:
            outcome = Outcome(job.notification_id, job.attempt_id, IN_DOUBT, code=exc.code)
        except Exception:  # an unexpected error after the request may have left: in doubt
            log.exception(
                "notification %s attempt %s: unexpected", job.notification_id, job.attempt_id
            )
            outcome = Outcome(job.notification_id, job.attempt_id, IN_DOUBT, code="unexpected")
        if self.config.WAYPOINT_FAULT == "after_provider":
            os._exit(FAULT_EXIT)
        log.log(
            logging.DEBUG if outcome.kind == SENT else logging.INFO,
            "notification %s attempt %s: %s %s",
            job.notification_id,
            job.attempt_id,
            outcome.kind,
            outcome.code or "",
        )
        return outcome

    def reconcile_expired(self, limit: int = 50) -> int:
        """Settle sends whose lease expired (reconcile.py): ask the provider first."""
        return self.reconciler.reconcile_expired(limit)

    # -- surviving database trouble ------------------------------------------------------
    def _guard(self, step: Callable[[], T], fallback: T) -> T:
        """A claim or reconciliation that fails (deadlock victim, connection lost) is simply
        tried again next round: it changed nothing, its transaction rolled back."""
        try:
            return step()
        except SQLAlchemyError:
            log.exception("worker %s: database error; trying again shortly", self.name)
            self.stopping.wait(self.config.NOTIFY_POLL_SECONDS)
            return fallback

    def _safe_record(self, outcomes: list[Outcome]) -> None:
        """Record, retrying a few times. If it still fails, the sends stay "sending" and are
        reconciled with the provider when their lease ends: never resent blindly."""
        for attempt in range(3):
            try:
                self._record(outcomes)
                return
            except SQLAlchemyError:
                log.exception("worker %s: could not record %d outcomes", self.name, len(outcomes))
                time.sleep(0.2 * (attempt + 1))

    # -- the loop ----------------------------------------------------------------------------
    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with ``once``, until nothing is due). Returns sends done."""
        loop = _Loop(ThreadPoolExecutor(self.concurrency, thread_name_prefix="notify-send"))
        try:
            while self._turn(loop, once):
                pass
            self._safe_record(loop.pending)
        finally:
            loop.executor.shutdown(wait=True)
            for provider in self.providers.values():
                provider.close()
            self.heartbeat.stopped()
        return loop.done

    def _turn(self, loop: _Loop, once: bool) -> bool:
        """One turn of the loop: reconcile and claim (unless stopping), then wait for sends
        and record their outcomes. False when the worker is done."""
        self.heartbeat()
        claimed = 0
        if not self.stopping.is_set():
            reconciled = self._reconcile_due(loop, once)
            claimed = self._claim_into(loop)
            if once and not loop.in_flight and not claimed and not reconciled:
                return False
        if self.stopping.is_set():
            unstarted = [job for fut, job in loop.in_flight.items() if fut.cancel()]
            for fut in [f for f in loop.in_flight if f.cancelled()]:
                del loop.in_flight[fut]
            self._release(unstarted)
            if not loop.in_flight:
                return False
        if not loop.in_flight:
            self._safe_record(loop.pending)
            loop.pending = []
            self.stopping.wait(0 if claimed else self.config.NOTIFY_POLL_SECONDS)
            return True
        self._collect(loop)
        return True

    def _reconcile_due(self, loop: _Loop, once: bool) -> int:
        """Look for expired leases, at most every RECONCILE_EVERY seconds (each round with
        ``once``). Returns how many sends were reconciled."""
        every = max(self.config.NOTIFY_POLL_SECONDS, RECONCILE_EVERY)
        if not once and time.monotonic() - loop.last_reconcile < every:
            return 0
        loop.last_reconcile = time.monotonic()
        return self._guard(self.reconcile_expired, 0)

    def _claim_into(self, loop: _Loop) -> int:
        """Claim sends into the free room and hand them to the send threads. A claim that
        found fewer sends than it had room for drained the queue: ask again after the poll
        interval (or once idle), not at every finished send, so a shallow queue costs one
        claim per interval, not one per send. Returns how many were claimed."""
        room = self.batch - len(loop.in_flight)
        if room < max(1, self.batch // 2) or (
            loop.in_flight and time.monotonic() < loop.next_claim
        ):
            return 0
        jobs: list[Job] = self._guard(partial(self._claim, room), list[Job]())
        if len(jobs) < room:
            loop.next_claim = time.monotonic() + self.config.NOTIFY_POLL_SECONDS
        if jobs and self.config.WAYPOINT_FAULT == "after_claim":
            os._exit(FAULT_EXIT)
        for job in jobs:
            loop.in_flight[loop.executor.submit(self._send, job)] = job
        return len(jobs)

    def _collect(self, loop: _Loop) -> None:
        """Gather finished sends and record them in batches (one transaction per
        RECORD_EVERY seconds or per half batch of sends): the sends are out already, and a
        crash before recording leaves them in doubt, to be reconciled, never resent blindly."""
        finished, _ = wait(list(loop.in_flight), timeout=0.05, return_when=FIRST_COMPLETED)
        for fut in finished:
            loop.in_flight.pop(fut)
            loop.pending.append(fut.result())
            loop.done += 1
        if loop.pending and (
            len(loop.pending) >= max(self.concurrency, self.batch // 2)
            or not loop.in_flight
            or time.monotonic() - loop.last_flush > RECORD_EVERY
        ):
            self._safe_record(loop.pending)
            loop.pending = []
            loop.last_flush = time.monotonic()

    def install_signal_handlers(self) -> None:
        def stop(signum: int, frame: object) -> None:
            log.info("worker %s stopping (signal %s)", self.name, signum)
            self.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)


def send_margin(config: WorkerConfig) -> float:
    """A send starts only if it can finish (connect + read timeouts, plus slack) well inside
    the lease, so no request is still on its way when another worker reconciles the row."""
    return 2 * config.NOTIFY_PROVIDER_TIMEOUT + 1.0
