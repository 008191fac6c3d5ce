"""Claiming due notifications: the one step where workers compete.

The claim runs in one short transaction. On PostgreSQL it locks the contact points it will
serve with ``FOR UPDATE SKIP LOCKED`` (so two workers never serve one person at once and never
wait on each other), then re-reads the due rows in a fresh statement. On SQLite the worker's
transactions begin with ``BEGIN IMMEDIATE`` (SQLAlchemy drops FOR UPDATE there), which gives
the same exclusivity. Consent, opt-out, choices and quiet hours are checked again here, the
rows to one person on one channel are coalesced into one send, and a DeliveryAttempt with a
fresh id is written. The caller commits before any provider is called.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    Update,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased

from notifications import policy
from notifications.config import base_url, status_callback_url
from notifications.models import (
    ATTEMPTS,
    NOTIFICATIONS,
    QUEUE_PREDICATE,
    Choice,
    ContactPoint,
    Notification,
    NotificationPreference,
    Status,
)
from notifications.providers.base import OutgoingMessage, Provider
from notifications.render import (
    KIND_STAFF_INVITATION,
    KIND_STAFF_WORK,
    KIND_VERIFICATION,
    render,
)
from notifications.unsubscribe import unsubscribe_url
from portal.config import Settings
from portal.models import Role, User

VERIFICATION_VALIDITY = 900  # a code is useless after 15 minutes
MAX_VALIDITY = 36000  # Twilio's maximum ValidityPeriod


@dataclass
class Job:
    """One send: the lead notification, its attempt, and the rows coalesced into it."""

    notification_id: uuid.UUID
    attempt_id: uuid.UUID
    channel: str
    contact_point_id: uuid.UUID
    started_at: datetime
    message: OutgoingMessage
    follower_ids: list[uuid.UUID] = field(default_factory=list)
    lease_until: datetime | None = None


def _due(now: Any) -> tuple[ColumnElement[bool] | TextClause, ...]:
    """Waiting to be sent and due by ``now``: the queue index's own predicate, so the claim's
    two reads of the queue and the index agree on what "due" means."""
    return (text(QUEUE_PREDICATE), Notification.not_before <= now)


@functools.cache
def _candidates_statement() -> Select[uuid.UUID]:
    """Due rows in ``not_before`` order, skipping people who already have a send in flight.
    The queue predicate is literal SQL, identical to the partial index's, so the planner
    walks ``ix_notifications_queue`` and stops after the first rows it needs."""
    in_flight = aliased(Notification)
    return (
        select(Notification.contact_point_id)
        .where(*_due(bindparam("now")))
        .where(
            ~select(in_flight.id)
            .where(
                in_flight.contact_point_id == Notification.contact_point_id,
                in_flight.status == Status.SENDING,
            )
            .exists()
        )
        .order_by(Notification.not_before)
        .limit(bindparam("rows"))
    )


def claim(
    session: Session,
    *,
    now: datetime,
    worker: str,
    limit: int,
    lease_seconds: float,
    providers: dict[str, Provider],
    settings: Settings,
) -> list[Job]:
    """Claim up to ``limit`` sends (one per contact point). Does not commit."""
    # Contact points with the longest-waiting sends, read from the front of the queue index.
    candidates = list(
        dict.fromkeys(
            session.scalars(_candidates_statement(), {"now": now, "rows": limit * 4}).all()
        )
    )
    if not candidates:
        return []
    # Lock the first ``limit`` of them, in queue order; people another worker holds are
    # skipped and the next in the queue taken instead.
    points: dict[uuid.UUID, ContactPoint] = {}
    while candidates and len(points) < limit:
        take, candidates = candidates[: limit - len(points)], candidates[limit - len(points) :]
        for point in session.scalars(
            select(ContactPoint).where(ContactPoint.id.in_(take)).with_for_update(skip_locked=True)
        ):
            points[point.id] = point
    if not points:
        return []
    # A fresh statement, after the locks: sees every send another worker has committed.
    busy = set(
        session.scalars(
            select(Notification.contact_point_id).where(
                Notification.contact_point_id.in_(points), Notification.status == Status.SENDING
            )
        )
    )
    free = [pid for pid in points if pid not in busy]
    if not free:
        return []
    rows = session.scalars(
        select(Notification)
        .where(Notification.contact_point_id.in_(free), *_due(now))
        .order_by(Notification.created_at)
    ).all()
    followers_of: dict[uuid.UUID, list[Notification]] = defaultdict(list)
    for follower in session.scalars(
        select(Notification).where(Notification.coalesced_into_id.in_([r.id for r in rows]))
    ):
        followers_of[follower.coalesced_into_id].append(follower)  # type: ignore[index]
    users = {
        r.id: Recipient(r.id, Role(r.role).is_staff, r.is_enabled, r.language or "en")
        for r in session.execute(
            select(User.id, User.role, User.is_enabled, User.language).where(
                User.id.in_({r.recipient_id for r in rows})
            )
        )
    }
    prefs = {
        r.user_id: policy.PreferenceSnapshot(r.choices or {}, r.quiet_start, r.quiet_end)
        for r in session.execute(
            select(
                NotificationPreference.user_id,
                NotificationPreference.choices,
                NotificationPreference.quiet_start_minute.label("quiet_start"),
                NotificationPreference.quiet_end_minute.label("quiet_end"),
            ).where(NotificationPreference.user_id.in_(list(users)))
        )
    }

    groups: dict[uuid.UUID, dict[str, list[Notification]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[row.contact_point_id][row.template].append(row)

    jobs: list[Job] = []
    lease = now + timedelta(seconds=lease_seconds)
    writes = _Writes()
    for point_id, by_template in groups.items():
        point = points[point_id]
        # One send per contact point at a time: the template group waiting longest goes first.
        group = min(by_template.values(), key=lambda g: min(r.created_at for r in g))
        members = [*group]
        for row in group:
            members.extend(followers_of.get(row.id, []))
        user = users[members[0].recipient_id]
        pref = prefs.get(user.id)
        live = [r for r in members if _still_wanted(r, user, point, pref, now)]
        if not live:
            continue
        if (
            live[0].kind not in (KIND_VERIFICATION, KIND_STAFF_WORK)
            and not user.is_staff
            and _quiet(pref, now)
        ):
            start, end = policy.quiet_window(pref)
            later = policy.quiet_hours_end(now, start, end)
            for row in live:
                row.not_before = later
                row.updated_at = now
            continue
        if live[0].kind in (KIND_VERIFICATION, KIND_STAFF_INVITATION):
            # Only the newest code or invitation link works (issuing one revokes the last):
            # send that one alone.
            lead = max(live, key=lambda r: r.created_at)
            for row in live:
                if row is not lead:
                    _cancel(row, "superseded", now)
            followers = []
        else:
            lead = max(live, key=lambda r: (r.attempts, -r.created_at.timestamp()))
            followers = [r for r in live if r is not lead]
        job = _start_attempt(
            writes, lead, followers, point, user, pref, now, lease, worker, providers, settings
        )
        jobs.append(job)
    writes.apply(session, now=now, lease=lease, worker=worker)
    return jobs


@dataclass(frozen=True, slots=True)
class Recipient:
    """What a claim needs to know of the person (not their encrypted details)."""

    id: uuid.UUID
    is_staff: bool
    is_enabled: bool
    language: str = "en"  # what the message is written in: the person's stored language


@dataclass
class _Writes:
    """A claim's writes, made set-based once every send is decided: an UPDATE of all the
    leads, one multi-row INSERT of the attempts, and the new email Message-IDs. The claim is
    the worker's one contended transaction, so it is kept short."""

    leads: list[uuid.UUID] = field(default_factory=list)
    attempts: list[dict[str, object]] = field(default_factory=list)
    message_ids: list[dict[str, object]] = field(default_factory=list)

    def apply(self, session: Session, *, now: datetime, lease: datetime, worker: str) -> None:
        if not self.leads:
            return
        table = NOTIFICATIONS.c
        session.execute(
            update(Notification)
            .where(Notification.id.in_(self.leads))
            .values(
                status=Status.SENDING,
                attempts=table.attempts + 1,
                lease_until=lease,
                claimed_by=worker,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if self.message_ids:
            session.execute(_message_id_statement(), self.message_ids)
        session.execute(insert(ATTEMPTS), self.attempts)


@functools.cache
def _message_id_statement() -> Update:
    table = NOTIFICATIONS
    return (
        update(table).where(table.c.id == bindparam("m_id")).values(message_id=bindparam("m_mid"))
    )


def _quiet(pref, now: datetime) -> bool:
    start, end = policy.quiet_window(pref)
    return policy.in_quiet_hours(now, start, end)


def _still_wanted(row: Notification, user: Recipient, point: ContactPoint, pref, now) -> bool:
    """Consent is checked again at claim time; a row no longer wanted is cancelled."""
    reason = None
    if not user.is_enabled:
        reason = "account_disabled"
    elif row.kind == KIND_VERIFICATION:
        if not point.enabled or point.safe_confirmed_at is None or point.opted_out_at:
            reason = "consent_withdrawn"
    elif not point.usable:
        reason = "opted_out" if point.opted_out_at else "consent_withdrawn"
    elif not user.is_staff and policy.choice_for(pref, row.category) != Choice.TELL_ME:
        reason = "choice_changed"
    if reason is None:
        return True
    _cancel(row, reason, now)
    return False


def _cancel(row: Notification, reason: str, now: datetime) -> None:
    row.status = Status.CANCELLED
    row.last_error_code = reason
    row.coalesced_into_id = None
    row.secret = None
    row.updated_at = now


def _start_attempt(
    writes: _Writes,
    lead: Notification,
    followers: list[Notification],
    point: ContactPoint,
    user: Recipient,
    pref,
    now: datetime,
    lease: datetime,
    worker: str,
    providers: dict[str, Provider],
    settings: Settings,
) -> Job:
    provider = providers[lead.channel]
    attempt_id = uuid.uuid4()
    writes.attempts.append(
        {
            "id": attempt_id,
            "notification_id": lead.id,
            "number": lead.attempts + 1,
            "provider": provider.name,
            "status": Status.SENDING,
            "history": [[Status.SENDING, now.isoformat()]],
            "provider_id": None,
            "error_code": None,
            "worker": worker,
            "started_at": now,
            "finished_at": None,
        }
    )
    writes.leads.append(lead.id)
    message_id = lead.message_id
    rendered = render(
        lead.kind,
        service=settings.SERVICE_NAME,
        url=base_url(settings),
        code=lead.secret,
        language=user.language,
    )
    validity = None
    callback = None
    if lead.channel == "sms":
        callback = f"{status_callback_url(settings)}?n={lead.id}&a={attempt_id}"
        if lead.kind == KIND_VERIFICATION:
            validity = VERIFICATION_VALIDITY
        elif not user.is_staff:
            start, end = policy.quiet_window(pref)
            quiet = policy.next_quiet_start(now, start, end)
            if quiet is not None:
                validity = max(1, int(min(MAX_VALIDITY, (quiet - now).total_seconds())))
    elif message_id is None:
        domain = settings.MAIL_FROM.rpartition("@")[2] or "waypoint.invalid"
        message_id = make_msgid(domain=domain)
        writes.message_ids.append({"m_id": lead.id, "m_mid": message_id})
    for row in followers:
        row.status = Status.SENDING
        row.coalesced_into_id = lead.id
        row.updated_at = now
    message = OutgoingMessage(
        notification_id=lead.id,
        attempt_id=attempt_id,
        channel=lead.channel,
        to=point.address,
        sms_body=rendered.sms,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id,
        unsubscribe_url=unsubscribe_url(settings, point),
        status_callback=callback,
        validity_period=validity,
    )
    return Job(
        lead.id,
        attempt_id,
        lead.channel,
        point.id,
        now,
        message,
        [r.id for r in followers],
        lease,
    )
