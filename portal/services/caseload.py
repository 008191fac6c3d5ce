"""The caseload: every open case a member of staff answers for, with what needs doing on each.

Built for large caseloads (60+ per ISVA, 1,000+ for a supervisor's team): every signal is
computed by one grouped query over the whole scope (no query per case), then the rows are
filtered, sorted and paginated in Python. Sorting by urgency needs every case's signals, which
is why the signals are computed for the whole scope and not only for the page shown. Victims'
names are decrypted only for the rows of the page shown.

Signals, and when each one appears (tests check every one with a frozen clock):

- ``unread``: messages from the victim nobody who answers has opened yet.
- ``reply_overdue``: the victim's oldest unanswered message is older than the organisation's
  reply target (working days, Europe/London).
- ``callbacks``: open call-back requests.
- ``held``: updates held until the ISVA confirms support is in place (ISVA first).
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from notifications.models import Notification, Status
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import (
    Assignment,
    CallbackRequest,
    CallbackStatus,
    Case,
    CaseStatus,
    Organisation,
    Role,
    Update,
    UpdateStatus,
    User,
)
from portal.models.contact_notes import NotificationAcknowledgement
from portal.models.message import Message, MessageDirection
from portal.normalise import InvalidIdentifierError, normalise_name
from portal.services import deadlines
from portal.services.update_queries import DATED_EVENTS, checkins_due

PER_PAGE = 25
UNASSIGNED = "unassigned"
LOOKAHEAD_DAYS = 14
UNPUBLISHED = (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED, UpdateStatus.HELD_ISVA_FIRST)


class Signal(enum.StrEnum):
    UNREAD = "unread"
    REPLY_OVERDUE = "reply_overdue"
    CALLBACKS = "callbacks"
    HELD = "held"
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
    Signal.FAILED: 60,
    Signal.CALLBACKS: 50,
    Signal.HELD: 50,
    Signal.WINDOW: 40,
    Signal.CODE_DUE_SOON: 30,
    Signal.HEARING: 20,
    Signal.UNREAD: 15,
    Signal.CHECKIN: 10,
}


class Sort(enum.StrEnum):
    URGENCY = "urgency"
    REFERENCE = "reference"
    WAITING = "waiting"


class Scope(enum.StrEnum):
    MINE = "mine"
    TEAM = "team"


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
    code_overdue: int = 0
    code_due_soon: int = 0
    checkin_due_since: datetime | None = None
    failed: int = 0
    next_hearing: date | None = None
    window_closes: date | None = None
    victim_name: str | None = None

    @property
    def signals(self) -> set[Signal]:
        present = {
            Signal.UNREAD: self.unread > 0,
            Signal.REPLY_OVERDUE: self.reply_overdue,
            Signal.CALLBACKS: self.callbacks > 0,
            Signal.HELD: self.held > 0,
            Signal.CODE_OVERDUE: self.code_overdue > 0,
            Signal.CODE_DUE_SOON: self.code_due_soon > 0,
            Signal.CHECKIN: self.checkin_due_since is not None,
            Signal.FAILED: self.failed > 0,
            Signal.HEARING: self.next_hearing is not None,
            Signal.WINDOW: self.window_closes is not None,
        }
        return {signal for signal, on in present.items() if on}

    @property
    def urgency(self) -> int:
        return sum(WEIGHTS[s] for s in self.signals)

    @property
    def waiting_since(self) -> datetime | None:
        """How long the victim has been waiting for a person: the oldest unanswered message
        or open call-back request."""
        times = [t for t in (self.awaiting_since, self.oldest_callback) if t is not None]
        return min(times) if times else None


@dataclass
class Caseload:
    rows: list[Row]  # the page shown
    total: int  # rows after search and filters
    in_scope: int  # every case in the scope
    page: int
    pages: int
    counts: dict[Signal, int] = field(default_factory=dict)  # cases per signal, whole scope


# --- which cases --------------------------------------------------------------------------


def _active_assignment(now: datetime) -> Any:
    return and_(
        Assignment.case_id == Case.id,
        Assignment.starts_at <= now,
        or_(Assignment.ends_at.is_(None), Assignment.ends_at > now),
    )


def scope_query(user: User, scope: Scope, now: datetime) -> Any:
    """Open cases in scope, with their active ISVA: an ISVA's own cases, or (supervisors)
    every open case of the organisation, unassigned ones included."""
    query = select(
        Case.id, Case.reference, Case.opened_at, Case.victim_id, Assignment.isva_id
    ).where(Case.organisation_id == user.organisation_id, Case.status == CaseStatus.OPEN)
    if scope is Scope.TEAM and Role(user.role) is Role.SUPERVISOR:
        return query.outerjoin(Assignment, _active_assignment(now))
    return query.join(Assignment, _active_assignment(now)).where(Assignment.isva_id == user.id)


def search_clause(q: str) -> Any | None:
    """Case reference (starts with, case-insensitive) or the victim's whole name (exact, by
    its keyed hash: names are encrypted, so nothing else is searchable)."""
    q = " ".join((q or "").split())[:100]
    if not q:
        return None
    escaped = q.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    clauses = [func.upper(Case.reference).like(escaped + "%", escape="\\")]
    try:
        hashed = lookup_hash(normalise_name(q), "name")
    except InvalidIdentifierError:
        hashed = None
    if hashed:
        clauses.append(
            Case.victim_id.in_(select(User.id).where(User.display_name_lookup == hashed))
        )
    return or_(*clauses)


# --- the signals ------------------------------------------------------------------------------


def _aware(value: Any) -> datetime | None:
    """SQLite returns aggregates of datetimes as naive values or strings: make them UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


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
    horizon = today + timedelta(days=LOOKAHEAD_DAYS)
    due_soon_until = deadlines.add_working_days(today, 1)

    # Unread messages from the victim.
    for case_id, count in session.execute(
        select(Message.case_id, func.count())
        .where(
            Message.case_id.in_(ids),
            Message.direction == MessageDirection.TO_SERVICE,
            Message.read_by_service_at.is_(None),
        )
        .group_by(Message.case_id)
    ):
        rows[case_id].unread = count

    # The victim's oldest message since the service's last reply (awaiting a reply).
    last_reply = (
        select(Message.case_id.label("case_id"), func.max(Message.seq).label("seq"))
        .where(Message.case_id.in_(ids), Message.direction == MessageDirection.TO_VICTIM)
        .group_by(Message.case_id)
        .subquery()
    )
    for case_id, since in session.execute(
        select(Message.case_id, func.min(Message.created_at))
        .outerjoin(last_reply, last_reply.c.case_id == Message.case_id)
        .where(
            Message.case_id.in_(ids),
            Message.direction == MessageDirection.TO_SERVICE,
            or_(last_reply.c.seq.is_(None), Message.seq > last_reply.c.seq),
        )
        .group_by(Message.case_id)
    ):
        row = rows[case_id]
        row.awaiting_since = _aware(since)
        if row.awaiting_since is not None:
            started = row.awaiting_since.astimezone(deadlines.LONDON).date()
            row.reply_due = deadlines.add_working_days(started, reply_target_days)
            row.reply_overdue = today > row.reply_due

    # Open call-back requests.
    for case_id, count, oldest in session.execute(
        select(CallbackRequest.case_id, func.count(), func.min(CallbackRequest.created_at))
        .where(CallbackRequest.case_id.in_(ids), CallbackRequest.status == CallbackStatus.OPEN)
        .group_by(CallbackRequest.case_id)
    ):
        rows[case_id].callbacks = count
        rows[case_id].oldest_callback = _aware(oldest)

    # Updates: held, the Victims' Code clock, hearings and windows, in one grouped query.
    published = and_(Update.status == UpdateStatus.PUBLISHED, Update.published_at.is_not(None))
    pending = and_(Update.status.in_(UNPUBLISHED), Update.due_on.is_not(None))
    for case_id, held, overdue, soon, hearing, window in session.execute(
        select(
            Update.case_id,
            func.count(case((Update.status == UpdateStatus.HELD_ISVA_FIRST, 1))),
            func.count(case((and_(pending, Update.due_on < today), 1))),
            func.count(
                case((and_(pending, Update.due_on >= today, Update.due_on <= due_soon_until), 1))
            ),
            func.min(
                case(
                    (
                        and_(
                            published,
                            Update.event_key.in_(DATED_EVENTS),
                            Update.event_date >= today,
                            Update.event_date <= horizon,
                        ),
                        Update.event_date,
                    )
                )
            ),
            func.min(
                case(
                    (
                        and_(
                            published,
                            Update.window_closes_on >= today,
                            Update.window_closes_on <= horizon,
                        ),
                        Update.window_closes_on,
                    )
                )
            ),
        )
        .where(Update.case_id.in_(ids))
        .group_by(Update.case_id)
    ):
        row = rows[case_id]
        row.held, row.code_overdue, row.code_due_soon = held, overdue, soon
        row.next_hearing = _as_date(hearing)
        row.window_closes = _as_date(window)

    # "No change yet" check-ins (one query, shared with the case page).
    for checkin in checkins_due(session, list(rows), now):
        rows[checkin.case_id].checkin_due_since = checkin.due_since

    # Notifications that failed for good and nobody has dealt with.
    for failed_case_id, count in session.execute(
        select(Notification.case_id, func.count())
        .where(
            Notification.case_id.in_(ids),
            Notification.status == Status.FAILED_PERMANENT,
            ~exists().where(NotificationAcknowledgement.notification_id == Notification.id),
        )
        .group_by(Notification.case_id)
    ):
        if failed_case_id is not None:
            rows[failed_case_id].failed = count


