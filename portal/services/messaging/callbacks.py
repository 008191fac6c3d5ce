"""Callback requests: the victim asks their ISVA to phone, at times they say are safe.

Shared by messaging ("Ask my ISVA to call me"), staged disclosure ("ask my ISVA to contact me
first") and rights windows ("ask my ISVA about this"). Services never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import notify
from notifications.contacts import contact_point
from notifications.models import Channel
from portal.clock import utcnow
from portal.models import (
    AuditOutcome,
    CallbackReason,
    CallbackRequest,
    CallbackStatus,
    Case,
    Update,
    User,
)
from portal.models.contact_notes import SafeContactNote
from portal.refusal import Refusal
from portal.rules import Action, can
from portal.services import audit

SAFE_TIMES_MAX = 500


class CallbackError(Refusal, ValueError):
    """The request cannot be made or closed as asked (the message says why, in plain words)."""


def request_callback(
    session: Session,
    case: Case,
    requester: User,
    reason: CallbackReason,
    *,
    safe_times: str | None = None,
    voicemail_ok: bool = False,
    related_id: uuid.UUID | None = None,
) -> CallbackRequest:
    """Record the request and tell the assigned ISVA (by a content-free email) there is work.

    A second open request about the same thing is not duplicated: the open one is returned,
    with the newest safe times, so a double tap never makes two tasks.
    """
    if safe_times is not None and len(safe_times) > SAFE_TIMES_MAX:
        raise CallbackError(f"Safe times must be {SAFE_TIMES_MAX} characters or fewer")
    existing = session.scalar(
        select(CallbackRequest).where(
            CallbackRequest.case_id == case.id,
            CallbackRequest.reason == reason,
            CallbackRequest.related_id.is_(None)
            if related_id is None
            else CallbackRequest.related_id == related_id,
            CallbackRequest.status == CallbackStatus.OPEN,
        )
    )
    if existing is not None:
        existing.safe_times = safe_times or existing.safe_times
        existing.voicemail_ok = voicemail_ok
        return existing
    callback = CallbackRequest(
        case_id=case.id,
        requested_by_id=requester.id,
        reason=reason,
        related_id=related_id,
        safe_times=safe_times or None,
        voicemail_ok=voicemail_ok,
    )
    session.add(callback)
    session.flush()
    assignment = case.active_assignment()
    if assignment is not None:
        notify(
            session,
            assignment.isva,
            "staff_work",
            source_key=f"callback:{callback.id}",
            case_id=case.id,
        )
    return callback


def complete_callback(
    session: Session, actor: User, callback: CallbackRequest, note: str | None = None
) -> CallbackRequest:
    """The ISVA called (or tried): close the task, keeping a short staff-only note."""
    if callback.status != CallbackStatus.OPEN:
        raise CallbackError("This call-back request is already closed")
    callback.status = CallbackStatus.DONE
    callback.completed_at = utcnow()
    callback.completed_by_id = actor.id
    callback.outcome_note = note or None
    audit.record(
        session,
        actor=actor,
        action="callback.complete",
        outcome=AuditOutcome.ALLOWED,
        case=callback.case,
        object_type="callback_request",
        object_id=callback.id,
    )
    return callback


def open_callbacks(session: Session, case_ids: Iterable[uuid.UUID]) -> Sequence[CallbackRequest]:
    """Open requests for these cases, oldest first (the longest wait is the most urgent)."""
    ids = list(case_ids)
    if not ids:
        return []
    return session.scalars(
        select(CallbackRequest)
        .where(CallbackRequest.case_id.in_(ids), CallbackRequest.status == CallbackStatus.OPEN)
        .order_by(CallbackRequest.created_at)
    ).all()


def open_for_update(session: Session, case: Case, update_id: uuid.UUID) -> CallbackRequest | None:
    """The victim's open request that came from this update (None once the ISVA marks it
    done), so the update can say "You asked ... to call you"."""
    return session.scalar(
        select(CallbackRequest)
        .where(
            CallbackRequest.case_id == case.id,
            CallbackRequest.related_id == update_id,
            CallbackRequest.status == CallbackStatus.OPEN,
        )
        .order_by(CallbackRequest.created_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class SafeContact:
    """How to call the victim safely: read only for staff who may see contact details."""

    number: str | None  # the mobile the victim confirmed is safe, as a UK number
    safe_times: str | None  # from the case's contact and safety notes
    voicemail_safe: str | None


@dataclass(frozen=True)
class CallbackCard:
    """One open request as the ISVA acts on it: what it came from and how to call."""

    callback: CallbackRequest
    update: Update | None  # the update it came from; None when asked from messages
    contact: SafeContact | None  # None: the viewer may not see contact details (cover)


def _display(number: str) -> str:
    parsed = phonenumbers.parse(number, "GB")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def safe_contact(session: Session, case: Case, viewer: User) -> SafeContact | None:
    """The victim's safe number and safe times, audited as a staff read of contact details;
    None (and nothing read) for staff who may not see them."""
    if not viewer.is_staff or not can(viewer, Action.VIEW_CONTACT_DETAILS, case):
        return None
    point = contact_point(session, case.victim_id, Channel.SMS)
    safe = point is not None and point.safe_confirmed_at is not None and point.verified_at
    note = session.get(SafeContactNote, case.id)
    audit.record(
        session,
        actor=viewer,
        action=f"case.{Action.VIEW_CONTACT_DETAILS.value}",
        outcome=AuditOutcome.ALLOWED,
        case=case,
        object_type="case",
        object_id=case.id,
    )
    return SafeContact(
        number=_display(point.address) if safe and point is not None else None,
        safe_times=note.safe_times if note else None,
        voicemail_safe=str(note.voicemail_safe) if note else None,
    )


def cards(session: Session, case: Case, viewer: User) -> list[CallbackCard]:
    """Open requests for the case, oldest first, each with the update it came from and, for
    staff who may see them, the victim's safe number and times (read, and audited, only when
    there is a request to act on)."""
    requests = open_callbacks(session, [case.id])
    if not requests:
        return []
    related = {c.related_id for c in requests if c.related_id is not None}
    found = (
        {
            u.id: u
            for u in session.scalars(
                select(Update).where(Update.id.in_(related), Update.case_id == case.id)
            )
        }
        if related
        else {}
    )
    contact = safe_contact(session, case, viewer)
    return [
        CallbackCard(c, found.get(c.related_id) if c.related_id else None, contact)
        for c in requests
    ]
