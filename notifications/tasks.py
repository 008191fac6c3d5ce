"""Failed notifications as tasks for the ISVA (TRAUMA_INFORMED.md rule 18): a send that
failed for good is never dropped silently; the case page lists it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from notifications.models import Notification, Status

# What the ISVA is told about each code (no contents, no address).
EXPLANATIONS = {
    "21610": "The person replied STOP to text messages.",
    "21211": "The mobile number is not valid.",
    "21614": "The number cannot receive text messages.",
    "30005": "The mobile number is not known to the network.",
    "30006": "The number is a landline or cannot receive text messages.",
    "30007": "The network filtered the text message.",
    "in_doubt": "We could not confirm whether the email arrived, so it was not sent again.",
}


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
    code = (notification.last_error_code or "").removeprefix("max_attempts:")
    if (notification.last_error_code or "").startswith("max_attempts:"):
        return "We tried several times and could not deliver it."
    return EXPLANATIONS.get(code, "The message could not be delivered.")
