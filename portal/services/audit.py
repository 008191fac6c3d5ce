"""Writing and reading the audit trail.

``record`` adds a row to the caller's transaction and never commits, so an audit row exists if
and only if the change (or read) it describes was committed. There is deliberately no function
here that updates or deletes a row: the trail is append-only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.logs import current_request_id
from portal.models import Case, Role, User
from portal.models.audit import AuditEvent, AuditOutcome

# Reads of case data that a victim is shown in "who has looked at your case".
CASE_READ_ACTIONS = frozenset(
    {
        "case.view_case",
        "case.view_case_content",
        "case.view_messages",
        "case.view_contact_details",
    }
)
# How each action reads in the audit trail pages (an unknown action is shown as its label).
ACTION_LABELS: dict[str, Any] = {
    "case.view_case": _l("Looked at the case"),
    "case.view_case_content": _l("Read case updates"),
    "case.view_messages": _l("Read messages"),
    "case.send_message": _l("Sent a message"),
    "callback.complete": _l("Marked a call-back request as done"),
    "absence.set": _l("Set an out of office with cover"),
    "absence.end": _l("Ended an out of office"),
    "case.publish_update": _l("Published an update"),
    "case.view_contact_details": _l("Looked at contact details"),
    "case.change_notifications": _l("Opened the page to change notifications for the victim"),
    "notifications.change_on_behalf": _l("Changed how the victim is notified, on their behalf"),
    "case.see_who_viewed": _l("Looked at who has viewed the case"),
    "case.assign": _l("Opened the page to assign an ISVA"),
    "assignment.create": _l("Assigned an ISVA"),
    "audit.view_organisation": _l("Looked at the audit trail"),
    "caseload.view": _l("Looked at the list of cases"),
    "caseload.search": _l("Searched the list of cases"),
    # The partner API and its admin pages (portal/api, portal/caseworker/partners.py).
    "api.case_event": _l("A partner system sent a case event"),
    "partner.create": _l("Added a partner system"),
    "partner.issue_key": _l("Issued a partner API key"),
    "partner.revoke_key": _l("Revoked a partner API key"),
    "partner.link_case": _l("Linked a case to a partner's reference"),
    "partner.set_direct_publish": _l("Changed what a partner may publish directly"),
    "compliance.view": _l("Looked at the compliance report"),
    "compliance.export": _l("Downloaded the compliance report"),
    "case.close": _l("Closed the case"),
    "case.reopen": _l("Reopened the case"),
    "contact_notes.update": _l("Changed the contact and safety notes"),
    "notification.acknowledge": _l("Dealt with a failed notification"),
    "update.save_draft": _l("Saved a draft update"),
    "update.hold_isva_first": _l("Held an update until support is in place"),
    "update.support_confirmed": _l("Recorded that support is in place for an update"),
    "update.isva_told": _l("Recorded telling the victim about an update"),
    "update.schedule": _l("Scheduled an update"),
    "update.schedule_cancelled": _l("A scheduled update went back to draft"),
    "update.edit": _l("Changed a published update"),
    "update.withdraw": _l("Withdrew an update"),
    "update.set_cadence": _l("Set the check-in cadence"),
    "organisation.create": _l("Set up the service"),
    "staff.invite": _l("Invited a member of staff"),
    "staff.invite_first_admin": _l("Invited the service's first administrator"),
}
# Provisioning from the command line (``flask organisations``): no user exists yet to act.
OPERATOR = "operator"
ROLE_LABELS: dict[str, Any] = {
    OPERATOR: _l("Command line"),
    Role.VICTIM.value: _l("Victim"),
    Role.ISVA.value: _l("ISVA"),
    Role.SUPERVISOR.value: _l("Supervisor"),
    Role.ADMIN.value: _l("Administrator"),
}
OUTCOME_LABELS: dict[str, Any] = {
    AuditOutcome.ALLOWED.value: _l("Allowed"),
    AuditOutcome.DENIED.value: _l("Refused"),
}
CASE_STATUS_LABELS: dict[str, Any] = {"open": _l("Open"), "closed": _l("Closed")}


def labels() -> dict[str, Any]:
    """Everything the trail templates need to show rows in words."""
    return {
        "labels": ACTION_LABELS,
        "roles": ROLE_LABELS,
        "outcomes": OUTCOME_LABELS,
        "statuses": CASE_STATUS_LABELS,
    }


STAFF_ROLES = frozenset({Role.ISVA.value, Role.SUPERVISOR.value, Role.ADMIN.value})


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    case: Case | None = None,
    organisation_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | str | None = None,
    request_id: str | None = None,
    actor_role: str | None = None,
) -> AuditEvent:
    """Add one audit row to the caller's transaction (ids and labels only, never content).

    The one way every service and view writes the trail, so each row is filled in alike:
    ``request_id`` defaults to the id of the request being served (None from the command line
    or a worker), which ties the row to the log lines of the same request. ``actor_role`` names
    who acted when no user did (OPERATOR: someone at the command line)."""
    if request_id is None:
        request_id = current_request_id()
    if organisation_id is None:
        # Filed under the actor's organisation; rows about a case also show in the trail of the
        # case's organisation (see organisation_trail), so a refused look from another
        # organisation is seen by both.
        if actor is not None:
            organisation_id = actor.organisation_id
        elif case is not None:
            organisation_id = case.organisation_id
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_role=str(actor.role) if actor is not None else actor_role,
        action=action,
        outcome=outcome,
        organisation_id=organisation_id,
        case_id=case.id if case is not None else None,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        request_id=request_id,
    )
    session.add(event)
    return event


def organisation_trail(organisation_id: uuid.UUID) -> Any:
    """A select of the organisation's trail, newest first: rows filed under the organisation,
    and any row about one of its cases (such as another organisation's user being refused)."""
    own_cases = select(Case.id).where(Case.organisation_id == organisation_id)
    return (
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.organisation_id == organisation_id,
                AuditEvent.case_id.in_(own_cases),
            )
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
    )


