"""A small service with people in every position relative to one case, for the HTTP tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import Assignment, AuditEvent, Case, Organisation, Role, User
from tests.support.factories import make_case, make_org, make_user


@dataclass
class Scenario:
    org: Organisation
    other_org: Organisation
    victim: User
    other_victim: User
    isva: User
    unassigned_isva: User
    previous_isva: User
    supervisor: User
    admin: User
    other_org_supervisor: User
    case: Case
    other_case: Case


def build(session: Session) -> Scenario:
    org, other_org = make_org(session), make_org(session)
    victim = make_user(session, org, Role.VICTIM, name="Ruth Marker")
    other_victim = make_user(session, org, Role.VICTIM, name="Bea")
    isva = make_user(session, org, Role.ISVA, name="Priya Shah")
    previous_isva = make_user(session, org, Role.ISVA, name="Tom Old")
    unassigned_isva = make_user(session, org, Role.ISVA, name="Una")
    supervisor = make_user(session, org, Role.SUPERVISOR, name="Sam Lead")
    admin = make_user(session, org, Role.ADMIN, name="Ada Admin")
    other_org_supervisor = make_user(session, other_org, Role.SUPERVISOR, name="Olu")
    now = utcnow()
    case = make_case(session, org, victim, reference="CASE-A", opened_at=now - timedelta(days=9))
    session.add_all(
        [
            Assignment(
                case_id=case.id,
                isva_id=previous_isva.id,
                starts_at=now - timedelta(days=9),
                ends_at=now - timedelta(days=1),
            ),
            Assignment(case_id=case.id, isva_id=isva.id, starts_at=now - timedelta(days=1)),
        ]
    )
    other_case = make_case(session, org, other_victim, unassigned_isva, reference="CASE-B")
    session.flush()
    session.expire_all()
    return Scenario(
        org,
        other_org,
        victim,
        other_victim,
        isva,
        unassigned_isva,
        previous_isva,
        supervisor,
        admin,
        other_org_supervisor,
        case,
        other_case,
    )


def audit_rows(session: Session, **where: object) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.occurred_at)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query))


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
