"""Who works on a case: assigning and reassigning ISVAs.

A reassignment ends the current assignment and starts the new one at the same instant, in the
caller's transaction, so there is never a moment with two ISVAs or none, and the previous ISVA
loses access at once (access follows the active assignment; see portal.rules).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import Assignment, AuditOutcome, Case, Role, User
from portal.refusal import Refusal
from portal.rules import Action, can
from portal.services import audit
from portal.services.messaging import messages as messaging


class AssignmentError(Refusal):
    """The assignment cannot be made; the message is safe to show to the supervisor."""


class NotPermittedError(Refusal):
    """The acting user may not assign this case (views 404 before it comes to this)."""


def assignable_isvas(session: Session, organisation_id: uuid.UUID) -> Sequence[User]:
    """Enabled ISVAs of the organisation, the only people a case can be assigned to."""
    isvas = session.scalars(
        select(User).where(
            User.organisation_id == organisation_id,
            User.role == Role.ISVA,
            User.is_enabled.is_(True),
        )
    ).all()
    return sorted(isvas, key=lambda u: (u.display_name or "").casefold())


def assign(
    session: Session,
    case: Case,
    isva_id: uuid.UUID,
    actor: User,
    *,
    request_id: str | None = None,
    at: datetime | None = None,
) -> Assignment:
    """Make ``isva_id`` the case's ISVA from now on, ending any current or planned assignment."""
    now = at or utcnow()
    if not can(actor, Action.ASSIGN, case, now):
        raise NotPermittedError
    # Lock the case row (PostgreSQL) so two supervisors reassigning at once cannot both start
    # an assignment; SQLite serialises writers and refuses the stale one.
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    isva = session.get(User, isva_id)
    if (
        isva is None
        or Role(isva.role) is not Role.ISVA
        or not isva.is_enabled
        or isva.organisation_id != case.organisation_id
    ):
        raise AssignmentError(_l("Choose an ISVA from your service"))
    current = case.active_assignment(now)
    if current is not None and current.isva_id == isva.id:
        raise AssignmentError(_l("This ISVA is already assigned to the case"))
    for existing in case.assignments:
        if existing.ends_at is not None and existing.ends_at <= now:
            continue  # already over
        # End the current one now; a planned one that has not started never will.
        existing.ends_at = max(now, existing.starts_at)
    assignment = Assignment(
        case_id=case.id, isva_id=isva.id, assigned_by_id=actor.id, starts_at=now
    )
    case.assignments.append(assignment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assignment.create",
        outcome=AuditOutcome.ALLOWED,
        case=case,
        object_type="assignment",
        object_id=assignment.id,
        request_id=request_id,
    )
    # Issue 6: the conversation keeps its whole history; the victim sees "Your ISVA is now ..."
    # and is told (content-free) there is something new.
    messaging.record_handover(session, case, isva)
    return assignment
