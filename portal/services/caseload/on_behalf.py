"""An ISVA changing how a victim is notified, on the victim's behalf (they asked, e.g. by phone).

Only the case's assigned ISVA may (``Action.CHANGE_NOTIFICATIONS``), and every change is
audited on the case. The change itself (a channel off but never on, category choices, quiet
hours, each entry in the consent log with the ISVA and their reason) is the notification side's
``notifications.on_behalf.apply_change``. Every check runs before anything changes, so a refused
change leaves nothing behind. Never commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from notifications.on_behalf import Change, apply_change
from portal.models import AuditOutcome, Case, User
from portal.rules import Action, can
from portal.services import audit

AUDIT_ACTION = "notifications.change_on_behalf"


class NotPermittedError(PermissionError):
    """The acting user may not change this victim's notifications (views 404 before this)."""


def may_change(user: User, case: Case) -> bool:
    return can(user, Action.CHANGE_NOTIFICATIONS, case)


def change_on_behalf(
    session: Session,
    case: Case,
    actor: User,
    change: Change,
    reason: str | None,
    *,
    seen_version: str | None = None,
) -> list[str]:
    """Apply ``change`` to the victim of ``case`` for ``actor`` (the assigned ISVA), with
    ``reason``. Returns the consent-log fields that changed. Raises
    ``notifications.on_behalf.OnBehalfError`` (nothing changed) or NotPermittedError."""
    if not may_change(actor, case):
        raise NotPermittedError("may not change this victim's notifications")
    changed = apply_change(
        session, case.victim_id, actor.id, change, reason, seen_version=seen_version
    )
    audit.record(
        session,
        actor=actor,
        action=AUDIT_ACTION,
        outcome=AuditOutcome.ALLOWED,
        case=case,
        object_type="case",
        object_id=case.id,
    )
    return changed
