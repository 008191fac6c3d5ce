"""``notify``: the only way a notification enters the system.

It asks ``decision.decide`` whether and when (consent, per-category choice, ISVA first, quiet
hours) and adds outbox rows to the caller's transaction; it never commits and never sends. The
caller's commit makes the event and its notifications durable together, so neither exists
without the other.
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

from notifications import decision, policy
from notifications.models import (
    NOTIFICATIONS,
    Channel,
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
ISVA_FIRST = decision.HOLD_FOR_ISVA
DONT_NOTIFY = decision.DONT_NOTIFY
NO_CONTACT_POINT = decision.NO_CONTACT_POINT


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


def notify(
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

    Whether and when is ``decision.decide``'s answer, returned as the result's ``decision``
    when nothing is queued. Victims: one row per usable contact point (on, safe, verified, not
    opted out). Staff: email only, content-free; a ``staff_invitation`` carries the link token
    in ``secret``. ``verification`` targets one ``contact_point`` (usable except for the
    verification itself) and carries ``secret`` (the code). A secret is stored encrypted and
    cleared once the notification is final. ``isva_has_told``: the ISVA has recorded that they
    told the victim first, so an "isva_first" choice is satisfied and the victim is now told
    the usual way (a "dont_notify" choice still holds). An event that is itself ISVA-first is
    held by its publisher (which asks the same decision) before it reaches here.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = utcnow()
    kind, secret, pref, points = _recipient_points(session, recipient, kind, contact_point, secret)
    answer = decision.decide(
        pref,
        kind=kind,
        is_staff=recipient.is_staff,
        category=category,
        now=now,
        reachable=bool(points),
        isva_has_told=isva_has_told,
    )
    if not answer.tells or answer.at is None:
        return NotifyResult(answer.outcome)
    row = {
        "recipient_id": recipient.id,
        "kind": kind,
        "category": category,
        "case_id": case_id,
        "source_key": source_key,
        "not_before": answer.at,
        "isva_told": isva_has_told,
        "secret": secret,
        "created_at": now,
        "updated_at": now,
    }
    added = _insert_new(session, _rows(row, points))
    if not added:
        return NotifyResult(DUPLICATE)
    return NotifyResult(QUEUED, added, session)


def _recipient_points(
    session: Session,
    recipient: User,
    kind: str,
    contact_point: ContactPoint | None,
    secret: str | None,
) -> tuple[str, str | None, policy.PreferenceSnapshot | None, list[UsablePoint]]:
    """Where this kind of notification may go for this person, and their preferences (victims
    only): (kind, secret, preferences, points), the kind and secret as a staff member gets them."""
    if kind == KIND_VERIFICATION:
        return kind, secret, None, _verification_point(contact_point, secret)
    if recipient.is_staff:
        kind, secret = _staff_kind(kind, secret)
        point = staff_contact_point(session, recipient)
        return kind, secret, None, [UsablePoint(point.id, point.channel)] if point else []
    if kind not in VICTIM_KINDS:
        raise ValueError(f"{kind!r} is not a notification for a victim")
    pref, points = policy.preferences_and_points(session, recipient.id)
    return kind, secret, pref, points


def _verification_point(
    contact_point: ContactPoint | None, secret: str | None
) -> list[UsablePoint]:
    """The one point a code goes to, if it may carry one (it need not be verified yet)."""
    if contact_point is None or secret is None:
        raise ValueError("a verification needs its contact point and code")
    if not decision.can_reach(contact_point, KIND_VERIFICATION):
        return []
    return [UsablePoint(contact_point.id, contact_point.channel)]


def _staff_kind(kind: str, secret: str | None) -> tuple[str, str | None]:
    """Staff get an invitation (with its link token) or the one content-free work notice."""
    if kind == KIND_STAFF_INVITATION:
        if secret is None:
            raise ValueError("an invitation needs its link token")
        return kind, secret
    return KIND_STAFF_WORK, None


def _rows(common: dict[str, Any], points: list[UsablePoint]) -> list[dict[str, Any]]:
    """One outbox row per contact point, each with its own id and dedupe key."""
    template = template_for(common["kind"])
    return [
        {
            **common,
            "id": uuid.uuid4(),
            "channel": point.channel,
            "contact_point_id": point.id,
            "template": template.name,
            "template_version": template.version,
            "dedupe_key": dedupe_key(common["source_key"], common["recipient_id"], point.channel),
            "status": Status.QUEUED,
            "attempts": 0,
        }
        for point in points
    ]


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
