"""An ISVA changing how a victim is notified, on the victim's behalf: the notification side.

A victim rings their ISVA: "my partner saw a text, stop texts now", or "don't tell me about
court dates, tell me in person". The assigned ISVA may then switch a channel off, change a
category choice or change quiet hours, always with a reason. Each change appends to the consent
log (source ``isva_on_behalf``, the ISVA as actor, the reason), in the caller's transaction; the
worker re-checks consent when it claims a notification, so a change takes effect before the
next send.

Who may ask is not decided here: the portal service (portal/services/caseload/on_behalf.py)
checks the access rules, calls ``apply_change`` and writes the audit row. This module knows
only notifications (contact points, choices, quiet hours, the consent log).

What an ISVA can never do is switch a channel *on*, or add or verify a contact point: consent to
be contacted on a channel comes only from the victim (the safety confirmation and the code sent
to that number or address). There is deliberately no function here that does either.

Every check runs before anything changes, so a refused change leaves nothing behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifications import contacts, policy
from notifications.models import (
    Channel,
    Consent,
    ConsentSource,
    ContactPoint,
    NotificationPreference,
)

REASON_MAX = 500
# Entries by the same person, with the same reason, this close together are one change.
_ONE_CHANGE = timedelta(minutes=1)


class OnBehalfError(ValueError):
    """The change was refused as asked (nothing changed). ``reason`` names what was wrong:
    "reason_missing", "reason_too_long", "stale", "nothing_changed", "channel" or "value"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Change:
    """What the ISVA asked for. ``choices`` may name some or all categories; ``quiet_hours``
    is (start, end) in minutes after local midnight, or None to leave them as they are."""

    channels_off: frozenset[str] = frozenset()
    choices: Mapping[str, str] = field(default_factory=dict)
    quiet_hours: tuple[int, int] | None = None


def is_on(point: ContactPoint) -> bool:
    """Whether a channel may be switched off: it is on, or on its way to being on (a code
    sent), and the victim has not already opted out by SMS."""
    return point.enabled and point.opted_out_at is None


def version(session: Session, user_id: uuid.UUID) -> str:
    """A token that changes whenever the victim's settings change (the consent log only grows),
    so a form filled in against old settings is refused instead of undoing a newer choice."""
    count = session.scalar(select(func.count(Consent.id)).where(Consent.user_id == user_id))
    return str(count or 0)


def apply_change(
    session: Session,
    victim_id: uuid.UUID,
    actor_id: uuid.UUID,
    change: Change,
    reason: str | None,
    *,
    seen_version: str | None = None,
) -> list[str]:
    """Apply ``change`` to the victim's settings as made by ``actor_id``, with ``reason``.
    Returns the consent-log fields that changed. Raises OnBehalfError (nothing changed).
    Checks no permission (the caller has) and never commits. Every check runs first."""
    reason = _checked_reason(reason)
    if seen_version is not None and seen_version != version(session, victim_id):
        raise OnBehalfError("stale")
    turning_off = _points_to_turn_off(session, victim_id, change.channels_off)
    pref = policy.preferences(session, victim_id)
    new_choices = _new_choices(pref, change.choices)
    new_quiet = _new_quiet_hours(pref, change.quiet_hours)
    if not (turning_off or new_choices or new_quiet):
        raise OnBehalfError("nothing_changed")

    source = ConsentSource.ISVA_ON_BEHALF
    changed: list[str] = []
    for point in turning_off:
        contacts.set_enabled(session, point, False, source=source, actor_id=actor_id, reason=reason)
        changed.append(f"{point.channel}.enabled")
    if new_choices:
        contacts.set_choices(
            session, victim_id, new_choices, source=source, actor_id=actor_id, reason=reason
        )
        changed.extend(f"category.{key}" for key in sorted(new_choices))
    if new_quiet is not None:
        contacts.set_quiet_hours(
            session, victim_id, *new_quiet, source=source, actor_id=actor_id, reason=reason
        )
        changed.append("quiet_hours")
    session.flush()
    return changed


def _checked_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OnBehalfError("reason_missing")
    if len(reason) > REASON_MAX:
        raise OnBehalfError("reason_too_long")
    return reason


def _points_to_turn_off(
    session: Session, victim_id: uuid.UUID, channels: frozenset[str]
) -> list[ContactPoint]:
    """The contact points to switch off; a channel that is not on cannot be switched off."""
    turning_off = []
    for channel in sorted(channels):
        point = (
            contacts.contact_point(session, victim_id, channel) if channel in Channel.ALL else None
        )
        if point is None or not is_on(point):
            raise OnBehalfError("channel")
        turning_off.append(point)
    return turning_off


def _new_choices(pref: NotificationPreference | None, choices: Mapping[str, str]) -> dict[str, str]:
    """The category choices that differ from the victim's current ones (each one allowed)."""
    new_choices = {}
    for category, choice in choices.items():
        if category not in policy.PREFERENCE_CATEGORIES or choice not in policy.allowed_choices(
            category
        ):
            raise OnBehalfError("value")
        if policy.choice_for(pref, category) != choice:
            new_choices[category] = choice
    return new_choices


def _new_quiet_hours(
    pref: NotificationPreference | None, quiet_hours: tuple[int, int] | None
) -> tuple[int, int] | None:
    """The new quiet hours when asked for and different (minutes after local midnight)."""
    if quiet_hours is None:
        return None
    start, end = quiet_hours
    if not (0 <= start < 1440 and 0 <= end < 1440):
        raise OnBehalfError("value")
    return None if (start, end) == policy.quiet_window(pref) else (start, end)


# --- reading the log -------------------------------------------------------------------------


def consent_log(session: Session, user_id: uuid.UUID, limit: int = 30) -> Sequence[Consent]:
    """The most recent entries of one person's consent log, newest first."""
    return session.scalars(
        select(Consent)
        .where(Consent.user_id == user_id)
        .order_by(Consent.at.desc(), Consent.id)
        .limit(limit)
    ).all()


@dataclass
class StaffChange:
    """One change an ISVA made on the victim's behalf: who, when, why, and what (the log
    entries it wrote)."""

    actor_id: uuid.UUID | None
    at: datetime
    reason: str | None
    entries: list[Consent] = field(default_factory=list)


def changes_on_behalf(session: Session, user_id: uuid.UUID, limit: int = 10) -> list[StaffChange]:
    """The latest changes made for this person by staff, newest first, entries written by one
    request grouped together (so the victim reads one change with one reason)."""
    entries = session.scalars(
        select(Consent)
        .where(Consent.user_id == user_id, Consent.source == ConsentSource.ISVA_ON_BEHALF)
        .order_by(Consent.at.desc(), Consent.id)
        .limit(limit * 5)
    ).all()
    changes: list[StaffChange] = []
    for entry in entries:
        last = changes[-1] if changes else None
        if (
            last is not None
            and last.actor_id == entry.actor_id
            and last.reason == entry.reason
            and last.at - entry.at < _ONE_CHANGE
        ):
            last.entries.append(entry)
            continue
        if len(changes) == limit:
            break
        changes.append(StaffChange(entry.actor_id, entry.at, entry.reason, [entry]))
    for item in changes:
        item.entries.reverse()  # in the order they were made
    return changes
