"""Claiming due notifications: the one step where workers compete.

The claim runs in one short transaction. On PostgreSQL it locks the contact points it will
serve with ``FOR UPDATE SKIP LOCKED`` (so two workers never serve one person at once and never
wait on each other), then re-reads the due rows in a fresh statement. On SQLite the worker's
transactions begin with ``BEGIN IMMEDIATE`` (SQLAlchemy drops FOR UPDATE there), which gives
the same exclusivity. Consent, opt-out, choices and quiet hours are asked of
``decision.decide`` again here (a change of mind after queuing still wins), the rows to one
person on one channel are coalesced into one send, and a DeliveryAttempt with a fresh id is
written. The caller commits before any provider is called.
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
    Row,
    Select,
    TextClause,
    bindparam,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from notifications import decision, delivery, policy
from notifications.claim_reads import (
    Point,
    busy_statement,
    points_statement,
    recipients_statement,
    waiting_statement,
)
from notifications.claim_writes import ClaimWrites
from notifications.config import base_url, status_callback_url
from notifications.models import (
    QUEUE_PREDICATE,
    Notification,
    Status,
)
from notifications.providers.base import OutgoingMessage, Provider
from notifications.render import (
    KIND_STAFF_INVITATION,
    KIND_VERIFICATION,
    render,
)
from notifications.unsubscribe import unsubscribe_url
from portal.config import Settings
from portal.models import Role

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
    """Claim up to ``limit`` sends (one per contact point). Does not commit.

    Core rows and set-based writes throughout, no ORM objects: this is the worker's one
    contended transaction and it runs for every batch."""
    points = _lock_points(session, now, limit)
    if not points:
        return []
    # A fresh statement, after the locks: sees every send another worker has committed.
    busy = set(session.scalars(busy_statement(), {"ids": list(points)}))
    free = [pid for pid in points if pid not in busy]
    if not free:
        return []
    waiting = session.execute(waiting_statement(), {"ids": free}).all()
    rows = [r for r in waiting if r.coalesced_into_id is None and r.not_before <= now]
    due_ids = {r.id for r in rows}
    followers_of: dict[uuid.UUID, list[Row[Any]]] = defaultdict(list)
    for row in waiting:
        if row.coalesced_into_id in due_ids:
            followers_of[row.coalesced_into_id].append(row)
    users, prefs = _recipients(session, rows)

    groups: dict[uuid.UUID, dict[str, list[Row[Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[row.contact_point_id][row.template].append(row)

    jobs: list[Job] = []
    this = _Claim(now, now + timedelta(seconds=lease_seconds), worker, providers, settings)
    for point_id, by_template in groups.items():
        members = _next_send(by_template, followers_of)
        user = users[members[0].recipient_id]
        job = _claim_group(this, members, points[point_id], user, prefs.get(user.id))
        if job is not None:
            jobs.append(job)
    this.writes.apply(session, now=now, lease=this.lease, worker=worker)
    return jobs


@dataclass(frozen=True, slots=True)
class _Claim:
    """One claim's fixed facts (when, whose lease, which providers) and the writes it gathers."""

    now: datetime
    lease: datetime
    worker: str
    providers: dict[str, Provider]
    settings: Settings
    writes: ClaimWrites = field(default_factory=ClaimWrites)


def _lock_points(session: Session, now: datetime, limit: int) -> dict[uuid.UUID, Point]:
    """Up to ``limit`` contact points with due sends, locked, longest-waiting first."""
    # Contact points with the longest-waiting sends, read from the front of the queue index.
    # Twice the rows needed: a person may have several rows waiting, and another worker may
    # hold some people at this moment.
    candidates = list(
        dict.fromkeys(
            session.scalars(_candidates_statement(), {"now": now, "rows": limit * 2}).all()
        )
    )
    if not candidates:
        return {}
    # Lock the first ``limit`` of them, in queue order; people another worker holds are
    # skipped and the next in the queue taken instead.
    points: dict[uuid.UUID, Point] = {}
    while candidates and len(points) < limit:
        take, candidates = candidates[: limit - len(points)], candidates[limit - len(points) :]
        for found in session.execute(points_statement(), {"ids": take}):
            points[found.id] = Point(*found)
    return points


def _recipients(
    session: Session, rows: list[Row[Any]]
) -> tuple[dict[uuid.UUID, Recipient], dict[uuid.UUID, policy.PreferenceSnapshot]]:
    """The people the due rows are for, and the preferences of those who have stored any."""
    users: dict[uuid.UUID, Recipient] = {}
    prefs: dict[uuid.UUID, policy.PreferenceSnapshot] = {}
    for r in session.execute(recipients_statement(), {"ids": list({r.recipient_id for r in rows})}):
        users[r.id] = Recipient(r.id, Role(r.role).is_staff, r.is_enabled, r.language or "en")
        if r.pref_id is not None:
            prefs[r.id] = policy.PreferenceSnapshot(
                r.choices or {}, r.quiet_start_minute, r.quiet_end_minute
            )
    return users, prefs


