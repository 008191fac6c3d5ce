"""The caseworker's message inbox: what needs doing across a caseload (issue 6).

For each case: unread messages from the victim, whether a reply is overdue against the
organisation's target (counted in working days), open call-back requests and notifications
that failed for good (TRAUMA_INFORMED.md rule 18: shown as tasks, never dropped). A fixed number
of queries whatever the caseload size.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from notifications import failed_notifications_for_cases
from notifications.models import Notification
from portal.clock import utcnow
from portal.models import Assignment, CallbackRequest, Case, CaseStatus, Role, User
from portal.services.messaging import availability
from portal.services.messaging import queries as message_queries
from portal.services.messaging.callbacks import open_callbacks
from portal.services.updates.deadlines import LONDON, london_today


@dataclass
class InboxRow:
    case: Case
    unread: int = 0
    awaiting_since: datetime | None = None
    reply_due: date | None = None
    callbacks: list[CallbackRequest] = field(default_factory=list)
    failed: list[Notification] = field(default_factory=list)
    covering: bool = False

    @property
    def overdue(self) -> bool:
        return self.reply_due is not None and london_today() > self.reply_due

    @property
    def needs_attention(self) -> bool:
        return bool(self.unread or self.awaiting_since or self.callbacks or self.failed)


def caseload(session: Session, user: User) -> tuple[list[Case], set[uuid.UUID]]:
    """The cases whose messages ``user`` answers or oversees, and which of them are cover."""
    now = utcnow()
    active = [
        Assignment.starts_at <= now,
        or_(Assignment.ends_at.is_(None), Assignment.ends_at > now),
    ]
    base = select(Case).options(selectinload(Case.assignments), selectinload(Case.victim))
    if Role(user.role) is Role.SUPERVISOR:
        cases = session.scalars(
            base.where(
                Case.organisation_id == user.organisation_id, Case.status == CaseStatus.OPEN
            ).order_by(Case.opened_at.desc())
        ).all()
        return list(cases), set()
    own = session.scalars(
        base.join(Assignment, Assignment.case_id == Case.id)
        .where(Assignment.isva_id == user.id, *active)
        .order_by(Case.opened_at.desc())
    ).all()
    covered_for = availability.covered_isva_ids(session, user.id)
    covered: list[Case] = []
    if covered_for:
        covered = list(
            session.scalars(
                base.join(Assignment, Assignment.case_id == Case.id)
                .where(Assignment.isva_id.in_(covered_for), *active)
                .order_by(Case.opened_at.desc())
            ).all()
        )
    return [*own, *covered], {c.id for c in covered}


def inbox(session: Session, user: User, target_days: int) -> list[InboxRow]:
    cases, covered = caseload(session, user)
    rows = {c.id: InboxRow(c, covering=c.id in covered) for c in cases}
    ids = list(rows)
    if not ids:
        return []
    for case_id, count in message_queries.unread_counts(session, ids).items():
        rows[case_id].unread = count
    for case_id, since in message_queries.awaiting_reply_since(session, ids).items():
        rows[case_id].awaiting_since = since
        rows[case_id].reply_due = message_queries.reply_due(since, target_days)
    for callback in open_callbacks(session, ids):
        rows[callback.case_id].callbacks.append(callback)
    for failed in failed_notifications_for_cases(session, ids):
        if failed.case_id is not None:
            rows[failed.case_id].failed.append(failed)
    ordered: Sequence[InboxRow] = sorted(
        rows.values(),
        key=lambda r: (
            not r.needs_attention,
            not r.overdue,
            r.awaiting_since or datetime.max.replace(tzinfo=LONDON),
        ),
    )
    return list(ordered)
