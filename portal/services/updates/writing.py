"""Writing case updates: drafts, publishing, ISVA-first holds, scheduling, edits and withdrawals.

``publish`` is the data flow of docs/architecture.md in one call: check the author may publish
for the case, validate the five sections and the reason rule, store the body encrypted, compute
the Victims' Code deadline, write the audit row and queue the victim's notification, all in the
caller's transaction (never committed here). An ISVA-first update (catalogue, verdict outcome,
or the victim's own "my ISVA tells me first" choice for the category) is held instead: invisible
to the victim, nobody notified, until ``confirm_support``.

What makes an update fit to publish is ``portal.services.updates.validation``; scheduling lives
in ``portal.services.updates.schedule``; reads (timeline, tasks, the clock) in
``portal.services.updates.queries``.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import NotifyResult, decision, notify
from notifications.render import KIND_UPDATE
from portal.clock import utcnow
from portal.journey import event
from portal.models import (
    AuditOutcome,
    Case,
    Update,
    UpdateCadence,
    UpdateStatus,
    UpdateVersion,
    User,
)
from portal.models.update import SECTION_KEYS
from portal.refusal import Refusal
from portal.rules import Action, can
from portal.services import audit
from portal.services.updates import date_changes, deadlines
from portal.services.updates.validation import EVENT_KEYS, Draft, validation_errors

NOTE_MAX = 500
CADENCE_WEEKS = range(1, 13)


class UpdateError(Refusal, ValueError):
    """Refused as asked; ``errors`` maps form fields to plain-English messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotAllowedError(Refusal, PermissionError):
    """The acting user may not publish for this case (views 404 before this can happen)."""


def check_may_publish(author: User, case: Case) -> None:
    if not can(author, Action.PUBLISH_UPDATE, case):
        raise NotAllowedError("may not publish updates for this case")


def _apply(update: Update, draft: Draft) -> None:
    update.event_key = draft.event_key
    update.source_agency = draft.source_agency
    update.event_date = draft.event_date
    update.learned_at = draft.learned_at
    update.sections = {k: (draft.sections.get(k) or "").strip() for k in SECTION_KEYS}
    ev = event(draft.event_key)
    update.reason = (draft.reason or "").strip() or None
    update.outcome = draft.outcome if ev.outcomes else None
    if draft.welsh is not None:
        update.welsh = draft.welsh
    _compute_clock(update)


def _compute_clock(update: Update) -> None:
    due = deadlines.due_by(update.event_key, update.learned_at) if update.learned_at else None
    update.due_on = due.day if due else None
    window = deadlines.window_for(update.event_key, update.event_date)
    update.window_closes_on = window.closes_on if window else None


