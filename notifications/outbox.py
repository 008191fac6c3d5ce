"""``notify``: the only way a notification enters the system.

It decides (consent, per-category choice, quiet hours) and adds outbox rows to the caller's
transaction; it never commits and never sends. The caller's commit makes the event and its
notifications durable together, so neither exists without the other.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from notifications import policy
from notifications.models import (
    NOTIFICATIONS,
    Channel,
    Choice,
    ContactPoint,
    Notification,
    Status,
)
from notifications.policy import UsablePoint
from notifications.render import (
    KIND_STAFF_INVITATION,
    KIND_STAFF_WORK,
    KIND_VERIFICATION,
    KINDS,
    VICTIM_KINDS,
    template_for,
)
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import User
from portal.normalise import normalise_email

QUEUED = "queued"
DUPLICATE = "duplicate"
ISVA_FIRST = "isva_first"
DONT_NOTIFY = "dont_notify"
NO_CONTACT_POINT = "no_contact_point"


@dataclass
class NotifyResult:
    """What notify decided. ``decision`` is one of: queued, duplicate (this source event was
    already queued: nothing added), isva_first (the victim asked that their ISVA tells them
    first: nothing is sent to the victim, the caller must hold the news or route it to the
    ISVA), dont_notify (the victim will check the portal themselves), no_contact_point.
    ``ids`` are the outbox rows added; ``notifications`` loads them (callers rarely need to)."""

    decision: str
    ids: list[uuid.UUID] = field(default_factory=list)
    _session: Session | None = field(default=None, repr=False, compare=False)

    @property
    def notifications(self) -> list[Notification]:
        if not self.ids or self._session is None:
            return []
        rows = {
            n.id: n
            for n in self._session.scalars(
                select(Notification).where(Notification.id.in_(self.ids))
            )
        }
        return [rows[i] for i in self.ids]


def dedupe_key(source_key: str, recipient_id: uuid.UUID, channel: str) -> str:
    raw = f"{source_key}\x00{recipient_id}\x00{channel}".encode()
    return hashlib.sha256(raw).hexdigest()


def notify(  # noqa: C901 - issue 16: notifications owner to split
    session: Session,
    recipient: User,
    kind: str,
    *,
    source_key: str,
    category: str | None = None,
    case_id: uuid.UUID | None = None,
    contact_point: ContactPoint | None = None,
    secret: str | None = None,
    isva_has_told: bool = False,
) -> NotifyResult:
    """Queue a notification of ``kind`` about the event ``source_key`` for ``recipient``.

    Victims: one row per usable contact point (on, safe, verified, not opted out), unless the
    category choice is "isva_first" or "dont_notify" (returned as the decision). Staff: email
    only, content-free; a ``staff_invitation`` carries the link token in ``secret``.
    ``verification`` targets one ``contact_point`` (usable except for the verification itself)
    and carries ``secret`` (the code). A secret is stored encrypted and cleared once the
    notification is final. ``isva_has_told``: the ISVA has recorded that
    they told the victim first, so an "isva_first" choice is satisfied and the victim is now
    told the usual way (a "dont_notify" choice still holds).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = utcnow()
    if kind == KIND_VERIFICATION:
        if contact_point is None or secret is None:
            raise ValueError("a verification needs its contact point and code")
        if not contact_point.enabled or contact_point.safe_confirmed_at is None:
            return NotifyResult(NO_CONTACT_POINT)
        if contact_point.opted_out_at is not None:
            return NotifyResult(NO_CONTACT_POINT)
        # The person asked for this code a moment ago and is waiting for it: no quiet hours.
        points = [UsablePoint(contact_point.id, contact_point.channel)]
        not_before = now
    elif recipient.is_staff:
        if kind == KIND_STAFF_INVITATION:
            if secret is None:
                raise ValueError("an invitation needs its link token")
        else:
            kind, secret = KIND_STAFF_WORK, None
        point = staff_contact_point(session, recipient)
        points = [UsablePoint(point.id, point.channel)] if point is not None else []
        not_before = now
    else:
        if kind not in VICTIM_KINDS:
            raise ValueError(f"{kind!r} is not a notification for a victim")
        pref, points = policy.preferences_and_points(session, recipient.id)
        choice = policy.choice_for(pref, category)
        if choice == Choice.ISVA_FIRST and not isva_has_told:
            return NotifyResult(ISVA_FIRST)
        if choice == Choice.DONT_NOTIFY:
            return NotifyResult(DONT_NOTIFY)
        start, end = policy.quiet_window(pref)
        not_before = policy.quiet_hours_end(now, start, end)
    if not points:
        return NotifyResult(NO_CONTACT_POINT)

    template = template_for(kind)
    values = [
        {
            "id": uuid.uuid4(),
            "recipient_id": recipient.id,
            "channel": point.channel,
            "contact_point_id": point.id,
            "kind": kind,
            "category": category,
            "case_id": case_id,
            "template": template.name,
            "template_version": template.version,
            "source_key": source_key,
            "dedupe_key": dedupe_key(source_key, recipient.id, point.channel),
            "status": Status.QUEUED,
            "not_before": not_before,
            "attempts": 0,
            "secret": secret,
            "created_at": now,
            "updated_at": now,
        }
        for point in points
    ]
    added = _insert_new(session, values)
    if not added:
        return NotifyResult(DUPLICATE)
    return NotifyResult(QUEUED, added, session)


@functools.cache
def _insert_statement(dialect: str) -> ReturningInsert[tuple[uuid.UUID]]:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = NOTIFICATIONS
    return insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)


def _insert_new(session: Session, values: list[dict[str, Any]]) -> list[uuid.UUID]:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id: one round trip, and a
    concurrent notify for the same event (which would otherwise fail the caller's whole
    transaction on the unique key) simply adds nothing. Core, not the ORM, with a statement
    built once: nothing here needs the rows as objects, and this runs in every request that
    makes news."""
    statement = _insert_statement(session.get_bind().dialect.name)
    added = set(session.scalars(statement, values))
    return [v["id"] for v in values if v["id"] in added]


def staff_contact_point(session: Session, user: User) -> ContactPoint | None:
    """Staff are told by email at their work address (verified when their account was set
    up); the contact point is made on first use."""
    if not user.email or not user.is_enabled:
        return None
    point = session.scalar(
        select(ContactPoint).where(
            ContactPoint.user_id == user.id, ContactPoint.channel == Channel.EMAIL
        )
    )
    if point is None:
        now = utcnow()
        address = normalise_email(user.email)
        point = ContactPoint(
            user_id=user.id,
            channel=Channel.EMAIL,
            address=address,
            address_lookup=lookup_hash(address, "contact:email"),
            safe_confirmed_at=now,
            verified_at=now,
            enabled=True,
        )
        with session.begin_nested():
            session.add(point)
    return point if point.usable else None
