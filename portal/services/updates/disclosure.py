"""Staged disclosure (TRAUMA_INFORMED.md rule 10): the one rule for what the victim may see of
a sensitive update, and what they chose at its content note.

Until the victim chooses "read it now", nothing that reveals a sensitive update's outcome may
reach any victim page or their download: not its words, not its title, not the stage it moves
the case to, not the rights window it opens. Before that, the victim sees only that there is
a new update and, on the content note, the general kind of news (the catalogue's reviewed
``content_note`` wording). Every victim page asks this module, in Python (``is_disclosed``,
``title``) or in SQL (``disclosed``), so the two forms of the rule cannot drift apart.

Every choice is recorded. Only "read it now" (or simply opening an update that is not
sensitive) marks an update read. "Ask my ISVA to contact me first" becomes a call-back request
for the ISVA, at the times the victim says are safe. An ISVA-first update is held until the
ISVA confirms support is in place; that records support, not that the victim was told, so the
content note still comes first when it is published. Once the ISVA records that they told the
victim in person or by phone (``record_told``), the update is disclosed as if they had read it:
the victim already knows, and a content note would only make them relive the choice.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.journey import CONTENT_NOTE_ADVICE, EVENTS
from portal.models import (
    CallbackReason,
    CallbackRequest,
    Case,
    Disclosure,
    DisclosureChoice,
    ToldHow,
    Update,
    UpdateStatus,
    User,
)
from portal.rules import Action, can
from portal.services import audit
from portal.services.messaging.callbacks import request_callback
from portal.services.updates.deadlines import LONDON, london_today
from portal.services.updates.writing import NOTE_MAX, NotAllowedError, UpdateError

SENSITIVE_KEYS: tuple[str, ...] = tuple(e.key for e in EVENTS if e.sensitive)
# What the victim sees of an update they have not chosen to read yet.
NEUTRAL_TITLE = _l("A new update")
NEUTRAL_LINE = _l("There is a new update. Read it when you are ready.")
ADVICE = CONTENT_NOTE_ADVICE


def is_disclosed(update: Update) -> bool:
    """The victim may see what this update says and implies (its title, stage, window)."""
    return not update.event.sensitive or update.read_at is not None or update.told_on is not None


def disclosed() -> ColumnElement[bool]:
    """``is_disclosed`` as a SQL condition, for the queries behind the victim's pages."""
    return or_(
        Update.event_key.not_in(SENSITIVE_KEYS),
        Update.read_at.is_not(None),
        Update.told_on.is_not(None),
    )


def title(update: Update) -> object:
    """The update's heading on victim pages: the neutral one until it is disclosed."""
    return update.event.title if is_disclosed(update) else NEUTRAL_TITLE


def link_text(update: Update) -> object:
    """A new update in the victim's list: its title, or only that there is one."""
    return update.event.title if is_disclosed(update) else NEUTRAL_LINE


def general_note(update: Update) -> object:
    """The content note: the kind of news in general words only (catalogue ``content_note``)."""
    return update.event.content_note


def needs_content_note(update: Update) -> bool:
    """A sensitive update the victim has not chosen to read (this version) yet."""
    return not is_disclosed(update)


def record_choice(session: Session, update: Update, victim: User, choice: Disclosure) -> None:
    """Record the choice; "read it now" also marks the update read."""
    session.add(DisclosureChoice(update_id=update.id, victim_id=victim.id, choice=choice))
    if choice == Disclosure.READ_NOW:
        mark_read(update)
    session.flush()


def mark_read(update: Update) -> None:
    if update.read_at is None:
        update.read_at = utcnow()


def ask_isva(
    session: Session,
    case: Case,
    victim: User,
    update: Update,
    reason: CallbackReason,
    safe_times: str | None,
    voicemail_ok: bool,
) -> CallbackRequest:
    """Ask the ISVA to call about this update (before reading it, or about its window)."""
    return request_callback(
        session,
        case,
        victim,
        reason,
        safe_times=safe_times,
        voicemail_ok=voicemail_ok,
        related_id=update.id,
    )


def may_record_told(update: Update) -> bool:
    """An ISVA-first update (held, then published once support was in place), not yet told."""
    return (
        update.status == UpdateStatus.PUBLISHED
        and update.support_confirmed_at is not None
        and update.told_on is None
    )


def record_told(
    session: Session,
    case: Case,
    actor: User,
    update: Update,
    told_on: date,
    how: ToldHow,
    note: str | None,
) -> Update:
    """The ISVA told the victim about this ISVA-first update in person or by phone: from now
    on it is disclosed to them, without a content note."""
    if not can(actor, Action.RECORD_TOLD, case) or update.case_id != case.id:
        raise NotAllowedError("may not record telling the victim for this case")
    if not may_record_told(update):
        raise UpdateError(
            {"told_on": str(_l("You cannot record telling the victim about this update"))}
        )
    if told_on > london_today() or told_on < update.created_at.astimezone(LONDON).date():
        raise UpdateError(
            {"told_on": str(_l("The date must be between when the update was written and today"))}
        )
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise UpdateError(
            {"note": str(_l("The note must be %(max)s characters or fewer", max=NOTE_MAX))}
        )
    update.told_on = told_on
    update.told_how = how
    update.told_by_id = actor.id
    update.told_note = note
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update.isva_told",
        case=case,
        object_type="case_update",
        object_id=update.id,
    )
    return update
