"""Subject access requests (recorded by staff, due in one calendar month, released after a
supervisor's review) and erasure requests (made by the victim, decided by a supervisor, carried
out by the retention run once the case is closed).

Services take the session and the acting user, never commit; every change is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import Case, CaseStatus, Role, User
from portal.models.rights import ErasureRequest, ErasureStatus, SubjectAccessRequest
from portal.refusal import Refusal
from portal.services import audit
from portal.services.updates.deadlines import (
    add_months,
    is_working_day,
    london_today,
    next_working_day,
)


class RightsError(Refusal, ValueError):
    """A request that cannot be done as asked; the message is shown to the user."""


def sar_due_on(received_on: date) -> date:
    """One calendar month after receipt (ICO): the same day next month, or that month's last
    day when it has no such day (31 January -> 28 or 29 February); a due day on a weekend or
    bank holiday moves to the next working day."""
    due = add_months(received_on, 1)
    return due if is_working_day(due) else next_working_day(due)


def record_sar(
    session: Session,
    actor: User,
    case: Case,
    received_on: date,
    request_id: str | None = None,
) -> SubjectAccessRequest:
    if received_on > london_today():
        raise RightsError("The date the request was received must be today or in the past")
    if case.status == CaseStatus.DESTROYED:
        raise RightsError("This case's information has been destroyed")
    sar = SubjectAccessRequest(
        organisation_id=case.organisation_id,
        case_id=case.id,
        received_on=received_on,
        due_on=sar_due_on(received_on),
        recorded_by_id=actor.id,
    )
    session.add(sar)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sar.record",
        case=case,
        object_type="subject_access_request",
        object_id=sar.id,
        request_id=request_id,
    )
    return sar


def sar_for_case(session: Session, case: Case, sar_id: uuid.UUID) -> SubjectAccessRequest | None:
    return session.scalar(
        select(SubjectAccessRequest).where(
            SubjectAccessRequest.id == sar_id, SubjectAccessRequest.case_id == case.id
        )
    )


def sars_for_case(session: Session, case: Case) -> Sequence[SubjectAccessRequest]:
    return session.scalars(
        select(SubjectAccessRequest)
        .where(SubjectAccessRequest.case_id == case.id)
        .order_by(SubjectAccessRequest.received_on.desc(), SubjectAccessRequest.id)
    ).all()


def may_release(actor: User) -> bool:
    """A supervisor reviews the export (notes to file can name other people) and releases it."""
    return Role(actor.role) is Role.SUPERVISOR


def release_sar(
    session: Session, actor: User, sar: SubjectAccessRequest, request_id: str | None = None
) -> None:
    if not may_release(actor):
        raise RightsError("Only a supervisor can release a subject access request")
    if sar.released_at is None:
        sar.released_at = utcnow()
        sar.released_by_id = actor.id
        audit.record(
            session,
            actor=actor,
            action="sar.release",
            case=sar.case,
            object_type="subject_access_request",
            object_id=sar.id,
            request_id=request_id,
        )


def open_sars(session: Session, organisation_id: uuid.UUID) -> Sequence[SubjectAccessRequest]:
    """Requests not yet released, the soonest due first (one query, cases joined)."""
    return session.scalars(
        select(SubjectAccessRequest)
        .join(Case, Case.id == SubjectAccessRequest.case_id)
        .where(
            SubjectAccessRequest.organisation_id == organisation_id,
            SubjectAccessRequest.released_at.is_(None),
        )
        .order_by(SubjectAccessRequest.due_on, SubjectAccessRequest.received_on)
    ).all()


def audit_export(
    session: Session, actor: User, case: Case, sar_id: uuid.UUID, request_id: str | None
) -> None:
    audit.record(
        session,
        actor=actor,
        action="sar.export",
        case=case,
        object_type="subject_access_request",
        object_id=sar_id,
        request_id=request_id,
    )


# --- erasure ------------------------------------------------------------------------------------


def open_erasure(session: Session, case: Case) -> ErasureRequest | None:
    return session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.case_id == case.id,
            ErasureRequest.status.in_((ErasureStatus.PENDING, ErasureStatus.APPROVED)),
        )
    )


def request_erasure(
    session: Session, victim: User, case: Case, request_id: str | None = None
) -> ErasureRequest:
    """Record the victim's request (a second one while one is open returns the first)."""
    if case.victim_id != victim.id or case.status == CaseStatus.DESTROYED:
        raise RightsError("There is no case to erase")
    existing = open_erasure(session, case)
    if existing is not None:
        return existing
    request = ErasureRequest(
        organisation_id=case.organisation_id, case_id=case.id, requested_by_id=victim.id
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor=victim,
        action="erasure.request",
        case=case,
        object_type="erasure_request",
        object_id=request.id,
        request_id=request_id,
    )
    return request


def pending_erasures(session: Session, organisation_id: uuid.UUID) -> Sequence[ErasureRequest]:
    return session.scalars(
        select(ErasureRequest)
        .join(Case, Case.id == ErasureRequest.case_id)
        .where(
            ErasureRequest.organisation_id == organisation_id,
            ErasureRequest.status.in_((ErasureStatus.PENDING, ErasureStatus.APPROVED)),
        )
        .order_by(ErasureRequest.created_at)
    ).all()


def decide_erasure(
    session: Session,
    supervisor: User,
    request: ErasureRequest,
    approve: bool,
    request_id: str | None = None,
) -> None:
    """Approve (the next retention run destroys the case once it is closed) or refuse."""
    if Role(supervisor.role) is not Role.SUPERVISOR or (
        supervisor.organisation_id != request.organisation_id
    ):
        raise RightsError("Only a supervisor of the service can decide")
    if request.status != ErasureStatus.PENDING:
        raise RightsError("This request has already been decided")
    request.status = ErasureStatus.APPROVED if approve else ErasureStatus.REFUSED
    request.decided_at = utcnow()
    request.decided_by_id = supervisor.id
    action = "erasure.approve" if approve else "erasure.refuse"
    audit.record(
        session,
        actor=supervisor,
        action=action,
        case=request.case,
        object_type="erasure_request",
        object_id=request.id,
        request_id=request_id,
    )
