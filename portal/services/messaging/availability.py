"""Out of office with cover: who answers a case's messages while its ISVA is away.

An absence runs on London dates, first and last day included, unless ended early. While it is
active the cover ISVA may read and answer the conversations of the away ISVA's cases (the COVER
relation in portal.rules), and new messages are routed to the cover ISVA and the supervisors.
Services never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import AuditOutcome, Case, Role, User
from portal.models.message import Absence
from portal.refusal import Refusal
from portal.services import audit
from portal.services.updates.deadlines import LONDON

MAX_DAYS = 366


class AbsenceError(Refusal, ValueError):
    """The absence cannot be set as asked; the message is safe to show."""


def london_day(at: datetime | None = None) -> date:
    return (at or utcnow()).astimezone(LONDON).date()


def _active_clause(day: date) -> list[ColumnElement[bool]]:
    return [Absence.starts_on <= day, Absence.ends_on >= day, Absence.ended_at.is_(None)]


def active_absence(
    session: Session, user_id: uuid.UUID, at: datetime | None = None
) -> Absence | None:
    """The absence of ``user_id`` in force at ``at`` (now by default), if any."""
    return session.scalar(
        select(Absence)
        .where(Absence.user_id == user_id, *_active_clause(london_day(at)))
        .order_by(Absence.created_at.desc())
        .limit(1)
    )


def is_covering(user: User, case: Case, at: datetime | None = None) -> bool:
    """Whether ``user`` covers, right now, for the ISVA actively assigned to ``case``."""
    from sqlalchemy.orm import object_session

    session = object_session(case)
    assignment = case.active_assignment(at)
    if session is None or assignment is None:
        return False
    absence = active_absence(session, assignment.isva_id, at)
    return absence is not None and absence.cover_id == user.id


def covered_isva_ids(
    session: Session, cover_id: uuid.UUID, at: datetime | None = None
) -> list[uuid.UUID]:
    """The ISVAs ``cover_id`` is covering for right now."""
    return list(
        session.scalars(
            select(Absence.user_id).where(
                Absence.cover_id == cover_id, *_active_clause(london_day(at))
            )
        )
    )


def supervisors(session: Session, organisation_id: uuid.UUID) -> Sequence[User]:
    return session.scalars(
        select(User).where(
            User.organisation_id == organisation_id,
            User.role == Role.SUPERVISOR,
            User.is_enabled.is_(True),
        )
    ).all()


def set_absence(
    session: Session,
    actor: User,
    user: User,
    cover: User,
    starts_on: date,
    ends_on: date,
) -> Absence:
    """``user`` is away from ``starts_on`` to ``ends_on``; ``cover`` answers for them.

    ISVAs set their own; supervisors may set one for any ISVA of their organisation.
    """
    role = Role(actor.role)
    if user.id != actor.id and role is not Role.SUPERVISOR:
        raise AbsenceError(_l("You can only set your own out of office"))
    if user.organisation_id != actor.organisation_id or Role(user.role) is not Role.ISVA:
        raise AbsenceError(_l("Choose someone from your service"))
    if (
        cover.id == user.id
        or Role(cover.role) is not Role.ISVA
        or not cover.is_enabled
        or cover.organisation_id != user.organisation_id
    ):
        raise AbsenceError(_l("Choose another ISVA from your service to cover"))
    if ends_on < starts_on:
        raise AbsenceError(_l("The last day must be the same as or after the first day"))
    if ends_on < london_day():
        raise AbsenceError(_l("The last day must be today or in the future"))
    if (ends_on - starts_on).days > MAX_DAYS:
        raise AbsenceError(_l("An out of office can be at most a year long"))
    absence = Absence(
        organisation_id=user.organisation_id,
        user_id=user.id,
        cover_id=cover.id,
        starts_on=starts_on,
        ends_on=ends_on,
        set_by_id=actor.id,
    )
    session.add(absence)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="absence.set",
        outcome=AuditOutcome.ALLOWED,
        object_type="absence",
        object_id=absence.id,
    )
    return absence


def end_absence(session: Session, actor: User, absence: Absence) -> None:
    """End an absence now (back early); the cover's access ends with it."""
    if absence.user_id != actor.id and not (
        Role(actor.role) is Role.SUPERVISOR and absence.organisation_id == actor.organisation_id
    ):
        raise AbsenceError(_l("You can only end your own out of office"))
    absence.ended_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="absence.end",
        outcome=AuditOutcome.ALLOWED,
        object_type="absence",
        object_id=absence.id,
    )


def upcoming_absences(session: Session, organisation_id: uuid.UUID) -> Sequence[Absence]:
    """Absences of the organisation that are active or still to come."""
    return session.scalars(
        select(Absence)
        .where(
            Absence.organisation_id == organisation_id,
            Absence.ends_on >= london_day(),
            Absence.ended_at.is_(None),
        )
        .order_by(Absence.starts_on)
    ).all()
