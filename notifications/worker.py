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
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from notifications.claims import Job, claim
from notifications.config import WorkerConfig, base_url, build_providers
from notifications.models import ContactPoint, DeliveryAttempt, Notification, Status
from notifications.providers.base import (
    FOUND,
    NOT_SEEN,
    InDoubtError,
    OptedOutError,
    OutgoingMessage,
    PermanentError,
    Provider,
    RetryableError,
)
from notifications.recording import (
    IN_DOUBT,
    OPTED_OUT,
    PERMANENT,
    RETRY,
    SENT,
    Outcome,
    apply,
    fail_permanently,
    record,
)
from notifications.recording import NOT_SEEN as NOT_SEEN_OUTCOME
from notifications.render import render
from portal.clock import utcnow
from portal.config import Settings
from portal.extensions import db

log = logging.getLogger("notifications.worker")
FAULT_EXIT = 17


class Worker:
    def __init__(self, app: Flask, concurrency: int = 4) -> None:
        self.app = app
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
                if lead is None or attempt is None or lead.status != Status.SENDING:
                    continue
                attempt.mark("released", now)
                attempt.finished_at = now
                lead.status = Status.QUEUED if lead.attempts <= 1 else Status.FAILED_RETRYABLE
                lead.attempts -= 1
                lead.lease_until = None
                lead.claimed_by = None
                lead.updated_at = now
                for follower in session.scalars(
                    select(Notification).where(Notification.coalesced_into_id == lead.id)
                ):
                    follower.status = lead.status

    # -- sending ---------------------------------------------------------------------------
    def _send(self, job: Job) -> Outcome:
        provider = self.providers[job.channel]
        margin = timedelta(seconds=send_margin(self.config))
        if job.lease_until is not None and utcnow() > job.lease_until - margin:
            # Waited too long behind other sends: our lease may run out mid-call and another
            # worker would then reconcile a send still in flight. Not sent: give it back.
            return Outcome(job.notification_id, job.attempt_id, NOT_SEEN_OUTCOME, code="lease")
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

    # -- in-doubt sends ----------------------------------------------------------------------
    def reconcile_expired(self, limit: int = 50) -> int:
        """Settle sends whose lease expired: ask the provider before anything is resent."""
        now = utcnow()
        lease = now + timedelta(seconds=self.config.NOTIFY_LEASE_SECONDS)
        with self.sessions() as session, session.begin():
            rows = session.scalars(
                select(Notification)
                .where(
                    Notification.status == Status.SENDING,
                    Notification.lease_until < now,
                    Notification.coalesced_into_id.is_(None),
                )
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            work = []
            for row in rows:
                attempt = session.scalars(
                    select(DeliveryAttempt)
                    .where(DeliveryAttempt.notification_id == row.id)
                    .order_by(DeliveryAttempt.number.desc())
                    .limit(1)
                ).first()
                point = session.get(ContactPoint, row.contact_point_id)
                row.lease_until = lease
                row.claimed_by = self.name
                if attempt is None or point is None:
                    continue
                known: set[str] = {
                    pid
                    for pid in session.scalars(
                        select(DeliveryAttempt.provider_id)
                        .join(Notification, Notification.id == DeliveryAttempt.notification_id)
                        .where(
                            Notification.contact_point_id == point.id,
                            DeliveryAttempt.provider_id.is_not(None),
                            DeliveryAttempt.id != attempt.id,
                        )
                    )
                    if pid
                }
                work.append(
                    (
                        row.id,
                        row.channel,
                        attempt.id,
                        attempt.provider_id,
                        attempt.started_at,
                        point.address,
                        known,
                    )
                )
        for notification_id, channel, attempt_id, provider_id, started_at, to, known in work:
            self._reconcile_one(
                notification_id, channel, attempt_id, provider_id, started_at, to, known
            )
        return len(work)

    def _reconcile_one(
        self,
        notification_id: uuid.UUID,
        channel: str,
        attempt_id: uuid.UUID,
        provider_id: str | None,
        started_at: datetime,
        to: str,
        known: set[str],
    ) -> None:
        provider = self.providers[channel]
        answer_id: str | None
        if provider_id:
            answer_kind, answer_id = FOUND, provider_id  # a status callback told us already
        else:
            message = _probe(notification_id, attempt_id, channel, to, self.settings)
            try:
                answer = provider.reconcile(message, started_at, known)
            except RetryableError:
                self._still_in_doubt(notification_id, attempt_id)
                return
            answer_kind, answer_id = answer.outcome, answer.provider_id
        now = utcnow()
        with self.sessions() as session, session.begin():
            lead = session.get(Notification, notification_id)
            attempt = session.get(DeliveryAttempt, attempt_id)
            if lead is None or attempt is None or lead.status != Status.SENDING:
                return
            attempt.mark("reconciling", now)
            if answer_kind == FOUND:
                apply(
                    session,
                    lead,
                    attempt,
                    Outcome(notification_id, attempt_id, SENT, answer_id),
                    now,
                    self.config,
                )
            elif answer_kind == NOT_SEEN:
                apply(
                    session,
                    lead,
                    attempt,
                    Outcome(notification_id, attempt_id, NOT_SEEN_OUTCOME),
                    now,
                    self.config,
                )
            else:
                attempt.mark(IN_DOUBT, now)
                fail_permanently(session, lead, now, "in_doubt", fallback=False)
        log.info(
            "notification %s attempt %s: reconciled %s", notification_id, attempt_id, answer_kind
        )

    def _still_in_doubt(self, notification_id: uuid.UUID, attempt_id: uuid.UUID) -> None:
        with self.sessions() as session, session.begin():
            lead = session.get(Notification, notification_id)
            if lead is not None and lead.status == Status.SENDING:
                lead.lease_until = utcnow() + timedelta(seconds=self.config.NOTIFY_RECONCILE_DELAY)

    # -- the loop ----------------------------------------------------------------------------
    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with ``once``, until nothing is due). Returns sends done."""
        done_count = 0
        in_flight: dict[Future[Outcome], Job] = {}
        pending: list[Outcome] = []
        last_flush = time.monotonic()
        last_reconcile = 0.0
        executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="notify-send")
        try:
            while True:
                claimed = 0
                if not self.stopping.is_set():
                    if time.monotonic() - last_reconcile >= self.config.NOTIFY_POLL_SECONDS or once:
                        last_reconcile = time.monotonic()
                        reconciled = self.reconcile_expired()
                    else:
                        reconciled = 0
                    room = self.batch - len(in_flight)
                    if room >= max(1, self.batch // 2):
                        jobs = self._claim(room)
                        claimed = len(jobs)
                        if jobs and self.config.WAYPOINT_FAULT == "after_claim":
                            os._exit(FAULT_EXIT)
                        for job in jobs:
                            in_flight[executor.submit(self._send, job)] = job
                    if once and not in_flight and not claimed and not reconciled:
                        break
                if self.stopping.is_set():
                    unstarted = [job for fut, job in in_flight.items() if fut.cancel()]
                    for fut in [f for f in in_flight if f.cancelled()]:
                        del in_flight[fut]
                    self._release(unstarted)
                    if not in_flight:
                        break
                if not in_flight:
                    self._record(pending)
                    pending = []
                    self.stopping.wait(0 if claimed else self.config.NOTIFY_POLL_SECONDS)
                    continue
                finished, _ = wait(list(in_flight), timeout=0.05, return_when=FIRST_COMPLETED)
                for fut in finished:
                    in_flight.pop(fut)
                    pending.append(fut.result())
                    done_count += 1
                if pending and (
                    len(pending) >= self.concurrency
                    or not in_flight
                    or time.monotonic() - last_flush > 0.05
                ):
                    self._record(pending)
                    pending = []
                    last_flush = time.monotonic()
            self._record(pending)
        finally:
            executor.shutdown(wait=True)
            for provider in self.providers.values():
                provider.close()
        return done_count

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


def _probe(
    notification_id: uuid.UUID, attempt_id: uuid.UUID, channel: str, to: str, settings: Settings
) -> OutgoingMessage:
    """The minimal message a provider needs to look an earlier attempt up (no body)."""
    rendered = render("update", service=settings.SERVICE_NAME, url=base_url(settings))
    return OutgoingMessage(
        notification_id=notification_id,
        attempt_id=attempt_id,
        channel=channel,
        to=to,
        sms_body=rendered.sms,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
