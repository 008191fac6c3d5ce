"""Case actions and case-page sections for staff: closing and reopening a case, safe-contact
notes, the delivery log, and dealing with a failed notification.

Services take the session and the acting user, check the policy themselves (the views 404
earlier), write the audit row, and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.models import DeliveryAttempt, Notification, Status
from notifications.tasks import explain
from portal.clock import utcnow
from portal.journey import event
from portal.models import Case, CaseStatus, Update, UpdateStatus, User
from portal.models.contact_notes import (
    NotificationAcknowledgement,
    SafeContactNote,
    VoicemailSafe,
)
from portal.models.update import SECTION_KEYS
from portal.refusal import Refusal
from portal.rules import Action, can
from portal.services import audit
from portal.services.updates import deadlines
from portal.services.updates import writing as updates

SUPPORT_MAX = 1500
SAFE_TIMES_MAX = 500
NOTES_MAX = 2000


class CaseworkError(Refusal, ValueError):
    """Refused as asked; the message is safe to show."""


class NotPermittedError(Refusal, PermissionError):
    """The acting user may not do this (views answer 404 before it comes to this)."""


# --- closing and reopening -------------------------------------------------------------------


def may_close(user: User, case: Case) -> bool:
    """Closing tells the victim, so it is the assigned ISVA's to do (as publishing is)."""
    return case.status == CaseStatus.OPEN and can(user, Action.PUBLISH_UPDATE, case)


def may_reopen(user: User, case: Case) -> bool:
    return case.status == CaseStatus.CLOSED and (
        can(user, Action.PUBLISH_UPDATE, case) or can(user, Action.ASSIGN, case)
    )


def close_case(session: Session, case: Case, actor: User, support: str) -> Update:
    """Close the case and tell the victim what support stays available, through a published
    ``case_closed`` update (the catalogue's starter text, with the ISVA's own words for what
    happens next). Sets the case's status and closed_at, which start the retention period."""
    if not may_close(actor, case):
        raise NotPermittedError("may not close this case")
    support = (support or "").strip()
    if not support:
        raise CaseworkError(str(_l("Enter the support that stays available to them")))
    if len(support) > SUPPORT_MAX:
        raise CaseworkError(
            str(_l("The support must be %(max)s characters or fewer", max=SUPPORT_MAX))
        )
    ev = event("case_closed")
    sections = {key: str(getattr(ev.starter, key)) for key in SECTION_KEYS}
    sections["what_happens_next"] = support
    draft = updates.Draft(
        event_key="case_closed",
        source_agency=ev.who_tells[0].value,
        event_date=deadlines.london_today(),
        sections=sections,
    )
    update = updates.save_draft(session, case, actor, draft)
    updates.publish(session, case, actor, update)
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    session.flush()
    audit.record(
        session, actor=actor, action="case.close", case=case, object_type="case", object_id=case.id
    )
    return update


def reopen_case(session: Session, case: Case, actor: User) -> None:
    """Reopen a closed case (the retention clock stops: closed_at is cleared)."""
    if not may_reopen(actor, case):
        raise NotPermittedError("may not reopen this case")
    case.status = CaseStatus.OPEN
    case.closed_at = None
    session.flush()
    audit.record(
        session, actor=actor, action="case.reopen", case=case, object_type="case", object_id=case.id
    )


def closing_update(session: Session, case: Case) -> Update | None:
    """The latest published "case closed" update, for the page to show what the victim was
    told."""
    return session.scalar(
        select(Update)
        .where(
            Update.case_id == case.id,
            Update.event_key == "case_closed",
            Update.status.in_((UpdateStatus.PUBLISHED, UpdateStatus.HELD_ISVA_FIRST)),
        )
        .order_by(Update.created_at.desc())
        .limit(1)
    )


# --- safe-contact notes ----------------------------------------------------------------------


def safe_contact(session: Session, case: Case) -> SafeContactNote | None:
    return session.get(SafeContactNote, case.id)


