"""One case's part of the subject access document (``portal.services.rights.subject_access``).

What is in it, and what is left out of the victim's own copy, is described in that module's
docstring. Every list is read in one query per kind of row (never one per update or message),
and the people named are fetched together, so an export costs the same for a long case.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.journey import SECTIONS, event
from portal.models import (
    AuditEvent,
    CallbackRequest,
    Case,
    DisclosureChoice,
    Role,
    Update,
    UpdateVersion,
    User,
)
from portal.models.message import Message, MessageDirection, NoteToFile
from portal.services import audit
from portal.services.updates import disclosure
from portal.services.updates.queries import _visible

STAFF_ROLES = audit.STAFF_ROLES
SECTION_LABELS: dict[str, Any] = dict(SECTIONS)
SYSTEM_AUTHOR = {"role": None, "first_name": None, "is_you": False, "is_system": True}


def _person(user: User | None, role: str | None, victim: User) -> dict[str, Any]:
    """Who did something, as far as the victim may be told: themselves, or a member of staff
    by first name and role. Anyone else (another victim) is never named."""
    if user is not None and user.id == victim.id:
        return {"role": Role.VICTIM.value, "first_name": None, "is_you": True}
    if role in STAFF_ROLES:
        return {"role": role, "first_name": audit.first_name(user) or None, "is_you": False}
    return {"role": None, "first_name": None, "is_you": False}


def _sections(sections: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"key": key, "heading": str(SECTION_LABELS.get(key, key)), "text": text}
        for key, text in sections.items()
        if text
    ]


def _unread_update(u: Update) -> dict[str, Any]:
    """A sensitive update the victim has not chosen to read: that it exists, nothing more."""
    return {
        "title": str(disclosure.NEUTRAL_TITLE),
        "event_date": None,
        "status": u.status,
        "published_at": u.published_at,
        "changed_at": u.changed_at,
        "read_at": None,
        "sections": [],
        "reason": None,
        "outcome": None,
        "withdrawn_at": u.withdrawn_at,
        "withdrawal_reason": u.withdrawal_reason,
        "earlier_versions": [],
    }


def _update(u: Update, versions: Sequence[UpdateVersion], for_staff: bool) -> dict[str, Any]:
    if not for_staff and not disclosure.is_disclosed(u):
        return _unread_update(u)
    item: dict[str, Any] = {
        "title": str(event(u.event_key).title),
        "event_date": u.event_date,
        "status": u.status,
        "published_at": u.published_at,
        "changed_at": u.changed_at,
        "read_at": u.read_at,
        "sections": _sections(u.sections),
        "reason": u.reason,
        # The Welsh text the ISVA added, if any (empty: the update is in English only).
        "welsh_sections": _sections({k: v for k, v in (u.welsh or {}).items() if k != "reason"}),
        "welsh_reason": (u.welsh or {}).get("reason") or None,
        "outcome": u.outcome,
        "withdrawn_at": u.withdrawn_at,
        "withdrawal_reason": u.withdrawal_reason,
        "earlier_versions": [
            {
                "version": v.version,
                "published_at": v.published_at,
                "replaced_at": v.replaced_at,
                "sections": _sections(v.sections),
                "reason": v.reason,
                "outcome": v.outcome,
            }
            for v in versions
        ],
    }
    if for_staff:
        item["support_note"] = u.support_note
    return item


@dataclass
class _Rows:
    """Everything read for one case, before it is turned into the document."""

    updates: Sequence[Update]
    versions: dict[uuid.UUID, list[UpdateVersion]]
    choices: Sequence[DisclosureChoice]
    messages: Sequence[Message]
    callbacks: Sequence[CallbackRequest]
    trail: Sequence[AuditEvent]
    notes: Sequence[NoteToFile]
    people: dict[uuid.UUID, User]


def _update_rows(
    session: Session, case: Case, victim: User
) -> tuple[Sequence[Update], dict[uuid.UUID, list[UpdateVersion]], Sequence[DisclosureChoice]]:
    """The updates told to the victim, their earlier versions and the victim's choices to read."""
    updates = session.scalars(
        select(Update).where(_visible(case.id)).order_by(Update.published_at, Update.id)
    ).all()
    update_ids = [u.id for u in updates]
    versions: dict[uuid.UUID, list[UpdateVersion]] = {}
    choices: Sequence[DisclosureChoice] = []
    if update_ids:
        for v in session.scalars(
            select(UpdateVersion)
            .where(UpdateVersion.update_id.in_(update_ids))
            .order_by(UpdateVersion.version)
        ):
            versions.setdefault(v.update_id, []).append(v)
        choices = session.scalars(
            select(DisclosureChoice)
            .where(
                DisclosureChoice.update_id.in_(update_ids),
                DisclosureChoice.victim_id == victim.id,
            )
            .order_by(DisclosureChoice.at)
        ).all()
    return updates, versions, choices


