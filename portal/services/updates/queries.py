"""Reading case updates: the victim's timeline, dashboard facts, and the caseworker's tasks and
Victims' Code clock. Every function runs a fixed number of queries, whatever the number of
updates (the timeline's bound is checked by a test)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from portal.db import IdArray, among
from portal.journey import Stage, progress
from portal.models import (
    Case,
    CaseStatus,
    DisclosureChoice,
    Update,
    UpdateCadence,
    UpdateStatus,
    UpdateVersion,
)
from portal.models.update import DEFAULT_CADENCE_WEEKS
from portal.services.updates import deadlines
from portal.services.updates.disclosure import is_disclosed

PER_PAGE = 10
# Events whose date is a day the victim may need to keep free: the "next known date".
DATED_EVENTS = ("hearing_scheduled", "trial_date_set", "trial_date_changed")


def _visible(case_id: uuid.UUID) -> ColumnElement[bool]:
    """Updates the victim can see: published ones, and the trace of withdrawn published ones."""
    return and_(
        Update.case_id == case_id,
        Update.published_at.is_not(None),
        Update.status.in_((UpdateStatus.PUBLISHED, UpdateStatus.WITHDRAWN)),
    )


@dataclass(frozen=True)
class Page:
    items: Sequence[Update]
    number: int
    pages: int
    total: int


def timeline(session: Session, case: Case, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the victim's timeline, newest first: two queries, whatever the size."""
    total = session.scalar(select(func.count()).select_from(Update).where(_visible(case.id))) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(1, page), pages)
    items = session.scalars(
        select(Update)
        .where(_visible(case.id))
        .order_by(Update.published_at.desc(), Update.id)
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(items, number, pages, total)


def visible_update(session: Session, case: Case, update_id: uuid.UUID) -> Update | None:
    return session.scalar(select(Update).where(_visible(case.id), Update.id == update_id))


def published(session: Session, case: Case) -> Sequence[Update]:
    """The case's published updates the victim can see, newest first: ONE read behind the
    dashboard's stage, next date, rights windows and "what is new" (a case holds tens of
    updates, not thousands; each fact below is a pass over this list, not a query)."""
    return session.scalars(
        select(Update)
        .where(_visible(case.id), Update.status == UpdateStatus.PUBLISHED)
        .order_by(Update.published_at.desc(), Update.id)
    ).all()


def stage_progress(updates: Iterable[Update]) -> list[tuple[Stage, str]]:
    """Where the case is, from the published updates the victim may see the meaning of
    (disclosure)."""
    return progress({u.event_key for u in updates if is_disclosed(u)})


def next_known_date(updates: Iterable[Update], today: date | None = None) -> Update | None:
    """The soonest hearing or trial date still ahead, from published, disclosed updates (the
    latest published first when two name the same day)."""
    today = today or deadlines.london_today()
    ahead = [
        u
        for u in updates
        if u.event_key in DATED_EVENTS
        and u.event_date is not None
        and u.event_date >= today
        and is_disclosed(u)
    ]
    # ``updates`` is newest first and min keeps the first of equals: the latest wins a tie.
    return min(ahead, key=lambda u: u.event_date or today, default=None)


@dataclass(frozen=True)
class CaseWindow:
    update: Update
    window: deadlines.OpenWindow


def open_windows(updates: Iterable[Update], today: date | None = None) -> list[CaseWindow]:
    """Rights windows (Right to Review, Unduly Lenient Sentence) still open for the victim,
    from the updates they have read: a window would tell them the outcome (disclosure)."""
    today = today or deadlines.london_today()
    found = sorted(
        (
            u
            for u in updates
            if u.window_closes_on is not None and u.window_closes_on >= today and is_disclosed(u)
        ),
        key=lambda u: u.window_closes_on or today,
    )
    result = []
    for update in found:
        window = deadlines.window_for(update.event_key, update.event_date)
        if window is not None and window.is_open(today):
            result.append(CaseWindow(update, window))
    return result


# --- the caseworker's tasks and clock --------------------------------------------------------


def held_updates_for_cases(session: Session, case_ids: Iterable[uuid.UUID]) -> Sequence[Update]:
    """Updates waiting for the ISVA to confirm support is in place, oldest first."""
    ids = list(case_ids)
    if not ids:
        return []
    return session.scalars(
        select(Update)
        .where(Update.case_id.in_(ids), Update.status == UpdateStatus.HELD_ISVA_FIRST)
        .order_by(Update.created_at)
    ).all()


def drafts_for_case(session: Session, case: Case) -> Sequence[Update]:
    return session.scalars(
        select(Update)
        .where(
            Update.case_id == case.id,
            Update.status.in_((UpdateStatus.DRAFT, UpdateStatus.SCHEDULED)),
        )
        .order_by(Update.created_at.desc())
    ).all()


def all_for_case(session: Session, case: Case, limit: int = 200) -> Sequence[Update]:
    return session.scalars(
        select(Update)
        .where(Update.case_id == case.id)
        .order_by(Update.created_at.desc())
        .limit(limit)
    ).all()


def versions_of(session: Session, update: Update) -> Sequence[UpdateVersion]:
    return session.scalars(
        select(UpdateVersion)
        .where(UpdateVersion.update_id == update.id)
        .order_by(UpdateVersion.version.desc())
    ).all()


def choices_of(session: Session, update: Update) -> Sequence[DisclosureChoice]:
    return session.scalars(
        select(DisclosureChoice)
        .where(DisclosureChoice.update_id == update.id)
        .order_by(DisclosureChoice.at, DisclosureChoice.id)
    ).all()


@dataclass(frozen=True)
class Clock:
    """One update against the agency's Victims' Code deadline."""

    update: Update
    due: deadlines.Due
    state: str  # "on_time", "late", "due_soon", "overdue", "pending"
    working_days_late: int = 0


def clock_for(update: Update, now: datetime) -> Clock | None:
    if update.learned_at is None or update.status == UpdateStatus.WITHDRAWN:
        return None
    due = deadlines.due_by(update.event_key, update.learned_at)
    if due is None:
        return None
    if update.published_at is not None:
        late = deadlines.lateness(due, update.published_at)
        return Clock(update, due, "on_time" if late.on_time else "late", late.working_days_late)
    if now >= due.ends_at:
        today = now.astimezone(deadlines.LONDON).date()
        return Clock(update, due, "overdue", max(1, deadlines.working_days_between(due.day, today)))
    today = now.astimezone(deadlines.LONDON).date()
    if deadlines.working_days_between(today, due.day) <= 1:
        return Clock(update, due, "due_soon")
    return Clock(update, due, "pending")


def deadline_status_for_cases(
    session: Session, case_ids: Iterable[uuid.UUID], now: datetime
) -> list[Clock]:
    """Every update with a deadline for these cases, with on time / late / due soon / overdue."""
    ids = list(case_ids)
    if not ids:
        return []
    updates = session.scalars(
        select(Update)
        .where(
            Update.case_id.in_(ids),
            Update.learned_at.is_not(None),
            Update.status != UpdateStatus.WITHDRAWN,
        )
        .order_by(Update.learned_at.desc())
    ).all()
    return [c for u in updates if (c := clock_for(u, now)) is not None]


@dataclass(frozen=True)
class CheckIn:
    case_id: uuid.UUID
    weeks: int
    last_published_at: datetime | None
    due_since: datetime


def cadence_weeks(session: Session, case: Case) -> int:
    cadence = session.get(UpdateCadence, case.id)
    return cadence.weeks if cadence else DEFAULT_CADENCE_WEEKS


def checkins_due(
    session: Session, case_ids: Iterable[uuid.UUID] | Select[Any] | IdArray, now: datetime
) -> list[CheckIn]:
    """Open cases where nothing has been published for the agreed cadence (default 4 weeks).

    ``case_ids`` may be a subquery selecting them or an ``IdArray`` (the caseload passes its
    scope, so the statement's text and parameters do not grow with the caseload).
    """
    ids = case_ids if isinstance(case_ids, Select | IdArray) else list(case_ids)
    if isinstance(ids, list) and not ids:
        return []
    last = (
        select(Update.case_id, func.max(Update.published_at).label("last"))
        .where(
            among(Update.case_id, ids),
            Update.published_at.is_not(None),
            Update.status == UpdateStatus.PUBLISHED,
        )
        .group_by(Update.case_id)
        .subquery()
    )
    rows = session.execute(
        select(Case.id, Case.opened_at, last.c.last, UpdateCadence.weeks)
        .outerjoin(last, last.c.case_id == Case.id)
        .outerjoin(UpdateCadence, UpdateCadence.case_id == Case.id)
        .where(among(Case.id, ids), Case.status == CaseStatus.OPEN)
    ).all()
    due = []
    for case_id, opened_at, last_at, weeks in rows:
        weeks = weeks or DEFAULT_CADENCE_WEEKS
        since = last_at or opened_at
        due_since = since + timedelta(weeks=weeks)
        if now >= due_since:
            due.append(CheckIn(case_id, weeks, last_at, due_since))
    return due


__all__ = [
    "PER_PAGE",
    "CaseWindow",
    "CheckIn",
    "Clock",
    "Page",
    "cadence_weeks",
    "checkins_due",
    "choices_of",
    "clock_for",
    "deadline_status_for_cases",
    "held_updates_for_cases",
    "next_known_date",
    "open_windows",
    "published",
    "stage_progress",
    "timeline",
    "versions_of",
    "visible_update",
]
