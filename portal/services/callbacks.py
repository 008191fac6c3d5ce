"""Callback requests: the victim asks their ISVA to phone, at times they say are safe.

Shared by messaging ("Ask my ISVA to call me"), staged disclosure ("ask my ISVA to contact me
first") and rights windows ("ask my ISVA about this"). Services never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import notify
from portal.clock import utcnow
from portal.models import (
    AuditOutcome,
    CallbackReason,
    CallbackRequest,
    CallbackStatus,
    Case,
    User,
)
from portal.services import audit

SAFE_TIMES_MAX = 500


class CallbackError(ValueError):
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
