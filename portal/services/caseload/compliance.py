"""The supervisor's compliance report: the Victims' Code clock and message response times.

Both tables cover one period of London dates (inclusive) and one organisation, each from one
query whatever the number of cases (rows are summarised here, in Python).

Victims' Code: every update with a deadline whose due day falls in the period, per Victims'
Code right and per agency (an event under two rights counts under both). Published on or
before the due day is on time; later is late by working days (``deadlines.lateness``); not
published and past its due day is still overdue; not yet due is pending. Drafts withdrawn
before publishing are not counted.

Response times: a victim's *turn* is a message from the victim after a reply from the service
(or the first ever): several messages in a row are one turn, answered by the service's next
reply. The turn belongs to the ISVA assigned to the case when it started. Times are in working
hours (09:00 to 17:00 Europe/London, working days only); "within target" means replied by the
end of the organisation's reply target in working days, counted like a Victims' Code deadline.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session

from portal.models import Assignment, Case, Organisation, Update, UpdateStatus, User
from portal.models.message import Message, MessageDirection
from portal.services.updates import deadlines
from portal.services.updates.deadlines import LONDON

WORKING_DAY_STARTS = time(9, 0)
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date  # inclusive, Europe/London
    end: date  # inclusive

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=LONDON).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        """The instant after the period (midnight after ``end``, London)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(
            UTC
        )


def last_full_month(today: date | None = None) -> Period:
    today = today or deadlines.london_today()
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


# --- the Victims' Code --------------------------------------------------------------------------


@dataclass
class CodeRow:
    right: int
    agency: str
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0  # not published, past the due day
    pending: int = 0  # not published, not yet past the due day
    lateness: list[int] = field(default_factory=list)

    @property
    def median_late_days(self) -> float | None:
        return statistics.median(self.lateness) if self.lateness else None


def code_compliance(session: Session, organisation_id: uuid.UUID, period: Period) -> list[CodeRow]:
    """One row per (right, agency) with any update due in the period."""
    rows = session.execute(
        select(Update.event_key, Update.source_agency, Update.due_on, Update.published_at)
        .join(Case, Case.id == Update.case_id)
        .where(
            Case.organisation_id == organisation_id,
            Update.due_on.is_not(None),
            Update.due_on >= period.start,
            Update.due_on <= period.end,
            or_(Update.status != UpdateStatus.WITHDRAWN, Update.published_at.is_not(None)),
        )
    ).all()
    today = deadlines.london_today()
    table: dict[tuple[int, str], CodeRow] = {}
    for event_key, agency, due_on, published_at in rows:
        if due_on is None:  # pragma: no cover - filtered out by the query
            continue
        rights = _rights(event_key)
        for right in rights:
            row = table.setdefault((right, agency), CodeRow(right, agency))
            row.due += 1
            if published_at is not None:
                result = deadlines.lateness(deadlines.Due(due_on, 0), published_at)
                if result.on_time:
                    row.on_time += 1
                else:
                    row.late += 1
                    row.lateness.append(result.working_days_late)
            elif due_on < today:
                row.overdue += 1
            else:
                row.pending += 1
    return [table[k] for k in sorted(table)]


def _rights(event_key: str) -> tuple[int, ...]:
    from portal.journey import event

    try:
        return event(event_key).rights or (0,)
    except KeyError:  # an event retired from the catalogue: still counted, under no right
        return (0,)


# --- message response times ---------------------------------------------------------------------


@dataclass
class ResponseRow:
    isva_id: uuid.UUID | None
    name: str
    turns: int = 0
    answered: int = 0
    awaiting: int = 0
    within_target: int = 0
    past_target: int = 0  # answered late, or unanswered past the target
    hours: list[float] = field(default_factory=list)
    month: date | None = None  # the first day of the month, for the per-month rows

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    @property
    def p90_hours(self) -> float | None:
        return round(percentile(self.hours, 90), 1) if self.hours else None

    @property
    def within_target_percent(self) -> int | None:
        judged = self.within_target + self.past_target
        return round(100 * self.within_target / judged) if judged else None


def percentile(values: Sequence[float], pct: int) -> float:
    """Nearest-rank percentile (an actual observed value; simple to explain)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours between two instants counting only 09:00-17:00 London on working days."""
    if end <= start:
        return 0.0
    a, b = start.astimezone(LONDON), end.astimezone(LONDON)
    total = timedelta()
    day = a.date()
    while day <= b.date():
        if deadlines.is_working_day(day):
            opens = datetime.combine(day, WORKING_DAY_STARTS, tzinfo=LONDON)
            closes = datetime.combine(day, deadlines.WORKING_DAY_ENDS, tzinfo=LONDON)
            lo, hi = max(opens, a), min(closes, b)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def reply_due_day(received_at: datetime, target_working_days: int) -> date:
    """The last day a reply counts as within the target (like a Victims' Code deadline)."""
    return deadlines.add_working_days(deadlines.clock_starts(received_at), target_working_days)


