"""The caseload's signals: what needs doing on each case, computed for a whole caseload with
a fixed number of grouped queries (no query per case).

Signals, and when each one appears (tests check every one with a frozen clock):

- ``unread``: messages from the victim nobody who answers has opened yet.
- ``reply_overdue``: the victim's oldest unanswered message is older than the organisation's
  reply target (working days, Europe/London).
- ``callbacks``: open call-back requests.
- ``held``: updates held until the ISVA confirms support is in place (ISVA first).
- ``held_escalated``: a held update waiting more than ``ESCALATE_AFTER_WORKING_DAYS`` working
  days (Europe/London) since it was held: the supervisor's caseload and team view show it.
  Computed on every read (no scheduler job): it appears and clears with the clock.
- ``code_overdue`` / ``code_due_soon``: unpublished updates past, or within one working day
  of, their Victims' Code due day.
- ``checkin``: nothing published for the agreed "no change yet" cadence.
- ``failed``: notifications that failed for good and nobody has dealt with yet.
- ``hearing``: a published hearing or trial date in the next 14 days.
- ``window``: a published Right to Review or Unduly Lenient Sentence window closing within
  the next 14 days.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from notifications.models import Notification, Status
from portal.db import among
from portal.models import CallbackRequest, CallbackStatus, Update, UpdateStatus
from portal.models.contact_notes import NotificationAcknowledgement
from portal.services.messaging import queries as message_queries
from portal.services.messaging.queries import aware
from portal.services.updates import deadlines
from portal.services.updates.queries import DATED_EVENTS, checkins_due

LOOKAHEAD_DAYS = 14
ESCALATE_AFTER_WORKING_DAYS = 2
UNPUBLISHED = (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED, UpdateStatus.HELD_ISVA_FIRST)


class Signal(enum.StrEnum):
    UNREAD = "unread"
    REPLY_OVERDUE = "reply_overdue"
    CALLBACKS = "callbacks"
    HELD = "held"
    HELD_ESCALATED = "held_escalated"
    CODE_OVERDUE = "code_overdue"
    CODE_DUE_SOON = "code_due_soon"
    CHECKIN = "checkin"
    FAILED = "failed"
    HEARING = "hearing"
    WINDOW = "window"


# How much each signal weighs when sorting by "most urgent" (a victim waiting past a promise
# first, then things that go wrong if left, then things to prepare for).
WEIGHTS: dict[Signal, int] = {
    Signal.REPLY_OVERDUE: 100,
    Signal.CODE_OVERDUE: 100,
    Signal.HELD_ESCALATED: 100,
    Signal.FAILED: 60,
    Signal.CALLBACKS: 50,
    Signal.HELD: 50,
    Signal.WINDOW: 40,
    Signal.CODE_DUE_SOON: 30,
    Signal.HEARING: 20,
    Signal.UNREAD: 15,
    Signal.CHECKIN: 10,
}


@dataclass
class Row:
    """One case on the caseload, with its counts (0 / None when nothing is needed)."""

    case_id: uuid.UUID
    reference: str
    opened_at: datetime
    victim_id: uuid.UUID
    isva_id: uuid.UUID | None
    unread: int = 0
    awaiting_since: datetime | None = None
    reply_due: date | None = None
    reply_overdue: bool = False
    callbacks: int = 0
    oldest_callback: datetime | None = None
    held: int = 0
    held_escalated: int = 0
    code_overdue: int = 0
    code_due_soon: int = 0
    checkin_due_since: datetime | None = None
    failed: int = 0
    next_hearing: date | None = None
    window_closes: date | None = None
    victim_name: str | None = None

    @cached_property
    def signals(self) -> frozenset[Signal]:
        """Read for every case in scope, several times per caseload (filter counts, sorting,
        the page), so worked out once: read it only after compute_signals has filled the row."""
        flags = (
            (Signal.UNREAD, self.unread > 0),
            (Signal.REPLY_OVERDUE, self.reply_overdue),
            (Signal.CALLBACKS, self.callbacks > 0),
            (Signal.HELD, self.held > 0),
            (Signal.HELD_ESCALATED, self.held_escalated > 0),
            (Signal.CODE_OVERDUE, self.code_overdue > 0),
            (Signal.CODE_DUE_SOON, self.code_due_soon > 0),
            (Signal.CHECKIN, self.checkin_due_since is not None),
            (Signal.FAILED, self.failed > 0),
            (Signal.HEARING, self.next_hearing is not None),
            (Signal.WINDOW, self.window_closes is not None),
        )
        return frozenset(signal for signal, on in flags if on)

    @cached_property
    def urgency(self) -> int:
        return sum(WEIGHTS[s] for s in self.signals)

    @property
    def waiting_since(self) -> datetime | None:
        """How long the victim has been waiting for a person: the oldest unanswered message
        or open call-back request."""
        times = [t for t in (self.awaiting_since, self.oldest_callback) if t is not None]
        return min(times) if times else None


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


TRIAL_DATES = ("trial_date_set", "trial_date_changed")


def _not_superseded() -> Any:
    """A trial date counts until a later published "trial date changed" replaces it."""
    later = aliased(Update)
    return or_(
        Update.event_key.not_in(TRIAL_DATES),
        ~exists().where(
            later.case_id == Update.case_id,
            later.event_key == "trial_date_changed",
            later.status == UpdateStatus.PUBLISHED,
            later.published_at > Update.published_at,
        ),
    )


def escalation_cutoff(today: date) -> datetime:
    """Held before this moment (UTC) means held more than ESCALATE_AFTER_WORKING_DAYS working
    days ago: the start (Europe/London) of the day after the latest such day."""
    day = today
    while deadlines.working_days_between(day, today) <= ESCALATE_AFTER_WORKING_DAYS:
        day -= timedelta(days=1)
    start = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=deadlines.LONDON)
    return start.astimezone(UTC)


def compute_signals(
    session: Session,
    rows: dict[uuid.UUID, Row],
    ids: Any,
    now: datetime,
    reply_target_days: int,
) -> None:
    """Fill in every row's signals with a fixed number of grouped queries.

    ``ids`` is a subquery selecting the case ids in scope (so no parameter list grows with the
    caseload); ``rows`` maps those ids to their rows.
    """
    today = now.astimezone(deadlines.LONDON).date()
    _message_signals(session, rows, ids, today, reply_target_days)
    _callback_signals(session, rows, ids)
    _update_signals(session, rows, ids, today)
    # "No change yet" check-ins (one query, shared with the case page).
    for checkin in checkins_due(session, ids, now):
        rows[checkin.case_id].checkin_due_since = checkin.due_since
    _failed_signals(session, rows, ids)


def _message_signals(
    session: Session, rows: dict[uuid.UUID, Row], ids: Any, today: date, reply_target_days: int
) -> None:
    """Unread messages from the victim, and the oldest one still awaiting a reply."""
    for case_id, count in message_queries.unread_counts(session, ids).items():
        rows[case_id].unread = count
    for case_id, since in message_queries.awaiting_reply_since(session, ids).items():
        row = rows[case_id]
        row.awaiting_since = since
        row.reply_due = message_queries.reply_due(since, reply_target_days)
        row.reply_overdue = today > row.reply_due


def _callback_signals(session: Session, rows: dict[uuid.UUID, Row], ids: Any) -> None:
    """Open call-back requests: how many, and since when."""
    for case_id, count, oldest in session.execute(
        select(CallbackRequest.case_id, func.count(), func.min(CallbackRequest.created_at))
        .where(among(CallbackRequest.case_id, ids), CallbackRequest.status == CallbackStatus.OPEN)
        .group_by(CallbackRequest.case_id)
    ):
        rows[case_id].callbacks = count
        rows[case_id].oldest_callback = aware(oldest)


def _update_signals(session: Session, rows: dict[uuid.UUID, Row], ids: Any, today: date) -> None:
    """Updates: held, the Victims' Code clock, hearings and windows, in one grouped query."""
    horizon = today + timedelta(days=LOOKAHEAD_DAYS)
    due_soon_until = deadlines.add_working_days(today, 1)
    published = and_(Update.status == UpdateStatus.PUBLISHED, Update.published_at.is_not(None))
    pending = and_(Update.status.in_(UNPUBLISHED), Update.due_on.is_not(None))
    held = Update.status == UpdateStatus.HELD_ISVA_FIRST
    held_since = func.coalesce(Update.held_at, Update.updated_at)
    next_hearing = and_(
        published,
        Update.event_key.in_(DATED_EVENTS),
        _not_superseded(),
        Update.event_date >= today,
        Update.event_date <= horizon,
    )
    window_open = and_(
        published, Update.window_closes_on >= today, Update.window_closes_on <= horizon
    )
    statement = (
        select(
            Update.case_id,
            func.count(case((held, 1))),
            func.count(case((and_(held, held_since < escalation_cutoff(today)), 1))),
            func.count(case((and_(pending, Update.due_on < today), 1))),
            func.count(
                case((and_(pending, Update.due_on >= today, Update.due_on <= due_soon_until), 1))
            ),
            func.min(case((next_hearing, Update.event_date))),
            func.min(case((window_open, Update.window_closes_on))),
        )
        .where(among(Update.case_id, ids))
        .group_by(Update.case_id)
    )
    for case_id, held_count, escalated, overdue, soon, hearing, window in session.execute(
        statement
    ):
        row = rows[case_id]
        row.held, row.held_escalated = held_count, escalated
        row.code_overdue, row.code_due_soon = overdue, soon
        row.next_hearing = _as_date(hearing)
        row.window_closes = _as_date(window)


def _failed_signals(session: Session, rows: dict[uuid.UUID, Row], ids: Any) -> None:
    """Notifications that failed for good and nobody has dealt with."""
    for failed_case_id, count in session.execute(
        select(Notification.case_id, func.count())
        .where(
            among(Notification.case_id, ids),
            Notification.status == Status.FAILED_PERMANENT,
            ~exists().where(NotificationAcknowledgement.notification_id == Notification.id),
        )
        .group_by(Notification.case_id)
    ):
        if failed_case_id is not None:
            rows[failed_case_id].failed = count