def save_safe_contact(
    session: Session,
    case: Case,
    actor: User,
    *,
    safe_times: str | None,
    voicemail_safe: VoicemailSafe,
    notes: str | None,
) -> SafeContactNote:
    """Staff record when it is safe to call, whether a voicemail is safe, and safety notes."""
    if not actor.is_staff or not can(actor, Action.VIEW_CONTACT_DETAILS, case):
        raise NotPermittedError("may not edit contact notes for this case")
    safe_times = (safe_times or "").strip() or None
    notes = (notes or "").strip() or None
    if safe_times and len(safe_times) > SAFE_TIMES_MAX:
        raise CaseworkError(
            str(_l("Safe times must be %(max)s characters or fewer", max=SAFE_TIMES_MAX))
        )
    if notes and len(notes) > NOTES_MAX:
        raise CaseworkError(
            str(_l("Safety notes must be %(max)s characters or fewer", max=NOTES_MAX))
        )
    record = session.get(SafeContactNote, case.id)
    if record is None:
        record = SafeContactNote(case_id=case.id, updated_by_id=actor.id)
        session.add(record)
    record.safe_times = safe_times
    record.voicemail_safe = VoicemailSafe(voicemail_safe)
    record.notes = notes
    record.updated_by_id = actor.id
    record.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact_notes.update",
        case=case,
        object_type="case",
        object_id=case.id,
    )
    return record


# --- the delivery log ------------------------------------------------------------------------


@dataclass
class Delivery:
    notification: Notification
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    acknowledgement: NotificationAcknowledgement | None = None

    @property
    def failed(self) -> bool:
        return self.notification.status == Status.FAILED_PERMANENT

    @property
    def explanation(self) -> str | None:
        return explain(self.notification) if self.failed else None


def attempt_steps(attempt: DeliveryAttempt) -> list[tuple[str, datetime]]:
    """Every state one attempt went through, in order, as (status, time)."""
    steps = []
    for item in attempt.history or []:
        try:
            status, at = item
            steps.append((str(status), datetime.fromisoformat(str(at))))
        except (TypeError, ValueError):
            continue  # a malformed history entry is skipped, never a broken page
    return steps


def delivery_log(session: Session, case: Case, limit: int = 200) -> list[Delivery]:
    """Every notification for this case (newest first) with every attempt: three queries."""
    notes = session.scalars(
        select(Notification)
        .where(Notification.case_id == case.id)
        .order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit)
    ).all()
    rows = {n.id: Delivery(n) for n in notes}
    if not rows:
        return []
    for attempt in session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.notification_id.in_(list(rows)))
        .order_by(DeliveryAttempt.number)
    ):
        rows[attempt.notification_id].attempts.append(attempt)
    for ack in session.scalars(
        select(NotificationAcknowledgement).where(
            NotificationAcknowledgement.notification_id.in_(list(rows))
        )
    ):
        rows[ack.notification_id].acknowledgement = ack
    return list(rows.values())


def acknowledge_failed(
    session: Session, case: Case, actor: User, notification_id: uuid.UUID
) -> NotificationAcknowledgement:
    """ "I have dealt with this": the failed notification leaves the caseload's tasks."""
    if not actor.is_staff or not can(actor, Action.VIEW_CONTACT_DETAILS, case):
        raise NotPermittedError("may not deal with this case's notifications")
    notification = session.get(Notification, notification_id)
    if notification is None or notification.case_id != case.id:
        raise CaseworkError(str(_l("That notification is not part of this case")))
    if notification.status != Status.FAILED_PERMANENT:
        raise CaseworkError(str(_l("Only a failed notification can be marked as dealt with")))
    existing = session.scalar(
        select(NotificationAcknowledgement).where(
            NotificationAcknowledgement.notification_id == notification.id
        )
    )
    if existing is not None:
        return existing
    ack = NotificationAcknowledgement(
        notification_id=notification.id,
        case_id=case.id,
        acknowledged_by_id=actor.id,
        acknowledged_at=utcnow(),
    )
    session.add(ack)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notification.acknowledge",
        case=case,
        object_type="notification",
        object_id=notification.id,
    )
    return ack
