"""Whether and when a person is told about one piece of news: the one place that decides.

``decide`` answers from a snapshot (the person's preferences, whether a contact point can reach
them, the event's own ISVA-first flag, whether the ISVA has told them, and the clock), with no
session and no Flask, so the rule is testable as a table. Publishing asks it whether to hold an
update for the ISVA, ``notify`` asks it whether and when to queue, and the worker asks it again
at claim time (a change of mind made after queuing still wins, and quiet hours are measured
against the moment of sending).

The answers, in the order they are checked:

- ``HOLD_FOR_ISVA``: the event is ISVA-first, or the victim chose "my ISVA tells me first" for
  the category, and the ISVA has not yet recorded telling them. Nothing goes to the victim.
- ``DONT_NOTIFY``: the victim will look at the portal themselves.
- ``NO_CONTACT_POINT``: nothing they have given us may be used (off, unsafe, unverified, opted
  out).
- ``TELL_NOW`` or ``TELL_LATER``: send at ``at``, which is the end of the victim's quiet hours
  when it is quiet now.

Staff and verification codes skip choices and quiet hours: choices are a victim's, and a code
was asked for a moment ago by someone waiting for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from notifications import policy
from notifications.models import Choice, is_usable
from notifications.policy import Preferences
from notifications.render import KIND_STAFF_INVITATION, KIND_STAFF_WORK, KIND_VERIFICATION

TELL_NOW = "tell_now"
TELL_LATER = "tell_later"
# The three "not telling" answers keep the names notify has always reported (NotifyResult).
HOLD_FOR_ISVA = "isva_first"
DONT_NOTIFY = "dont_notify"
NO_CONTACT_POINT = "no_contact_point"

# Kinds that are never a victim's news: no category choice, no quiet hours.
EXEMPT_KINDS = frozenset({KIND_VERIFICATION, KIND_STAFF_WORK, KIND_STAFF_INVITATION})


@dataclass(frozen=True, slots=True)
class Decision:
    """One answer of ``decide``. ``at`` is when sending may start (None when not telling)."""

    outcome: str
    at: datetime | None = None

    @property
    def tells(self) -> bool:
        return self.outcome in (TELL_NOW, TELL_LATER)

    @property
    def holds(self) -> bool:
        """Held until the ISVA has told the victim: the caller keeps the news from them."""
        return self.outcome == HOLD_FOR_ISVA


def follows_preferences(kind: str, is_staff: bool) -> bool:
    """Whether the person's category choices and quiet hours apply to this kind of message."""
    return not is_staff and kind not in EXEMPT_KINDS


def can_reach(point: Any, kind: str) -> bool:
    """Whether this contact point (a row or an object with its columns) may carry ``kind``.
    A verification code goes to a point that is not verified yet: that is what it is for."""
    if kind == KIND_VERIFICATION:
        return bool(
            point.enabled and point.safe_confirmed_at is not None and not point.opted_out_at
        )
    return is_usable(point)


def tell_at(pref: Preferences | None, now: datetime) -> datetime:
    """When a victim's news may be sent: ``now``, or the end of their quiet hours."""
    start, end = policy.quiet_window(pref)
    return policy.quiet_hours_end(now, start, end)


def is_quiet(pref: Preferences | None, at: datetime) -> bool:
    """Whether ``at`` falls in the victim's quiet hours: news then waits (see ``tell_at``)."""
    return tell_at(pref, at) > at


def deliver_by(
    pref: Preferences | None, now: datetime, kind: str, is_staff: bool
) -> datetime | None:
    """The latest a message sent ``now`` should arrive: the victim's next quiet hours (None
    when there are none, or they do not apply). A text still undelivered then is dropped by
    the network rather than arriving at night."""
    if not follows_preferences(kind, is_staff):
        return None
    start, end = policy.quiet_window(pref)
    return policy.next_quiet_start(now, start, end)


def decide(
    pref: Preferences | None,
    *,
    kind: str,
    is_staff: bool,
    category: str | None,
    now: datetime,
    reachable: bool,
    event_isva_first: bool = False,
    isva_has_told: bool = False,
) -> Decision:
    """Whether and when to tell the person (see the module docstring for the answers)."""
    personal = follows_preferences(kind, is_staff)
    if personal:
        choice = policy.choice_for(pref, category)
        if (event_isva_first or choice == Choice.ISVA_FIRST) and not isva_has_told:
            return Decision(HOLD_FOR_ISVA)
        if choice == Choice.DONT_NOTIFY:
            return Decision(DONT_NOTIFY)
    if not reachable:
        return Decision(NO_CONTACT_POINT)
    at = tell_at(pref, now) if personal else now
    return Decision(TELL_NOW if at <= now else TELL_LATER, at)


def decide_for_victim(
    session: Session,
    victim_id: uuid.UUID,
    kind: str,
    *,
    category: str | None,
    now: datetime,
    event_isva_first: bool = False,
    isva_has_told: bool = False,
) -> Decision:
    """``decide`` for a victim's news from what is stored now (preferences and usable contact
    points, in one round trip)."""
    pref, points = policy.preferences_and_points(session, victim_id)
    return decide(
        pref,
        kind=kind,
        is_staff=False,
        category=category,
        now=now,
        reachable=bool(points),
        event_isva_first=event_isva_first,
        isva_has_told=isva_has_told,
    )