def save_draft(
    session: Session, case: Case, author: User, draft: Draft, update: Update | None = None
) -> Update:
    """Create or change an unpublished update. Drafts may be incomplete; the event must exist."""
    check_may_publish(author, case)
    if draft.event_key not in EVENT_KEYS:
        raise UpdateError({"event_key": str(_l("Choose what the update is about"))})
    change = date_changes.check(
        session, case.id, draft.event_key, draft.event_date, draft.reason, update
    )
    if change.errors:
        raise UpdateError(change.errors)
    if update is None:
        update = Update(case_id=case.id, author_id=author.id, status=UpdateStatus.DRAFT)
        session.add(update)
    elif update.status not in (
        UpdateStatus.DRAFT,
        UpdateStatus.SCHEDULED,
        UpdateStatus.HELD_ISVA_FIRST,
    ):
        raise UpdateError({"status": str(_l("This update can no longer be changed as a draft"))})
    _apply(update, draft)
    update.previous_event_date = change.earlier
    session.flush()
    audit.record(
        session,
        actor=author,
        action="update.save_draft",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    return update


def needs_isva_first(session: Session, case: Case, update: Update) -> bool:
    """Held until support is in place: the catalogue says so for this event (and outcome), or
    the victim asked for it for the category, and the ISVA has not yet confirmed it. The
    notification decision answers (``notifications.decision``); the catalogue's flag is the
    portal's, passed in."""
    answer = decision.decide_for_victim(
        session,
        case.victim_id,
        KIND_UPDATE,
        category=update.category,
        now=utcnow(),
        event_isva_first=update.event.needs_isva_first(update.outcome),
        isva_has_told=update.support_confirmed_at is not None,
    )
    return answer.holds


def publish(session: Session, case: Case, author: User, update: Update) -> Update:
    """Publish a draft (or a scheduled update that is due), or hold it for the ISVA first."""
    check_may_publish(author, case)
    if update.case_id != case.id:
        raise NotAllowedError("update belongs to another case")
    if update.status not in (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED):
        raise UpdateError({"status": str(_l("This update has already been published or held"))})
    # The date the victim was last told may have been published since this draft was saved.
    change = date_changes.check(
        session, case.id, update.event_key, update.event_date, update.reason, update
    )
    errors = {**change.errors, **validation_errors(update)}
    if errors:
        raise UpdateError(errors)
    update.previous_event_date = change.earlier
    _compute_clock(update)
    if needs_isva_first(session, case, update):
        update.status = UpdateStatus.HELD_ISVA_FIRST
        update.held_at = utcnow()
        update.scheduled_for = None
        session.flush()
        audit.record(
            session,
            actor=author,
            action="update.hold_isva_first",
            case=case,
            object_type="case_update",
            object_id=update.id,
        )
        return update
    return _go_live(session, case, author, update)


def _go_live(session: Session, case: Case, actor: User, update: Update) -> Update:
    update.status = UpdateStatus.PUBLISHED
    update.published_at = utcnow()
    update.scheduled_for = None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="case.publish_update",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    _notify(session, case, update)
    return update


def _notify(session: Session, case: Case, update: Update) -> NotifyResult:
    """Tell the victim about a live update, by the same decision ``publish`` asked. The
    event's own ISVA-first flag is not notify's: ``publish`` settled it by holding the update
    until the ISVA confirmed support, and an edit (which cannot change a verdict to one the
    ISVA tells first) re-tells the victim under their own choice only. Anything but "queued"
    means nothing is sent while the update stays live: the victim chose not to be told, has no
    usable contact point, or chose "my ISVA tells me first" after it was published."""
    return notify(
        session,
        case.victim,
        KIND_UPDATE,
        source_key=f"update:{update.id}:v{update.version}",
        category=update.category,
        case_id=case.id,
        isva_has_told=update.support_confirmed_at is not None,
    )


def confirm_support(session: Session, case: Case, actor: User, update: Update, note: str) -> Update:
    """The ISVA says support is in place ("spoke by phone at 14:10"): publish and notify."""
    check_may_publish(actor, case)
    if update.status != UpdateStatus.HELD_ISVA_FIRST:
        raise UpdateError({"note": str(_l("This update is not waiting for support"))})
    note = (note or "").strip()
    if not note:
        raise UpdateError({"note": str(_l("Enter how and when support was put in place"))})
    if len(note) > NOTE_MAX:
        raise UpdateError(
            {"note": str(_l("The note must be %(max)s characters or fewer", max=NOTE_MAX))}
        )
    update.support_confirmed_at = utcnow()
    update.support_confirmed_by_id = actor.id
    update.support_note = note
    audit.record(
        session,
        actor=actor,
        action="update.support_confirmed",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    return _go_live(session, case, actor, update)


def edit_published(
    session: Session, case: Case, author: User, update: Update, draft: Draft
) -> Update:
    """Change a published update: keep the earlier version, mark it changed, tell the victim."""
    check_may_publish(author, case)
    if update.status != UpdateStatus.PUBLISHED or update.published_at is None:
        raise UpdateError({"status": str(_l("Only a published update can be changed"))})
    draft.event_key = update.event_key  # what the update is about never changes
    change = date_changes.check(
        session, case.id, draft.event_key, draft.event_date, draft.reason, update
    )
    errors = {**change.errors, **validation_errors(draft), **_verdict_change_errors(update, draft)}
    if errors:
        raise UpdateError(errors)
    now = utcnow()
    session.add(
        UpdateVersion(
            update_id=update.id,
            version=update.version,
            event_date=update.event_date,
            source_agency=update.source_agency,
            body=update.body,
            body_cy=update.body_cy,
            reason=update.reason,
            outcome=update.outcome,
            published_at=update.changed_at or update.published_at,
            replaced_at=now,
            replaced_by_id=author.id,
        )
    )
    _apply(update, draft)
    update.previous_event_date = change.earlier
    update.version += 1
    update.changed_at = now
    update.read_at = None  # the victim has not read this version
    update.told_on = update.told_how = update.told_by_id = update.told_note = None  # nor been told
    session.flush()
    audit.record(
        session,
        actor=author,
        action="update.edit",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    _notify(session, case, update)
    return update


def _verdict_change_errors(update: Update, draft: Draft) -> dict[str, str]:
    """An edit cannot change a verdict to one the ISVA tells first (not guilty on all or some
    charges): a changed update goes straight to the victim, so that news would reach them
    without the support ``publish`` holds it for. A new update takes the held path."""
    if draft.outcome == update.outcome or not update.event.needs_isva_first(draft.outcome):
        return {}
    return {
        "outcome": str(
            _l(
                "The victim's ISVA tells them about this verdict first, so it cannot be changed "
                "here. Withdraw this update and write a new one: it will wait until support is "
                "in place"
            )
        )
    }


def withdraw(session: Session, case: Case, actor: User, update: Update, reason: str) -> Update:
    """Withdraw an update. If the victim saw it, they keep seeing that it was withdrawn, why,
    and by whom; the words themselves are no longer shown."""
    check_may_publish(actor, case)
    if update.status == UpdateStatus.WITHDRAWN:
        raise UpdateError({"reason": str(_l("This update has already been withdrawn"))})
    reason = (reason or "").strip()
    if not reason:
        raise UpdateError({"reason": str(_l("Enter why the update is being withdrawn"))})
    if len(reason) > NOTE_MAX:
        raise UpdateError(
            {"reason": str(_l("The reason must be %(max)s characters or fewer", max=NOTE_MAX))}
        )
    update.status = UpdateStatus.WITHDRAWN
    update.withdrawn_at = utcnow()
    update.withdrawn_by_id = actor.id
    update.withdrawal_reason = reason
    update.scheduled_for = None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update.withdraw",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    return update


def set_cadence(session: Session, case: Case, actor: User, weeks: int) -> UpdateCadence:
    """Record the "no change yet" cadence the victim agreed with their ISVA."""
    check_may_publish(actor, case)
    if weeks not in CADENCE_WEEKS:
        raise UpdateError({"weeks": str(_l("Enter a number of weeks from 1 to 12"))})
    return save_cadence(session, case, actor, weeks)


def save_cadence(session: Session, case: Case, actor: User, weeks: int) -> UpdateCadence:
    """Store and audit a cadence the caller has checked (the ISVA's, or the victim's own)."""
    cadence = session.get(UpdateCadence, case.id)
    if cadence is None:
        cadence = UpdateCadence(case_id=case.id, weeks=weeks, set_by_id=actor.id)
        session.add(cadence)
    cadence.weeks = weeks
    cadence.set_by_id = actor.id
    cadence.set_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update.set_cadence",
        outcome=AuditOutcome.ALLOWED,
        case=case,
        object_type="case",
        object_id=case.id,
    )
    return cadence


def update_for_case(session: Session, case: Case, update_id: uuid.UUID) -> Update | None:
    """An update of this case (None for another case's update: the view answers 404)."""
    return session.scalar(select(Update).where(Update.id == update_id, Update.case_id == case.id))
