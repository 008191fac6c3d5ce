"""Reconciling in-doubt sends: a send whose lease expired while "sending" (its worker died,
or the provider call timed out) is settled by asking the provider what it saw for that attempt
before anything is resent. A status callback may already have told us the provider id;
otherwise the provider's own records are searched (Twilio: the Messages list by To +
DateSent). Found: recorded as sent. Never seen: retried at once. Cannot be known (a plain SMTP
relay): not resent; a permanent failure with code "in_doubt", shown to the ISVA as a task.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notifications.config import WorkerConfig, base_url
from notifications.delivery import RECONCILING
from notifications.models import ContactPoint, DeliveryAttempt, Notification, Status
from notifications.providers.base import (
    FOUND,
    IN_DOUBT,
    NOT_SEEN,
    SENT,
    OutgoingMessage,
    Provider,
    RetryableError,
)
from notifications.recording import Outcome, apply, fail_permanently
from notifications.render import render
from portal.clock import utcnow
from portal.config import Settings

log = logging.getLogger("notifications.worker")


class Reconciler:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        providers: dict[str, Provider],
        config: WorkerConfig,
        settings: Settings,
        name: str,
    ) -> None:
        self.sessions = sessions
        self.providers = providers
        self.config = config
        self.settings = settings
        self.name = name

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
                    # A released claim leaves its number to the next attempt: the newest wins.
                    .order_by(DeliveryAttempt.number.desc(), DeliveryAttempt.started_at.desc())
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
            attempt.mark(RECONCILING, now)
            if answer_kind in (FOUND, NOT_SEEN):
                # The provider has it (recorded as sent), or never saw it (sent again at once).
                kind = SENT if answer_kind == FOUND else NOT_SEEN
                outcome = Outcome(notification_id, attempt_id, kind, answer_id)
                apply(session, lead, attempt, outcome, now, self.config)
            else:
                attempt.mark(IN_DOUBT, now)
                fail_permanently(session, lead, now, IN_DOUBT, fallback=False)
        log.info(
            "notification %s attempt %s: reconciled %s", notification_id, attempt_id, answer_kind
        )

    def _still_in_doubt(self, notification_id: uuid.UUID, attempt_id: uuid.UUID) -> None:
        with self.sessions() as session, session.begin():
            lead = session.get(Notification, notification_id)
            if lead is not None and lead.status == Status.SENDING:
                lead.lease_until = utcnow() + timedelta(seconds=self.config.NOTIFY_RECONCILE_DELAY)


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
