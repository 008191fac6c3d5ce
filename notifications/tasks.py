"""Failed notifications as tasks for the ISVA (TRAUMA_INFORMED.md rule 18): a send that
failed for good is never dropped silently; the case page lists it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from notifications.models import Notification, Status
from notifications.providers import twilio_codes
from notifications.providers.base import IN_DOUBT

# What the ISVA is told (no contents, no address) about a code no provider explains: a send
# reconciliation could not settle (a plain SMTP relay cannot be asked), or anything else.
IN_DOUBT_EXPLANATION = "We could not confirm whether the email arrived, so it was not sent again."
UNKNOWN_EXPLANATION = "The message could not be delivered."


def failed_notifications_for_cases(
    session: Session, case_ids: Iterable[uuid.UUID]
) -> list[Notification]:
    """Notifications about these cases that failed permanently and that nobody has marked as
    dealt with yet (the case's delivery log keeps them all), newest first."""
    from portal.models.contact_notes import NotificationAcknowledgement

    ids = list(case_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.case_id.in_(ids),
                Notification.status == Status.FAILED_PERMANENT,
                ~exists().where(NotificationAcknowledgement.notification_id == Notification.id),
            )
            .order_by(Notification.updated_at.desc())
        )
    )


def explain(notification: Notification) -> str:
    """Why this notification failed, in words for the ISVA: the provider's explanation of its
    code where it has one."""
    code = notification.last_error_code or ""
    if code.startswith("max_attempts:"):
        return "We tried several times and could not deliver it."
    if code == IN_DOUBT:
        return IN_DOUBT_EXPLANATION
    return twilio_codes.explanation(code) or UNKNOWN_EXPLANATION
