"""Grouped message queries shared by the inbox and the caseload, so both count "unread" and
"awaiting a reply" the same way. ``ids`` may be a list of case ids, a subquery selecting
them or an ``IdArray`` (``portal.db.among``); either way each function is one query whatever
the caseload size."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.db import among
from portal.models.case import Case
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
                among(Message.case_id, ids),
                Message.direction == MessageDirection.TO_SERVICE,
                Message.read_by_service_at.is_(None),
            )
            .group_by(Message.case_id)
        )
    }


def awaiting_reply_since(
    session: Session, ids: Iterable[uuid.UUID] | Any
) -> dict[uuid.UUID, datetime]:
    """The victim's oldest message since the service last replied, per case still waiting.

    Two index probes per case (ix_messages_case_direction_seq, read backwards for the last
    reply, forwards for the first message after it), not a grouped scan of every message of
    the caseload: a 300-case caseload costs ~600 probes however long its conversations are.
    """
    cases = select(Case.id.label("case_id")).where(among(Case.id, ids)).subquery()
    reply = aliased(Message)
    last_reply = (
        select(func.max(reply.seq))
        .where(reply.case_id == cases.c.case_id, reply.direction == MessageDirection.TO_VICTIM)
        .correlate(cases)
        .scalar_subquery()
    )
    first_waiting = (
        select(Message.created_at)
        .where(
            Message.case_id == cases.c.case_id,
            Message.direction == MessageDirection.TO_SERVICE,
            Message.seq > func.coalesce(last_reply, -1),
        )
        .order_by(Message.seq)
        .limit(1)
        .correlate(cases)
        .scalar_subquery()
    )
    waiting: dict[uuid.UUID, datetime] = {}
    for case_id, since in session.execute(select(cases.c.case_id, first_waiting)):
        moment = aware(since)
        if moment is not None:
            waiting[case_id] = moment
    return waiting


def reply_due(since: datetime, target_working_days: int) -> date:
    """The day a reply is due: the organisation's target in working days, counted as the
    Victims' Code clock counts (a message after 17:00 or on a non-working day counts from
    the next working day)."""
    return add_working_days(clock_starts(since), target_working_days)
