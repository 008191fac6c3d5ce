"""Staff-side companions of messaging (issue 6): notes to file, stored apart from messages so
nothing meant for colleagues can reach a victim, and the saved replies an organisation keeps.
Services never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, Role, User
from portal.models.message import NoteToFile, SavedReply
from portal.rules import Action, can
from portal.services.messaging.messages import MessagingError, NotPermittedError, clean_body


def add_note(session: Session, case: Case, staff: User, body: str | None) -> NoteToFile:
    """A note for colleagues: stored apart from messages, so it can never reach the victim."""
    if not staff.is_staff or not can(staff, Action.VIEW_MESSAGES, case):
        raise NotPermittedError
    note = NoteToFile(case_id=case.id, author_id=staff.id, body=clean_body(body))
    session.add(note)
    session.flush()
    return note


def notes(session: Session, case: Case) -> Sequence[NoteToFile]:
    return session.scalars(
        select(NoteToFile).where(NoteToFile.case_id == case.id).order_by(NoteToFile.created_at)
    ).all()


def saved_replies(session: Session, organisation_id: uuid.UUID) -> Sequence[SavedReply]:
    return session.scalars(
        select(SavedReply)
        .where(SavedReply.organisation_id == organisation_id)
        .order_by(SavedReply.title)
    ).all()


def add_saved_reply(session: Session, actor: User, title: str, body: str | None) -> SavedReply:
    if Role(actor.role) is not Role.SUPERVISOR:
        raise NotPermittedError
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise MessagingError(_l("Enter a name for the saved reply, up to 120 characters"))
    saved = SavedReply(
        organisation_id=actor.organisation_id,
        title=title,
        body=clean_body(body),
        created_by_id=actor.id,
    )
    session.add(saved)
    session.flush()
    return saved


def delete_saved_reply(session: Session, actor: User, saved_id: uuid.UUID) -> None:
    saved = session.get(SavedReply, saved_id)
    if (
        Role(actor.role) is not Role.SUPERVISOR
        or saved is None
        or saved.organisation_id != actor.organisation_id
    ):
        raise NotPermittedError
    session.delete(saved)
