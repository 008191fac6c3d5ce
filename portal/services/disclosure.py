"""Staged disclosure (TRAUMA_INFORMED.md rule 10): what the victim chose at a content note.

Every choice is recorded. Only "read it now" (or simply opening an update that is not
sensitive) marks an update read. "Ask my ISVA to contact me first" becomes a call-back request
for the ISVA, at the times the victim says are safe.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.clock import utcnow
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


def needs_content_note(update: Update) -> bool:
    """A sensitive update the victim has not chosen to read (this version) yet."""
    return update.event.sensitive and update.read_at is None


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
