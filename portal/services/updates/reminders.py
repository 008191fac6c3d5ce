"""Reminders the victim chooses: before a court date (7 and 1 days) and before a time limit to
ask for something closes (Right to Review, Unduly Lenient Sentence: 10 and 3 days).

Nothing is stored ahead of time. The dates come from what the victim can already see (published
updates), so a changed date, a withdrawn update or a request for a review changes the reminders
by itself; ``sweep`` (run by the scheduler every minute) sends what has fallen due and cancels a
queued reminder whose date no longer stands. Each reminder has a key (update, date, days
before) claimed once in ``reminders_sent``: two schedulers never send one twice. The text is the
neutral "You have a reminder" (notifications/render.py), through ``notify`` (consent, choices
per category and quiet hours apply).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from notifications import delivery, notify
from notifications.models import Notification, Status
from notifications.render import KIND_REMINDER
from portal.clock import utcnow
from portal.db import insert_once
from portal.journey_model import WindowKind
from portal.models import (
    AuditOutcome,
    Case,
    CaseStatus,
    ReminderKind,
    ReminderSent,
    ReminderSettings,
    Update,
    UpdateStatus,
    User,
)
from portal.services import audit
from portal.services.updates import deadlines, disclosure

OFFSETS = {ReminderKind.COURT_DATE: (7, 1), ReminderKind.TIME_LIMIT: (10, 3)}
SEND_AT = time(9, 0)  # Europe/London, on the day the reminder falls due
HEARING_EVENTS = ("hearing_scheduled",)
# The latest published of these is the trial date; an earlier one has been replaced.
TRIAL_EVENTS = ("trial_date_set", "trial_date_changed")
VRR_REQUESTED = "vrr_requested"
KEY_PREFIX = "reminder:"


@dataclass(frozen=True)
class KnownDate:
    """A date the victim may want to be reminded of, from one published update."""

    kind: str  # ReminderKind
    update: Update
    on: date
    label: object  # what the date is (shown on the victim's own pages only)
    window_name: object | None = None  # the time limit's scheme, for a time limit

    @property
    def stem(self) -> str:
        """The key of this date: a changed date is a different date."""
        return f"{KEY_PREFIX}{self.update.id}:{self.on.isoformat()}"

    def key(self, days_before: int) -> str:
        return f"{self.stem}:{days_before}"

    @property
    def offsets(self) -> tuple[int, ...]:
        return OFFSETS[self.kind]


def known_dates(session: Session, case: Case, today: date | None = None) -> list[KnownDate]:
    """Court dates still ahead and time limits still open, soonest first."""
    today = today or deadlines.london_today()
    found = session.scalars(
        select(Update)
        .where(
            Update.case_id == case.id,
            Update.status == UpdateStatus.PUBLISHED,
            Update.published_at.is_not(None),
            or_(
                Update.event_key.in_((*HEARING_EVENTS, *TRIAL_EVENTS, VRR_REQUESTED)),
                Update.window_closes_on >= today,
            ),
        )
        .order_by(Update.published_at, Update.id)
    ).all()
    trials = [u for u in found if u.event_key in TRIAL_EVENTS]
    review_asked = [u.event_date for u in found if u.event_key == VRR_REQUESTED]
    dates: list[KnownDate] = []
    for u in found:
        if not disclosure.is_disclosed(u):
            continue  # nothing a sensitive update implies before the victim chose to read it
        court = u.event_key in HEARING_EVENTS or (trials and u is trials[-1])
        if court and u.event_date >= today:
            label = _l("A court date") if u.event_key in HEARING_EVENTS else _l("Trial date")
            dates.append(KnownDate(ReminderKind.COURT_DATE, u, u.event_date, label))
        window = deadlines.window_for(u.event_key, u.event_date)
        if window is None or not window.is_open(today):
            continue
        if window.kind == WindowKind.VRR and any(d >= u.event_date for d in review_asked):
            continue  # the victim has asked for the review: the time limit is used
        label = _l("Last day to ask: %(name)s", name=window.window.name)
        dates.append(
            KnownDate(ReminderKind.TIME_LIMIT, u, window.closes_on, label, window.window.name)
        )
    return sorted(dates, key=lambda d: (d.on, d.kind))


def send_moment(on: date, days_before: int) -> datetime:
    """09:00 London time, ``days_before`` days before ``on`` (UTC, DST-correct)."""
    day = on - timedelta(days=days_before)
    return datetime.combine(day, SEND_AT, tzinfo=deadlines.LONDON).astimezone(UTC)


def due_offset(known: KnownDate, now: datetime) -> int | None:
    """The reminder to send now, if any: the nearest one whose moment has come, before the day
    itself (a victim who turns reminders on late gets one reminder, not every missed one)."""
    day_starts = datetime.combine(known.on, time(0), tzinfo=deadlines.LONDON)
    if now >= day_starts:
        return None
    due = [d for d in known.offsets if send_moment(known.on, d) <= now]
    return min(due) if due else None


def settings_for(session: Session, user_id: uuid.UUID) -> ReminderSettings:
    """The victim's reminder choices (all off until they choose; not added to the session)."""
    found = session.get(ReminderSettings, user_id)
    if found is not None:
        return found
    return ReminderSettings(
        user_id=user_id, court_dates=False, time_limits=False, calendar_words=False
    )