def _rows(session: Session, case: Case, victim: User, for_staff: bool) -> _Rows:
    updates, versions, choices = _update_rows(session, case, victim)
    messages = session.scalars(
        select(Message).where(Message.case_id == case.id).order_by(Message.seq)
    ).all()
    callbacks = session.scalars(
        select(CallbackRequest)
        .where(CallbackRequest.case_id == case.id)
        .order_by(CallbackRequest.created_at)
    ).all()
    trail = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    notes: Sequence[NoteToFile] = (
        session.scalars(
            select(NoteToFile).where(NoteToFile.case_id == case.id).order_by(NoteToFile.created_at)
        ).all()
        if for_staff
        else []
    )
    people = audit.users_by_id(
        session,
        {m.author_id for m in messages if m.author_id}
        | {e.actor_id for e in trail if e.actor_id}
        | {n.author_id for n in notes}
        | {a.isva_id for a in case.assignments},
    )
    return _Rows(updates, versions, choices, messages, callbacks, trail, notes, people)


def case_document(session: Session, case: Case, victim: User, for_staff: bool) -> dict[str, Any]:
    """One case as the victim (or, ``for_staff``, a subject access request) receives it."""
    rows = _rows(session, case, victim, for_staff)
    titles = {
        u.id: str(event(u.event_key).title if for_staff else disclosure.title(u))
        for u in rows.updates
    }
    data: dict[str, Any] = {
        "reference": case.reference,
        "status": case.status,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "isvas": [
            {
                "first_name": audit.first_name(rows.people.get(a.isva_id)) or None,
                "from": a.starts_at,
                "to": a.ends_at,
            }
            for a in case.assignments
        ],
        "updates": [_update(u, rows.versions.get(u.id, []), for_staff) for u in rows.updates],
        "disclosure_choices": [
            {"update_title": titles.get(c.update_id), "choice": c.choice, "at": c.at}
            for c in rows.choices
        ],
        "messages": [_message(m, rows.people, victim) for m in rows.messages],
        "callback_requests": [_callback(c, for_staff) for c in rows.callbacks],
        "who_has_viewed": [
            {"first_name": v.first_name or None, "role": v.role.value, "day": v.day}
            for v in audit.staff_viewings(session, case)
        ],
        "audit_trail": [_audit_row(e, rows.people, victim) for e in rows.trail],
    }
    if for_staff:
        data.update(_staff_only(session, case, rows, victim))
    return data


def _message(m: Message, people: dict[uuid.UUID, User], victim: User) -> dict[str, Any]:
    author = (
        SYSTEM_AUTHOR
        if m.direction == MessageDirection.SYSTEM
        else _person(people.get(m.author_id) if m.author_id else None, m.author_role, victim)
    )
    return {
        "sent_at": m.created_at,
        "author": dict(author),
        "body": m.body,
        "removed_from_your_view_at": m.hidden_by_victim_at,
        "read_by_service_at": m.read_by_service_at,
        "read_by_you_at": m.read_by_victim_at,
    }


def _callback(c: CallbackRequest, for_staff: bool) -> dict[str, Any]:
    return {
        "requested_at": c.created_at,
        "reason": c.reason,
        "safe_times": c.safe_times,
        "voicemail_ok": c.voicemail_ok,
        "status": c.status,
        "completed_at": c.completed_at,
        **({"outcome_note": c.outcome_note} if for_staff else {}),
    }


def _audit_row(e: AuditEvent, people: dict[uuid.UUID, User], victim: User) -> dict[str, Any]:
    return {
        "at": e.occurred_at,
        **_person(people.get(e.actor_id) if e.actor_id else None, e.actor_role, victim),
        "action": e.action,
        "action_label": str(audit.ACTION_LABELS.get(e.action, e.action)),
        "outcome": e.outcome,
    }


def _staff_only(session: Session, case: Case, rows: _Rows, victim: User) -> dict[str, Any]:
    """What a subject access request adds: how to contact them safely, and notes to file."""
    from portal.models.contact_notes import SafeContactNote

    safe = session.get(SafeContactNote, case.id)
    people = rows.people
    return {
        "safe_contact": None
        if safe is None
        else {
            "safe_times": safe.safe_times,
            "voicemail_safe": safe.voicemail_safe,
            "notes": safe.notes,
            "updated_at": safe.updated_at,
        },
        "notes_to_file": [
            {
                "written_at": n.created_at,
                "author": _person(
                    people.get(n.author_id),
                    str(people[n.author_id].role) if n.author_id in people else None,
                    victim,
                ),
                "body": n.body,
            }
            for n in rows.notes
        ],
    }
