"""Scheduled updates: publish at a chosen time, never inside the victim's quiet hours unless the
ISVA overrides it; ``publish_due`` (run every minute by ``flask updates publish-due``) publishes
what has come due, through the same ``publish`` as a click on "Publish now"."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import decision
from notifications import policy as notification_policy
from portal.clock import utcnow
from portal.models import Case, Update, UpdateStatus, User
from portal.rules import Action, can
from portal.services import audit
from portal.services.updates import writing as updates


def schedule(
    session: Session,
    case: Case,
    author: User,
    update: Update,
    when: datetime,
    *,
    override_quiet_hours: bool = False,
) -> Update:
    """Publish at ``when`` (UTC), never inside the victim's quiet hours unless overridden."""
    updates.check_may_publish(author, case)
    if update.status not in (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED):
        raise updates.UpdateError({"when": str(_l("Only a draft can be scheduled"))})
    errors = updates.validation_errors(update)
    if errors:
        raise updates.UpdateError(errors)
    if when <= utcnow():
        raise updates.UpdateError({"when": str(_l("The time must be in the future"))})
    pref = notification_policy.preferences(session, case.victim_id)
    if not override_quiet_hours and decision.is_quiet(pref, when):
        start, end = notification_policy.quiet_window(pref)
        raise updates.UpdateError(
            {
                "when": str(
                    _l(
                        "That time is inside the hours the victim asked not to be contacted "
                        "(%(start)s to %(end)s). Choose another time, or tick the box to publish "
                        "then anyway",
                        start=_hhmm(start),
                        end=_hhmm(end),
                    )
                )
            }
        )
    update.status = UpdateStatus.SCHEDULED
    update.scheduled_for = when
    update.quiet_hours_override = override_quiet_hours
    session.flush()
    audit.record(
        session,
        actor=author,
        action="update.schedule",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    return update


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def publish_due(session: Session, now: datetime | None = None) -> int:
    """Publish every scheduled update whose time has come; safe to run every minute, and by
    more than one process (rows are locked and skipped, and re-checked under the lock)."""
    now = now or utcnow()
    query = (
        select(Update)
        .where(Update.status == UpdateStatus.SCHEDULED, Update.scheduled_for <= now)
        .order_by(Update.scheduled_for)
        .limit(200)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    published = 0
    for update in session.scalars(query).all():
        case = update.case
        author = update.author
        if not can(author, Action.PUBLISH_UPDATE, case):
            # The author is no longer the case's ISVA: back to a draft for whoever is now.
            update.status = UpdateStatus.DRAFT
            update.scheduled_for = None
            audit.record(
                session,
                actor=author,
                action="update.schedule_cancelled",
                case=case,
                object_type="case_update",
                object_id=update.id,
            )
            continue
        try:
            updates.publish(session, case, author, update)
        except updates.UpdateError:
            update.status = UpdateStatus.DRAFT
            update.scheduled_for = None
            continue
        published += 1
    return published