def case_trail(session: Session, case: Case, limit: int = 100) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
        .limit(limit)
    ).all()


def actors(session: Session, events: Sequence[AuditEvent]) -> dict[uuid.UUID, User]:
    """The users named in some events, fetched in one query."""
    return users_by_id(session, {e.actor_id for e in events if e.actor_id is not None})


def users_by_id(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    """Users by id in one query (pages list many people; one query each would not scale)."""
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


@dataclass(frozen=True)
class Viewing:
    """One member of staff having looked at the case on one day."""

    first_name: str
    role: Role
    day: date


def staff_viewings(session: Session, case: Case, tz: str = "Europe/London") -> list[Viewing]:
    """Who at the service has looked at this case, one line per person per day, newest first."""
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case.id,
            AuditEvent.outcome == AuditOutcome.ALLOWED,
            AuditEvent.action.in_(CASE_READ_ACTIONS),
            AuditEvent.actor_role.in_(STAFF_ROLES),
        )
        .order_by(AuditEvent.occurred_at.desc())
        .limit(2000)
    ).all()
    people = actors(session, events)
    zone = ZoneInfo(tz)
    seen: set[tuple[uuid.UUID, date]] = set()
    viewings = []
    for event in events:
        if event.actor_id is None or event.actor_role is None:
            continue
        day = event.occurred_at.astimezone(zone).date()
        if (event.actor_id, day) in seen:
            continue
        seen.add((event.actor_id, day))
        person = people.get(event.actor_id)
        viewings.append(Viewing(first_name(person), Role(event.actor_role), day))
    return viewings


def first_name(user: User | None) -> str:
    """The first word of the name a person chose; empty if they chose none."""
    if user is None or not user.display_name:
        return ""
    return user.display_name.split()[0]