# --- the caseload -----------------------------------------------------------------------------


def reply_target(session: Session, organisation_id: uuid.UUID) -> int:
    target = session.scalar(
        select(Organisation.reply_target_working_days).where(Organisation.id == organisation_id)
    )
    return target or 1


def rows_for(
    session: Session,
    user: User,
    scope: Scope,
    *,
    q: str = "",
    isva: uuid.UUID | str | None = None,
    now: datetime | None = None,
) -> list[Row]:
    """Every case in scope (after search) with its signals: 8 queries, whatever the size.
    In the team scope ``isva`` narrows to one ISVA's cases ("unassigned": nobody's)."""
    now = now or utcnow()
    query = scope_query(user, scope, now)
    if scope is Scope.TEAM and isva == UNASSIGNED:
        query = query.where(Assignment.isva_id.is_(None))
    elif scope is Scope.TEAM and isinstance(isva, uuid.UUID):
        query = query.where(Assignment.isva_id == isva)
    clause = search_clause(q)
    if clause is not None:
        query = query.where(clause)
    rows: dict[uuid.UUID, Row] = {}
    for case_id, reference, opened_at, victim_id, isva_id in session.execute(query):
        rows[case_id] = Row(case_id, reference, opened_at, victim_id, isva_id)
    if rows:
        ids = select(query.subquery().c.id)
        compute_signals(session, rows, ids, now, reply_target(session, user.organisation_id))
    return list(rows.values())


