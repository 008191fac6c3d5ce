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
content note still comes first when it is published.
"""

from __future__ import annotations

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
    Update,
    User,
)
from portal.services.callbacks import request_callback

SENSITIVE_KEYS: tuple[str, ...] = tuple(e.key for e in EVENTS if e.sensitive)
# What the victim sees of an update they have not chosen to read yet.
NEUTRAL_TITLE = _l("A new update")
NEUTRAL_LINE = _l("There is a new update. Read it when you are ready.")
ADVICE = CONTENT_NOTE_ADVICE


def is_disclosed(update: Update) -> bool:
    """The victim may see what this update says and implies (its title, stage, window)."""
    return not update.event.sensitive or update.read_at is not None


def disclosed() -> ColumnElement[bool]:
    """``is_disclosed`` as a SQL condition, for the queries behind the victim's pages."""
    return or_(Update.event_key.not_in(SENSITIVE_KEYS), Update.read_at.is_not(None))


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
