"""Case events posted by partner systems: validate, de-duplicate, and turn into updates.

``parse`` (``portal.services.partners.payload``) checks a decoded JSON body; ``receive`` then
applies the rules, in the caller's transaction (never committed here):

- The partner's event id makes a post idempotent: the same id with the same body returns the
  first result (200); the same id with a different body is a conflict (409).
- The partner names the case by its own reference, through a link the organisation made; an
  unknown reference and another organisation's case get the same 404.
- The event becomes a draft for the case's ISVA, with the catalogue's starter text wherever the
  partner sent none, and the ISVA is told there is a draft to review. It is published at once
  only if the organisation's admin allowed this partner to publish that event directly, and
  never for a sensitive or ISVA-first event; the victim's own "my ISVA tells me first" choice
  still holds it for the ISVA.

The update's author is the ISVA assigned to the case (the person who will answer for it); who
sent it is recorded in ``PartnerEvent`` and in the audit trail, whose rows name no user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import notify
from portal.clock import utcnow
from portal.journey import event
from portal.models import AuditOutcome, Case, CaseStatus, Update, UpdateStatus
from portal.models.partner import Partner, PartnerEvent
from portal.refusal import Refusal
from portal.services import audit
from portal.services.partners.payload import SECTION_KEYS, CaseEventIn, InvalidPayloadError, parse
from portal.services.partners.systems import link_for, may_publish_directly
from portal.services.updates import date_changes, deadlines
from portal.services.updates.validation import validation_errors
from portal.services.updates.writing import needs_isva_first

__all__ = ["CaseEventIn", "InvalidPayloadError", "Received", "RefusedError", "parse", "receive"]


class RefusedError(Refusal):
    """A well-formed event the portal will not take: ``status`` and a machine ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Received:
    status: int  # 201 for a new event, 200 for a replay
    body: dict[str, str]


# --- receiving ----------------------------------------------------------------------------------


def _replay(previous: PartnerEvent, incoming: CaseEventIn) -> Received:
    if previous.payload_hash != incoming.payload_hash:
        raise RefusedError(
            409,
            "idempotency_conflict",
            "This partner_event_id was already used for a different event",
        )
    return Received(200, _body(previous))


def _body(record: PartnerEvent) -> dict[str, str]:
    return {
        "partner_event_id": record.partner_event_id,
        "update_id": str(record.update_id),
        "status": record.result,
    }


def previous_event(session: Session, partner: Partner, event_id: str) -> PartnerEvent | None:
    return session.scalar(
        select(PartnerEvent).where(
            PartnerEvent.partner_id == partner.id, PartnerEvent.partner_event_id == event_id
        )
    )


def receive(session: Session, partner: Partner, incoming: CaseEventIn) -> Received:
    """Apply one parsed event (see the module's rules). Raises RefusedError for 404/409."""
    previous = previous_event(session, partner, incoming.partner_event_id)
    if previous is not None:
        return _replay(previous, incoming)
    link = link_for(session, partner, incoming.case_reference)
    case = session.get(Case, link.case_id) if link is not None else None
    if case is None or case.organisation_id != partner.organisation_id:
        raise RefusedError(404, "unknown_case", "No case with this reference is linked to you")
    if case.status == CaseStatus.CLOSED:
        raise RefusedError(409, "case_closed", "This case is closed")
    assignment = case.active_assignment()
    if assignment is None:
        raise RefusedError(
            409, "no_isva_assigned", "The case has no ISVA assigned yet: try again later"
        )
    update = _draft(session, case, assignment.isva_id, partner, incoming)
    result = _publish_or_keep(session, case, partner, update)
    record = PartnerEvent(
        partner_id=partner.id,
        partner_event_id=incoming.partner_event_id,
        payload_hash=incoming.payload_hash,
        case_id=case.id,
        update_id=update.id,
        result=result,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="api.case_event",
        outcome=AuditOutcome.ALLOWED,
        case=case,
        organisation_id=partner.organisation_id,
        object_type="partner_event",
        object_id=record.id,
    )
    return Received(201, _body(record))


def _draft(
    session: Session, case: Case, isva_id: Any, partner: Partner, incoming: CaseEventIn
) -> Update:
    ev = event(incoming.event_key)
    sections = {
        key: incoming.sections.get(key) or str(getattr(ev.starter, key)) for key in SECTION_KEYS
    }
    update = Update(
        case_id=case.id,
        author_id=isva_id,
        status=UpdateStatus.DRAFT,
        event_key=ev.key,
        source_agency=partner.agency,
        event_date=incoming.event_date,
        learned_at=incoming.learned_at,
        reason=incoming.reason,
        outcome=incoming.outcome if ev.outcomes else None,
    )
    update.sections = sections
    due = deadlines.due_by(ev.key, incoming.learned_at)
    update.due_on = due.day if due else None
    window = deadlines.window_for(ev.key, incoming.event_date)
    update.window_closes_on = window.closes_on if window else None
    session.add(update)
    session.flush()
    return update


def _publish_or_keep(session: Session, case: Case, partner: Partner, update: Update) -> str:
    ev = update.event
    change = date_changes.check(session, case.id, ev.key, update.event_date, update.reason, update)
    update.previous_event_date = change.earlier
    direct = (
        ev.key in partner.direct_publish
        and may_publish_directly(ev)
        and not validation_errors(update)
        and not change.errors  # a moved date without a reason waits for the ISVA
    )
    if direct and needs_isva_first(session, case, update):
        update.status = UpdateStatus.HELD_ISVA_FIRST
        update.held_at = utcnow()
        audit.record(
            session,
            actor=None,
            action="update.hold_isva_first",
            case=case,
            object_type="case_update",
            object_id=update.id,
        )
    elif direct:
        update.status = UpdateStatus.PUBLISHED
        update.published_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=None,
            action="case.publish_update",
            case=case,
            object_type="case_update",
            object_id=update.id,
        )
        notify(
            session,
            case.victim,
            "update",
            source_key=f"update:{update.id}:v{update.version}",
            category=update.category,
            case_id=case.id,
        )
        return str(UpdateStatus.PUBLISHED)
    author = update.author
    notify(session, author, "staff_work", source_key=f"partner-update:{update.id}", case_id=case.id)
    return str(update.status)
