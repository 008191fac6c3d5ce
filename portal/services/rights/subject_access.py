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
appear by first name and role only; no other victim appears. Each case's part is built in
``portal.services.rights.case_export``.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import (
    Case,
    User,
)
from portal.rules import Action, can
from portal.services.rights.case_export import case_document

if TYPE_CHECKING:
    from notifications.models import Consent, ContactPoint, Notification, NotificationPreference

SCHEMA_VERSION = 1

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
    """How the victim is notified: contact points, choices, the consent log and what was sent
    (metadata only)."""
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
    return {
        "contact_points": [_contact_point(p) for p in points],
        "notification_choices": None if preference is None else _choices(preference),
        "consent_log": [_consent(c) for c in consents],
        "notifications": [_notification(n) for n in sent],
    }


def _contact_point(p: ContactPoint) -> dict[str, Any]:
    return {
        "channel": p.channel,
        "address": p.address,
        "turned_on": bool(p.enabled),
        "confirmed_safe_at": p.safe_confirmed_at,
        "verified_at": p.verified_at,
        "opted_out_at": p.opted_out_at,
        "added_at": p.created_at,
    }


def _choices(preference: NotificationPreference) -> dict[str, Any]:
    def minutes(value: int) -> str:
        return f"{value // 60:02d}:{value % 60:02d}"

    return {
        "categories": dict(preference.choices or {}),
        "quiet_hours_start": minutes(preference.quiet_start_minute),
        "quiet_hours_end": minutes(preference.quiet_end_minute),
    }


def _consent(c: Consent) -> dict[str, Any]:
    return {
        "at": c.at,
        "what": c.field,
        "old_value": c.old_value,
        "new_value": c.new_value,
        "how": c.source,
        "reason": c.reason,
    }


def _notification(n: Notification) -> dict[str, Any]:
    return {
        "created_at": n.created_at,
        "channel": n.channel,
        "kind": n.kind,
        "category": n.category,
        "status": n.status,
        "sent_at": n.sent_at,
        "delivered_at": n.delivered_at,
    }


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
        "cases": [case_document(session, c, victim, for_staff) for c in cases],
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
