"""Who gets what, and when: consent, per-category choices and quiet hours.

Pure functions of the stored preferences and a clock; the outbox (notify) and the worker
(at claim time) both ask the same questions, so a change of mind made after a notification was
queued still wins.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session

from notifications.models import Choice, ContactPoint, NotificationPreference
from portal.journey import CATEGORIES
from portal.models import User

LONDON = ZoneInfo("Europe/London")
DEFAULT_QUIET_START = 21 * 60
DEFAULT_QUIET_END = 8 * 60
# Categories a victim chooses for: the journey's in journey order, then messages from their ISVA.
MESSAGES_CATEGORY = "messages"
PREFERENCE_CATEGORIES = (*(c.key for c in CATEGORIES), MESSAGES_CATEGORY)


def allowed_choices(category: str) -> tuple[str, ...]:
    """What a victim may choose for a category. A message is from the ISVA already, so "my
    ISVA tells me first" means nothing for messages and is not offered."""
    if category == MESSAGES_CATEGORY:
        return (Choice.TELL_ME, Choice.DONT_NOTIFY)
    return Choice.ALL


class Preferences(Protocol):
    """What the policy reads of a person's preferences (the ORM row, or a plain snapshot)."""

    @property
    def choices(self) -> dict[str, Any]: ...
    @property
    def quiet_start_minute(self) -> int: ...
    @property
    def quiet_end_minute(self) -> int: ...


@dataclass(frozen=True, slots=True)
class PreferenceSnapshot:
    choices: dict[str, Any]
    quiet_start_minute: int
    quiet_end_minute: int


@dataclass(frozen=True, slots=True)
class UsablePoint:
    id: uuid.UUID
    channel: str


def preferences(session: Session, user_id: uuid.UUID) -> NotificationPreference | None:
    return session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )


@functools.cache
def _preferences_and_points_statement() -> Select[Any]:
    """Core (table columns, not ORM attributes): executing it skips the ORM's per-statement
    work, which is most of the cost of so small a query."""
    points = ContactPoint.__table__.c
    prefs = NotificationPreference.__table__.c
    users = User.__table__.c
    return (
        select(
            points.id,
            points.channel,
            prefs.id,
            prefs.choices,
            prefs.quiet_start_minute,
            prefs.quiet_end_minute,
        )
        .select_from(User.__table__)
        .outerjoin(ContactPoint.__table__, and_(points.user_id == users.id, ContactPoint.usable))
        .outerjoin(NotificationPreference.__table__, prefs.user_id == users.id)
        .where(users.id == bindparam("user_id"))
        .order_by(points.channel)
    )


def preferences_and_points(
    session: Session, user_id: uuid.UUID
) -> tuple[PreferenceSnapshot | None, list[UsablePoint]]:
    """A person's preferences and usable contact points in one round trip: ``notify`` runs
    inside every request that makes news, so it reads columns, not ORM rows (no address is
    decrypted to decide whether to send), with a statement built once."""
    rows = session.execute(_preferences_and_points_statement(), {"user_id": user_id}).all()
    pref = None
    if rows and rows[0][2] is not None:
        pref = PreferenceSnapshot(rows[0][3] or {}, rows[0][4], rows[0][5])
    return pref, [UsablePoint(r[0], r[1]) for r in rows if r[0] is not None]


def choice_for(pref: Preferences | None, category: str | None) -> str:
    """The person's choice for a category; nothing chosen means "tell me"."""
    if category is None or pref is None:
        return Choice.TELL_ME
    value = (pref.choices or {}).get(category, Choice.TELL_ME)
    return value if value in allowed_choices(category) else Choice.TELL_ME


def quiet_window(pref: Preferences | None) -> tuple[int, int]:
    if pref is None:
        return DEFAULT_QUIET_START, DEFAULT_QUIET_END
    return pref.quiet_start_minute, pref.quiet_end_minute


def _minutes(local: datetime) -> int:
    return local.hour * 60 + local.minute


def in_quiet_hours(now: datetime, start: int, end: int) -> bool:
    """Whether ``now`` falls in the quiet window [start, end) of London local time."""
    if start == end:
        return False
    t = _minutes(now.astimezone(LONDON))
    if start < end:
        return start <= t < end
    return t >= start or t < end


def _local_at(day: datetime, minute: int) -> datetime:
    """The UTC instant of ``minute`` past midnight on ``day``'s London date (DST-correct)."""
    local = datetime.combine(
        day.date(), time(minute // 60, minute % 60), tzinfo=LONDON
    )  # a wall time skipped by the spring change resolves to the hour after
    return local.astimezone(UTC)


def quiet_hours_end(now: datetime, start: int, end: int) -> datetime:
    """When sending may start: ``now`` if outside quiet hours, else the end of the window."""
    if not in_quiet_hours(now, start, end):
        return now
    local = now.astimezone(LONDON)
    candidate = _local_at(local, end)
    while candidate <= now:
        local = local + timedelta(days=1)
        candidate = _local_at(local, end)
    return candidate


def next_quiet_start(now: datetime, start: int, end: int) -> datetime | None:
    """The next moment quiet hours begin (None when there are none)."""
    if start == end:
        return None
    local = now.astimezone(LONDON)
    candidate = _local_at(local, start)
    while candidate <= now:
        local = local + timedelta(days=1)
        candidate = _local_at(local, start)
    return candidate


def usable_contact_points(session: Session, user_id: uuid.UUID) -> list[ContactPoint]:
    """Contact points that are on, confirmed safe, verified and not opted out."""
    return list(
        session.scalars(
            select(ContactPoint)
            .where(ContactPoint.user_id == user_id, ContactPoint.usable)
            .order_by(ContactPoint.channel)
        )
    )