def wants(settings: ReminderSettings, kind: str) -> bool:
    return settings.court_dates if kind == ReminderKind.COURT_DATE else settings.time_limits


def save_settings(
    session: Session,
    victim: User,
    *,
    court_dates: bool,
    time_limits: bool,
    calendar_words: bool,
) -> ReminderSettings:
    """The victim's own choice; audited (ids only). Turning a kind off also stops any reminder
    of that kind already waiting to be sent (at the next sweep, and at the worker's claim)."""
    settings = session.get(ReminderSettings, victim.id)
    if settings is None:
        settings = ReminderSettings(user_id=victim.id)
        session.add(settings)
    settings.court_dates = court_dates
    settings.time_limits = time_limits
    settings.calendar_words = calendar_words
    settings.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=victim,
        action="reminders.set",
        outcome=AuditOutcome.ALLOWED,
        object_type="user",
        object_id=victim.id,
    )
    return settings


@dataclass(frozen=True)
class Planned:
    known: KnownDate
    at: datetime  # when the reminder goes (UTC)
    days_before: int


def planned(
    session: Session, case: Case, settings: ReminderSettings, now: datetime | None = None
) -> list[Planned]:
    """Reminders still to come for the victim's choices, soonest first (for their page)."""
    now = now or utcnow()
    result = []
    for known in known_dates(session, case, now.astimezone(deadlines.LONDON).date()):
        if not wants(settings, known.kind):
            continue
        for days in known.offsets:
            at = send_moment(known.on, days)
            if at > now:
                result.append(Planned(known, at, days))
    return sorted(result, key=lambda p: p.at)


def _claim(session: Session, values: dict[str, Any]) -> bool:
    """Claim one reminder by its key: only one scheduler ever gets True (see ``insert_once``)."""
    return insert_once(session, ReminderSent, values, ["key"])


def _victim_cases(session: Session) -> Iterable[tuple[Case, ReminderSettings]]:
    rows = session.execute(
        select(Case, ReminderSettings)
        .join(ReminderSettings, ReminderSettings.user_id == Case.victim_id)
        .where(
            Case.status == CaseStatus.OPEN,
            or_(ReminderSettings.court_dates, ReminderSettings.time_limits),
        )
    ).all()
    return [(case, settings) for case, settings in rows]


def sweep(session: Session, now: datetime | None = None) -> int:
    """Send every reminder that has fallen due, once; cancel queued ones that no longer stand.
    Returns how many reminders were decided (sent or not, as ``notify`` decided)."""
    now = now or utcnow()
    today = now.astimezone(deadlines.LONDON).date()
    sent = 0
    for case, settings in _victim_cases(session):
        for known in known_dates(session, case, today):
            days = due_offset(known, now) if wants(settings, known.kind) else None
            if days is None:
                continue
            row_id = uuid.uuid4()
            claimed = _claim(
                session,
                {
                    "id": row_id,
                    "key": known.key(days),
                    "case_id": case.id,
                    "update_id": known.update.id,
                    "kind": known.kind,
                    "target_on": known.on,
                    "days_before": days,
                    "decision": "claimed",
                    "at": now,
                },
            )
            if not claimed:
                continue
            result = notify(
                session,
                case.victim,
                KIND_REMINDER,
                source_key=known.key(days),
                category=known.update.category,
                case_id=case.id,
                # The update is already the victim's to see: an "ISVA first" choice was met.
                isva_has_told=True,
            )
            decided = update(ReminderSent).where(ReminderSent.id == row_id)
            session.execute(decided.values(decision=result.decision))
            sent += 1
    cancel_stale(session, today)
    return sent


def cancel_stale(session: Session, today: date) -> int:
    """Cancel queued reminders (waiting for quiet hours to end) whose date changed, whose
    update was withdrawn, whose time limit was used, or whose kind the victim turned off."""
    waiting = session.scalars(
        select(Notification).where(
            Notification.kind == KIND_REMINDER,
            Notification.status == Status.QUEUED,
            Notification.coalesced_into_id.is_(None),
        )
    ).all()
    if not waiting:
        return 0
    standing: dict[uuid.UUID, set[str]] = {}
    for case_id in {n.case_id for n in waiting if n.case_id is not None}:
        case = session.get(Case, case_id)
        if case is None or case.status != CaseStatus.OPEN:
            standing[case_id] = set()
            continue
        settings = settings_for(session, case.victim_id)
        standing[case_id] = {
            k.stem for k in known_dates(session, case, today) if wants(settings, k.kind)
        }
    cancelled = 0
    now = utcnow()
    for row in waiting:
        stem = row.source_key.rpartition(":")[0]
        if row.case_id is not None and stem in standing.get(row.case_id, set()):
            continue
        if delivery.move(
            session, row, delivery.CANCEL, now, [], last_error_code="reminder_withdrawn"
        ):
            cancelled += 1
    return cancelled
