"""Who gets what, and when: consent, per-category choices and quiet hours.

Pure functions of the stored preferences and a clock; the outbox (notify) and the worker
(at claim time) both ask the same questions, so a change of mind made after a notification was
queued still wins.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.models import Choice, ContactPoint, NotificationPreference
from portal.journey import CATEGORY_KEYS

LONDON = ZoneInfo("Europe/London")
DEFAULT_QUIET_START = 21 * 60
DEFAULT_QUIET_END = 8 * 60
# Categories a victim chooses for: the journey's, plus messages from their ISVA.
MESSAGES_CATEGORY = "messages"
PREFERENCE_CATEGORIES = (*sorted(CATEGORY_KEYS), MESSAGES_CATEGORY)


def preferences(session: Session, user_id: uuid.UUID) -> NotificationPreference | None:
    return session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )


def choice_for(pref: NotificationPreference | None, category: str | None) -> str:
    """The person's choice for a category; nothing chosen means "tell me"."""
    if category is None or pref is None:
        return Choice.TELL_ME
    value = (pref.choices or {}).get(category, Choice.TELL_ME)
    return value if value in Choice.ALL else Choice.TELL_ME


def quiet_window(pref: NotificationPreference | None) -> tuple[int, int]:
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
    points = session.scalars(
        select(ContactPoint).where(ContactPoint.user_id == user_id).order_by(ContactPoint.channel)
    ).all()
    return [p for p in points if p.usable]