def _never() -> datetime:
    return datetime.max.replace(tzinfo=UTC)


def sort_rows(rows: list[Row], sort: Sort) -> list[Row]:
    if sort is Sort.REFERENCE:
        return sorted(rows, key=lambda r: (r.reference.casefold(), r.case_id))
    if sort is Sort.WAITING:
        return sorted(
            rows, key=lambda r: (r.waiting_since or _never(), r.reference.casefold(), r.case_id)
        )
    return sorted(
        rows,
        key=lambda r: (
            -r.urgency,
            r.waiting_since or _never(),
            r.reference.casefold(),
            r.case_id,
        ),
    )


def caseload(
    session: Session,
    user: User,
    *,
    scope: Scope = Scope.MINE,
    sort: Sort = Sort.URGENCY,
    signals: Iterable[Signal] = (),
    q: str = "",
    isva: uuid.UUID | str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> Caseload:
    """One page of the caseload. ``signals`` keeps cases with any of them (none: all)."""
    everything = rows_for(session, user, scope, q=q, isva=isva, now=now)
    counts = {s: sum(1 for r in everything if s in r.signals) for s in Signal}
    wanted = set(signals)
    kept = [r for r in everything if not wanted or wanted & r.signals]
    ordered = sort_rows(kept, sort)
    pages = max(1, -(-len(ordered) // per_page))
    number = min(max(1, page), pages)
    shown = ordered[(number - 1) * per_page : number * per_page]
    _name_victims(session, shown)
    return Caseload(shown, len(ordered), len(everything), number, pages, counts)


def _name_victims(session: Session, rows: Sequence[Row]) -> None:
    """Victims' chosen names for the rows shown (one query; decrypts only these)."""
    ids = {r.victim_id for r in rows}
    if not ids:
        return
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
    for row in rows:
        row.victim_name = names.get(row.victim_id)


# --- the supervisor's team view ---------------------------------------------------------------


@dataclass
class TeamMember:
    """One ISVA's caseload in numbers: how many cases, and how many cases need each thing."""

    isva: User | None  # None: the cases nobody is assigned to
    cases: int = 0
    counts: dict[Signal, int] = field(default_factory=dict)
    needs_action: int = 0  # cases with at least one signal


def team(
    session: Session, supervisor: User, now: datetime | None = None
) -> tuple[list[TeamMember], TeamMember]:
    """Every enabled ISVA of the supervisor's organisation with their open cases' signals
    (the same grouped queries as the caseload, over the whole organisation), and a last
    line for unassigned cases."""
    from portal.services.cases import assignable_isvas

    rows = rows_for(session, supervisor, Scope.TEAM, now=now)
    isvas = list(assignable_isvas(session, supervisor.organisation_id))
    members: dict[uuid.UUID | None, TeamMember] = {i.id: TeamMember(i) for i in isvas}
    unassigned = TeamMember(None)
    for row in rows:
        member = members.get(row.isva_id) if row.isva_id else unassigned
        if member is None:  # assigned to an ISVA since disabled: still theirs until reassigned
            member = members.setdefault(row.isva_id, TeamMember(None))
        member.cases += 1
        present = row.signals
        if present:
            member.needs_action += 1
        for signal in present:
            member.counts[signal] = member.counts.get(signal, 0) + 1
    missing = [k for k, m in members.items() if m.isva is None and k is not None]
    if missing:
        for user in session.scalars(select(User).where(User.id.in_(missing))):
            members[user.id].isva = user
    return [m for k, m in members.items() if k is not None], unassigned