def _next_send(
    by_template: dict[str, list[Row[Any]]], followers_of: dict[uuid.UUID, list[Row[Any]]]
) -> list[Row[Any]]:
    """One send per contact point at a time: the template group waiting longest goes first,
    with the rows already coalesced into its members."""
    group = min(by_template.values(), key=lambda g: min(r.created_at for r in g))
    members = [*group]
    for row in group:
        members.extend(followers_of.get(row.id, []))
    return members


def _claim_group(
    this: _Claim,
    members: list[Row[Any]],
    point: Point,
    user: Recipient,
    pref: policy.PreferenceSnapshot | None,
) -> Job | None:
    """One contact point's send: the rows still wanted, deferred together when it is quiet
    now (``decision.decide`` says when), else one attempt with the rest coalesced into it."""
    writes, now = this.writes, this.now
    wanted: dict[uuid.UUID, datetime] = {}
    for row in members:
        at = _wanted_at(writes, row, user, point, pref, now)
        if at is not None:
            wanted[row.id] = at
    live = [r for r in members if r.id in wanted]
    if not live:
        return None
    later = wanted[live[0].id]
    if later > now:
        writes.deferred[later].extend(r.id for r in live)
        return None
    if live[0].kind in (KIND_VERIFICATION, KIND_STAFF_INVITATION):
        # Only the newest code or invitation link works (issuing one revokes the last):
        # send that one alone.
        lead = max(live, key=lambda r: r.created_at)
        for row in live:
            if row is not lead:
                writes.cancelled["superseded"].append(row.id)
        followers = []
    else:
        lead = max(live, key=lambda r: (r.attempts, -r.created_at.timestamp()))
        followers = [r for r in live if r is not lead]
    return _start_attempt(this, lead, followers, point, user, pref)


@dataclass(frozen=True, slots=True)
class Recipient:
    """What a claim needs to know of the person (not their encrypted details)."""

    id: uuid.UUID
    is_staff: bool
    is_enabled: bool
    language: str = "en"  # what the message is written in: the person's stored language


def _wanted_at(
    writes: ClaimWrites,
    row: Row[Any],
    user: Recipient,
    point: Point,
    pref: policy.PreferenceSnapshot | None,
    now: datetime,
) -> datetime | None:
    """When the row may be sent, asked of ``decision.decide`` again at claim time: consent,
    choices and quiet hours as they are now. A row no longer wanted is cancelled (None)."""
    reason = None
    if not user.is_enabled:
        reason = "account_disabled"
    elif not decision.can_reach(point, row.kind):
        opted_out = row.kind != KIND_VERIFICATION and point.opted_out_at
        reason = "opted_out" if opted_out else "consent_withdrawn"
    else:
        answer = decision.decide(
            pref,
            kind=row.kind,
            is_staff=user.is_staff,
            category=row.category,
            now=now,
            reachable=True,
            isva_has_told=row.isva_told,
        )
        if answer.tells and answer.at is not None:
            return answer.at
        reason = "choice_changed"
    writes.cancelled[reason].append(row.id)
    return None


def _start_attempt(
    this: _Claim,
    lead: Row[Any],
    followers: list[Row[Any]],
    point: Point,
    user: Recipient,
    pref: policy.PreferenceSnapshot | None,
) -> Job:
    """Begin the lead's next attempt (written with the claim's other writes) and build the
    message it sends."""
    writes, now, settings = this.writes, this.now, this.settings
    provider = this.providers[lead.channel]
    attempt_id = uuid.uuid4()
    writes.attempts.append(
        delivery.new_attempt(
            attempt_id, lead.id, lead.attempts + 1, provider.name, this.worker, now
        )
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
        validity = _validity(lead.kind, user, pref, now)
    elif message_id is None:
        domain = settings.MAIL_FROM.rpartition("@")[2] or "waypoint.invalid"
        message_id = make_msgid(domain=domain)
        writes.message_ids[lead.id] = message_id
    if followers:
        writes.coalesced[lead.id] = [r.id for r in followers]
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
    follower_ids = [r.id for r in followers]
    return Job(lead.id, attempt_id, lead.channel, point.id, now, message, follower_ids, this.lease)


def _validity(
    kind: str, user: Recipient, pref: policy.PreferenceSnapshot | None, now: datetime
) -> int | None:
    """How long the network may keep trying a text, in seconds: a code is useless after 15
    minutes, and a victim's news must not arrive once their quiet hours begin."""
    if kind == KIND_VERIFICATION:
        return VERIFICATION_VALIDITY
    quiet = decision.deliver_by(pref, now, kind, user.is_staff)
    if quiet is None:
        return None
    return max(1, int(min(MAX_VALIDITY, (quiet - now).total_seconds())))
