"""Grouped message queries shared by the inbox and the caseload, so both count "unread" and
"awaiting a reply" the same way. ``ids`` may be a list of case ids or a subquery selecting
them; either way each function is one query whatever the caseload size."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal.models.message import Message, MessageDirection
from portal.services.updates.deadlines import add_working_days, clock_starts


def aware(value: Any) -> datetime | None:
    """SQLite returns aggregates of datetimes as naive values or strings: make them UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def unread_counts(session: Session, ids: Iterable[uuid.UUID] | Any) -> dict[uuid.UUID, int]:
    """Messages from the victim that nobody who answers has opened yet, per case."""
    return {
        case_id: count
        for case_id, count in session.execute(
            select(Message.case_id, func.count())
            .where(
                Message.case_id.in_(ids),
                Message.direction == MessageDirection.TO_SERVICE,
                Message.read_by_service_at.is_(None),
            )
            .group_by(Message.case_id)
        )
    }


def awaiting_reply_since(
    session: Session, ids: Iterable[uuid.UUID] | Any
) -> dict[uuid.UUID, datetime]:
    """The victim's oldest message since the service last replied, per case still waiting."""
    last_reply = (
        select(Message.case_id.label("case_id"), func.max(Message.seq).label("seq"))
        .where(Message.case_id.in_(ids), Message.direction == MessageDirection.TO_VICTIM)
        .group_by(Message.case_id)
        .subquery()
    )
    waiting: dict[uuid.UUID, datetime] = {}
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
        moment = aware(since)
        if moment is not None:
            waiting[case_id] = moment
    return waiting


def reply_due(since: datetime, target_working_days: int) -> date:
    """The day a reply is due: the organisation's target in working days, counted as the
    Victims' Code clock counts (a message after 17:00 or on a non-working day counts from
    the next working day)."""
    return add_working_days(clock_starts(since), target_working_days)