@dataclass
class ResponseReport:
    rows: list[ResponseRow]  # per ISVA, by name
    total: ResponseRow
    months: list[ResponseRow]  # every ISVA together, per calendar month of the period


def response_times(
    session: Session, organisation: Organisation, period: Period
) -> tuple[list[ResponseRow], ResponseRow]:
    """One row per ISVA (by name) and the total, for turns started in the period."""
    report = response_report(session, organisation, period)
    return report.rows, report.total


def response_report(session: Session, organisation: Organisation, period: Period) -> ResponseReport:
    """Reply times per ISVA, in total and per month, for turns started in the period."""
    turns = _turns(session, organisation, period)
    names = _names(session, {isva for _, _, isva in turns if isva is not None})
    target = max(1, organisation.reply_target_working_days or 1)
    today = deadlines.london_today()
    rows: dict[uuid.UUID | None, ResponseRow] = {}
    months: dict[date, ResponseRow] = {}
    total = ResponseRow(None, "")
    for received_at, replied_at, isva_id in turns:
        received, replied = _utc(received_at), _utc(replied_at)
        if received is None:  # pragma: no cover - created_at is never null
            continue
        month = received.astimezone(LONDON).date().replace(day=1)
        row = rows.setdefault(isva_id, ResponseRow(isva_id, names.get(isva_id, "")))
        by_month = months.setdefault(month, ResponseRow(None, "", month=month))
        for summary in (row, by_month, total):
            _count(summary, received, replied, target, today)
    ordered = sorted(rows.values(), key=lambda r: (r.isva_id is None, r.name.casefold()))
    return ResponseReport(ordered, total, [months[m] for m in sorted(months)])


def _turns(
    session: Session, organisation: Organisation, period: Period
) -> Sequence[Row[datetime, datetime | None, uuid.UUID | None]]:
    """Each turn the victim started in the period (a message to the service after none, or
    after the service's reply): when it came, the service's first reply after it (or None),
    and the ISVA assigned to the case at the time (or None). One query, in the database."""
    conversation = (
        select(
            Message.case_id,
            Message.seq,
            Message.direction,
            Message.created_at,
            func.lag(Message.direction)
            .over(partition_by=Message.case_id, order_by=Message.seq)
            .label("previous"),
        )
        .join(Case, Case.id == Message.case_id)
        .where(
            Case.organisation_id == organisation.id,
            Message.direction.in_([MessageDirection.TO_SERVICE, MessageDirection.TO_VICTIM]),
        )
        .subquery()
    )
    reply = Message.__table__.alias("reply")
    first_reply = (
        select(func.min(reply.c.created_at))
        .where(
            reply.c.case_id == conversation.c.case_id,
            reply.c.seq > conversation.c.seq,
            reply.c.direction == MessageDirection.TO_VICTIM,
        )
        .scalar_subquery()
    )
    responsible = (
        select(Assignment.isva_id)
        .where(
            Assignment.case_id == conversation.c.case_id,
            Assignment.starts_at <= conversation.c.created_at,
            or_(Assignment.ends_at.is_(None), Assignment.ends_at > conversation.c.created_at),
        )
        .order_by(Assignment.starts_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return session.execute(
        select(conversation.c.created_at, first_reply, responsible).where(
            conversation.c.direction == MessageDirection.TO_SERVICE,
            or_(
                conversation.c.previous.is_(None),
                conversation.c.previous != MessageDirection.TO_SERVICE,
            ),
            and_(
                conversation.c.created_at >= period.starts_at,
                conversation.c.created_at < period.ends_at,
            ),
        )
    ).all()


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)  # pragma: no cover - UTCDateTime is aware


def _count(
    row: ResponseRow,
    received_at: datetime,
    replied_at: datetime | None,
    target: int,
    today: date,
) -> None:
    row.turns += 1
    due_day = reply_due_day(received_at, target)
    if replied_at is None:
        row.awaiting += 1
        if due_day < today:
            row.past_target += 1
        return
    row.answered += 1
    row.hours.append(working_hours_between(received_at, replied_at))
    if replied_at.astimezone(LONDON).date() <= due_day:
        row.within_target += 1
    else:
        row.past_target += 1


def _names(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID | None, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {
        user.id: user.display_name or ""
        for user in session.scalars(select(User).where(User.id.in_(wanted)))
    }
