"""Everything the service holds about one victim, as one document (UK GDPR articles 15 and 20).

``export(session, victim, staff=...)`` gathers it; the "My information" download and a
subject access request produce the same document, as readable HTML and as JSON. The JSON has a
stable schema (``SCHEMA_VERSION``); its keys are:

- ``schema_version``, ``generated_at``, ``produced_for`` ("self_service" or
  "subject_access_request"), ``not_included`` (what is left out, and why)
- ``account``: name, email, phone, created_at, enabled, two_step_verification,
  passphrase_changed_at, safety_page_seen_at, language
- ``contact_points``: channel, address, turned_on, confirmed_safe_at, verified_at,
  opted_out_at, added_at
- ``notification_choices``: categories, quiet_hours_start, quiet_hours_end (or null)
- ``consent_log``: at, what, old_value, new_value, how, reason
- ``notifications``: created_at, channel, kind, category, status, sent_at, delivered_at
  (metadata only: the messages themselves are neutral templates holding nothing about the case)
- ``cases``: reference, status, opened_at, closed_at, isvas (first_name, from, to),
  updates (title, event_date, status, published_at, changed_at, read_at, sections, reason,
  welsh_sections, welsh_reason, outcome, withdrawn_at, withdrawal_reason,
  earlier_versions), disclosure_choices,
  messages (sent_at, author, body, removed_from_your_view_at, read_by_service_at,
  read_by_you_at), callback_requests, who_has_viewed (first_name, role, day),
  audit_trail (at, first_name, role, action, outcome); and for a subject access request only,
  ``notes_to_file``, ``safe_contact`` (safe_times, voicemail_safe, notes, updated_at: what
  staff recorded about contacting them safely) and staff working notes
  (``callback_requests[].outcome_note``, ``updates[].support_note``).

In the victim's own copy, a sensitive update they have not chosen to read yet appears only as "A
new update" with its dates (``portal.services.updates.disclosure``); the subject access copy,
which a supervisor reviews before release, has it in full. Held, draft and scheduled updates are
the service's working papers, not yet told to the victim: they are left out of both. Staff
appear by first name and role only; no other victim appears.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
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
from portal.rules import Action, can
from portal.services import audit
from portal.services.updates import disclosure
from portal.services.updates.queries import _visible

SCHEMA_VERSION = 1
STAFF_ROLES = audit.STAFF_ROLES
SECTION_LABELS: dict[str, Any] = dict(SECTIONS)

NOT_INCLUDED_SELF = (
    _l(
        "Updates your ISVA is still preparing (drafts, and updates held until your ISVA has "
        "spoken to you). They are included once they are published to you."
    ),
    _l(
        "What an update says, until you choose to read it in the portal. It is included once "
        "you have read it."
    ),
    _l(
        "Notes your ISVA's team wrote for each other about your case. You can ask for them "
        "with a subject access request: your ISVA service reviews them before they are "
        "released, because they can contain information about other people."
    ),
    _l("Other people's personal information, apart from the first name and role of staff."),
)
NOT_INCLUDED_SAR = (
    _l("Updates still being prepared (drafts and held updates), which were never told to you."),
    _l("Other people's personal information, apart from the first name and role of staff."),
)


def _role_label(role: str | None) -> str:
    return str(audit.ROLE_LABELS.get(role or "", role or ""))


def _person(user: User | None, role: str | None, victim: User) -> dict[str, Any]:
    """Who did something, as far as the victim may be told: themselves, or a member of staff
    by first name and role. Anyone else (another victim) is never named."""
    if user is not None and user.id == victim.id:
        return {"role": Role.VICTIM.value, "first_name": None, "is_you": True}
    if role in STAFF_ROLES:
        return {"role": role, "first_name": audit.first_name(user) or None, "is_you": False}
    return {"role": None, "first_name": None, "is_you": False}


def _account(victim: User) -> dict[str, Any]:
    return {
        "name": victim.display_name,
        "email": victim.email,
        "phone": victim.phone,
        "created_at": victim.created_at,
        "enabled": bool(victim.is_enabled),
        "two_step_verification": victim.has_totp,
        "passphrase_changed_at": victim.password_changed_at,
        "safety_page_seen_at": victim.safety_info_seen_at,
        "language": victim.language,
    }


def _notification_data(session: Session, victim: User) -> dict[str, Any]:
    from notifications.models import Consent, ContactPoint, Notification, NotificationPreference

    points = session.scalars(
        select(ContactPoint).where(ContactPoint.user_id == victim.id).order_by(ContactPoint.channel)
    ).all()
    preference = session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == victim.id)
    )
    consents = session.scalars(
        select(Consent).where(Consent.user_id == victim.id).order_by(Consent.at, Consent.id)
    ).all()
    sent = session.scalars(
        select(Notification)
        .where(Notification.recipient_id == victim.id)
        .order_by(Notification.created_at, Notification.id)
    ).all()

    def minutes(value: int) -> str:
        return f"{value // 60:02d}:{value % 60:02d}"

    return {
        "contact_points": [
            {
                "channel": p.channel,
                "address": p.address,
                "turned_on": bool(p.enabled),
                "confirmed_safe_at": p.safe_confirmed_at,
                "verified_at": p.verified_at,
                "opted_out_at": p.opted_out_at,
                "added_at": p.created_at,
            }
            for p in points
        ],
        "notification_choices": None
        if preference is None
        else {
            "categories": dict(preference.choices or {}),
            "quiet_hours_start": minutes(preference.quiet_start_minute),
            "quiet_hours_end": minutes(preference.quiet_end_minute),
        },
        "consent_log": [
            {
                "at": c.at,
                "what": c.field,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "how": c.source,
                "reason": c.reason,
            }
            for c in consents
        ],
        "notifications": [
            {
                "created_at": n.created_at,
                "channel": n.channel,
                "kind": n.kind,
                "category": n.category,
                "status": n.status,
                "sent_at": n.sent_at,
                "delivered_at": n.delivered_at,
            }
            for n in sent
        ],
    }


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


def _case(session: Session, case: Case, victim: User, for_staff: bool) -> dict[str, Any]:
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
    titles = {
        u.id: str(event(u.event_key).title if for_staff else disclosure.title(u)) for u in updates
    }
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
    data: dict[str, Any] = {
        "reference": case.reference,
        "status": case.status,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "isvas": [
            {
                "first_name": audit.first_name(people.get(a.isva_id)) or None,
                "from": a.starts_at,
                "to": a.ends_at,
            }
            for a in case.assignments
        ],
        "updates": [_update(u, versions.get(u.id, []), for_staff) for u in updates],
        "disclosure_choices": [
            {"update_title": titles.get(c.update_id), "choice": c.choice, "at": c.at}
            for c in choices
        ],
        "messages": [
            {
                "sent_at": m.created_at,
                "author": {"role": None, "first_name": None, "is_you": False, "is_system": True}
                if m.direction == MessageDirection.SYSTEM
                else _person(
                    people.get(m.author_id) if m.author_id else None, m.author_role, victim
                ),
                "body": m.body,
                "removed_from_your_view_at": m.hidden_by_victim_at,
                "read_by_service_at": m.read_by_service_at,
                "read_by_you_at": m.read_by_victim_at,
            }
            for m in messages
        ],
        "callback_requests": [
            {
                "requested_at": c.created_at,
                "reason": c.reason,
                "safe_times": c.safe_times,
                "voicemail_ok": c.voicemail_ok,
                "status": c.status,
                "completed_at": c.completed_at,
                **({"outcome_note": c.outcome_note} if for_staff else {}),
            }
            for c in callbacks
        ],
        "who_has_viewed": [
            {"first_name": v.first_name or None, "role": v.role.value, "day": v.day}
            for v in audit.staff_viewings(session, case)
        ],
        "audit_trail": [
            {
                "at": e.occurred_at,
                **_person(people.get(e.actor_id) if e.actor_id else None, e.actor_role, victim),
                "action": e.action,
                "action_label": str(audit.ACTION_LABELS.get(e.action, e.action)),
                "outcome": e.outcome,
            }
            for e in trail
        ],
    }
    if for_staff:
        from portal.models.contact_notes import SafeContactNote

        safe = session.get(SafeContactNote, case.id)
        data["safe_contact"] = (
            None
            if safe is None
            else {
                "safe_times": safe.safe_times,
                "voicemail_safe": safe.voicemail_safe,
                "notes": safe.notes,
                "updated_at": safe.updated_at,
            }
        )
        data["notes_to_file"] = [
            {
                "written_at": n.created_at,
                "author": _person(
                    people.get(n.author_id),
                    str(people[n.author_id].role) if n.author_id in people else None,
                    victim,
                ),
                "body": n.body,
            }
            for n in notes
        ]
    return data


def export(session: Session, victim: User, *, staff: User | None = None) -> dict[str, Any]:
    """All and only this victim's data. With ``staff`` (the member of staff producing it) it
    is the subject access request version, which adds the service's notes about the victim
    (reviewed by a supervisor before release) and holds only the cases that person may read:
    a supervisor's copy is complete."""
    for_staff = staff is not None
    cases = [
        c
        for c in session.scalars(
            select(Case).where(Case.victim_id == victim.id).order_by(Case.opened_at, Case.id)
        )
        if staff is None or can(staff, Action.VIEW_CASE_CONTENT, c)
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": utcnow(),
        "produced_for": "subject_access_request" if for_staff else "self_service",
        "not_included": [
            str(text) for text in (NOT_INCLUDED_SAR if for_staff else NOT_INCLUDED_SELF)
        ],
        "account": _account(victim),
        **_notification_data(session, victim),
        "cases": [_case(session, c, victim, for_staff) for c in cases],
    }


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON: ISO 8601 times (UTC), keys in a stable order."""
    return json.dumps(document, default=_default, ensure_ascii=False, indent=2, sort_keys=True)


def summary(session: Session, victim: User) -> dict[str, int]:
    """How many of each kind of thing is held, for the "My information" page."""
    document = export(session, victim)
    cases = document["cases"]
    return {
        "cases": len(cases),
        "updates": sum(len(c["updates"]) for c in cases),
        "messages": sum(len(c["messages"]) for c in cases),
        "callback_requests": sum(len(c["callback_requests"]) for c in cases),
        "contact_points": len(document["contact_points"]),
        "notifications": len(document["notifications"]),
        "consent_log": len(document["consent_log"]),
    }
