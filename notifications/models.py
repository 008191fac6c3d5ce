"""The notification tables: contact points, the consent log, preferences, the outbox and its
delivery attempts.

Rows here never vanish. A notification row is the outbox: it is added in the same transaction
as the event it reports (so nothing is lost), found by a unique dedupe key (so the same event
is never queued twice), and walked through its states by the worker, one way only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    and_,
    false,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.crypto import EncryptedText
from portal.db import Base, IdMixin, TimestampMixin


class Channel:
    SMS = "sms"
    EMAIL = "email"
    ALL = (SMS, EMAIL)


class Choice:
    """A victim's choice for one category of news."""

    TELL_ME = "tell_me"
    ISVA_FIRST = "isva_first"
    DONT_NOTIFY = "dont_notify"
    ALL = (TELL_ME, ISVA_FIRST, DONT_NOTIFY)


class Status:
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED_RETRYABLE = "failed_retryable"
    FAILED_PERMANENT = "failed_permanent"
    CANCELLED = "cancelled"
    DUE = (QUEUED, FAILED_RETRYABLE)
    FINAL = (DELIVERED, FAILED_PERMANENT, CANCELLED)


class ConsentSource:
    PORTAL = "portal"
    SMS_KEYWORD = "sms_keyword"
    ISVA_ON_BEHALF = "isva_on_behalf"
    PROVIDER = "provider"  # the provider told us the number opted out (Twilio 21610)
    EMAIL_LINK = "email_link"  # the unsubscribe link in an email (RFC 8058 one-click)


def is_usable(point: Any) -> bool:
    """Enabled, verified, confirmed safe and not opted out: a contact point (or a row read with
    those columns) that may be sent to. ``ContactPoint.usable`` is the same rule in SQL."""
    return bool(
        point.enabled
        and point.verified_at is not None
        and point.safe_confirmed_at is not None
        and point.opted_out_at is None
    )


class ContactPoint(IdMixin, TimestampMixin, Base):
    """A mobile number or email address one person has added. Usable only when enabled,
    confirmed safe, verified with a code, and not opted out."""

    __tablename__ = "notification_contact_points"
    __table_args__ = (UniqueConstraint("user_id", "channel"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(EncryptedText("notification_contact_points.address"))
    address_lookup: Mapped[str] = mapped_column(String(64), index=True)
    safe_confirmed_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verification_code_hash: Mapped[str | None] = mapped_column(String(128))
    verification_expires_at: Mapped[datetime | None]
    verification_attempts: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @hybrid_property
    def usable(self) -> bool:
        return is_usable(self)

    @usable.inplace.expression
    @classmethod
    def _usable_expression(cls) -> ColumnElement[bool]:
        columns = cls.__table__.c  # plain columns: usable in Core statements and ORM queries
        return and_(
            columns.enabled.is_(True),
            columns.verified_at.is_not(None),
            columns.safe_confirmed_at.is_not(None),
            columns.opted_out_at.is_(None),
        )


class Consent(IdMixin, Base):
    """Append-only log of every change to how someone may be contacted."""

    __tablename__ = "notification_consents"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    contact_point_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("notification_contact_points.id")
    )
    # What changed, e.g. "sms.enabled", "sms.opted_out", "category.court", "quiet_hours".
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(String(60))
    new_value: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(20))
    # Why an ISVA changed it on the victim's behalf (free text, so encrypted).
    reason: Mapped[str | None] = mapped_column(EncryptedText("notification_consents.reason"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(IdMixin, Base):
    """One row per person: a choice per category (missing means "tell me") and quiet hours
    as minutes after local midnight in Europe/London."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    choices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quiet_start_minute: Mapped[int] = mapped_column(default=21 * 60)
    quiet_end_minute: Mapped[int] = mapped_column(default=8 * 60)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Rows waiting to be sent (Status.DUE, not folded into another send), as literal SQL: the
# partial index and the claim query must say it identically for the planner to use the index.
QUEUE_PREDICATE = "status IN ('queued', 'failed_retryable') AND coalesced_into_id IS NULL"


FAILED_PREDICATE = "status = 'failed_permanent'"


class Notification(IdMixin, TimestampMixin, Base):
    """The outbox row: one message to one person on one channel, for one source event."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "not_before"),
        Index("ix_notifications_contact_point_status", "contact_point_id", "status"),
        # The queue itself: only rows waiting to be sent, in the order the worker takes them,
        # so a claim reads the first few entries however long the queue is.
        Index(
            "ix_notifications_queue",
            "not_before",
            postgresql_where=text(QUEUE_PREDICATE),
            sqlite_where=text(QUEUE_PREDICATE),
        ),
        # The caseload's "failed" signal: the few notifications that failed for good, by case.
        Index(
            "ix_notifications_failed_case",
            "case_id",
            postgresql_where=text(FAILED_PREDICATE),
            sqlite_where=text(FAILED_PREDICATE),
        ),
    )

    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    contact_point_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notification_contact_points.id")
    )
    kind: Mapped[str] = mapped_column(String(30))
    category: Mapped[str | None] = mapped_column(String(30))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    template: Mapped[str] = mapped_column(String(40))
    template_version: Mapped[int]
    source_key: Mapped[str] = mapped_column(String(200))
    # sha256 of (source event, recipient, channel): the same event is queued once per channel.
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.QUEUED)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # Queued after the ISVA recorded telling the victim first: an "isva_first" choice for the
    # category is met, so the worker's re-check at claim time must not cancel it.
    isva_told: Mapped[bool] = mapped_column(default=False, server_default=false())
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(255))  # email Message-ID
    last_error_code: Mapped[str | None] = mapped_column(String(30))
    # Sent as part of another notification to the same person (coalescing).
    coalesced_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("notifications.id"), index=True
    )
    # A one-time secret the message must carry (a verification code), cleared once final.
    secret: Mapped[str | None] = mapped_column(EncryptedText("notifications.secret"))
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryAttempt(Base):
    """One try at handing a notification to a provider. The id is made, and committed, before
    the provider is called: it travels in the status callback URL, so an in-doubt send can be
    matched to what the provider saw."""

    __tablename__ = "notification_attempts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id"), index=True)
    number: Mapped[int]
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    # [[status, iso time], ...]: every state this attempt went through, in order.
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[str | None] = mapped_column(String(30))
    worker: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    def mark(self, status: str, at: datetime) -> None:
        self.status = status
        self.history = [*(self.history or []), [status, at.isoformat()]]


# The tables themselves, typed, for the worker's set-based statements (Core, not the ORM).
NOTIFICATIONS = cast(Table, Notification.__table__)
ATTEMPTS = cast(Table, DeliveryAttempt.__table__)
POINTS = cast(Table, ContactPoint.__table__)
PREFERENCES = cast(Table, NotificationPreference.__table__)
