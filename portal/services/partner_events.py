"""Case events posted by partner systems: validate, de-duplicate, and turn into updates.

``parse`` checks a decoded JSON body and lists every problem by field (JSON pointers, so a
partner's developer sees ``/sections/what_happened`` rather than a stack of prose). ``receive``
then applies the rules, in the caller's transaction (never committed here):

- The partner's event id makes a post idempotent: the same id with the same body returns the
  first result (200); the same id with a different body is a conflict (409).
- The partner names the case by its own reference, through a link the organisation made; an
  unknown reference and another organisation's case get the same 404.
- The event becomes a draft for the case's ISVA, with the catalogue's starter text wherever the
  partner sent none, and the ISVA is told there is a draft to review. It is published at once
  only if the organisation's admin allowed this partner to publish that event directly, and
  never for a sensitive or ISVA-first event; the victim's own "my ISVA tells me first" choice
  still holds it for the ISVA.

The update's author is the ISVA assigned to the case (the person who will answer for it); who
sent it is recorded in ``PartnerEvent`` and in the audit trail, whose rows name no user.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import notify
from portal.clock import utcnow
from portal.journey import SECTIONS, event
from portal.models import AuditOutcome, Case, CaseStatus, Update, UpdateStatus
from portal.models.partner import Partner, PartnerEvent
from portal.services import audit, deadlines
from portal.services.partners import (
    PARTNER_AGENCIES,
    link_for,
    may_publish_directly,
    postable_events,
)
from portal.services.updates import REASON_MAX, SECTION_MAX, needs_isva_first, validation_errors

EVENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
CASE_REFERENCE_MAX = 64
SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)
FIELDS = frozenset(
    {
        "partner_event_id",
        "case_reference",
        "event",
        "agency",
        "event_date",
        "learned_at",
        "sections",
        "reason",
        "outcome",
    }
)
EARLIEST = date(2000, 1, 1)
CLOCK_SKEW = timedelta(minutes=5)
FUTURE_YEARS = 5


class InvalidPayloadError(ValueError):
    """The body is not a valid case event; ``errors`` maps JSON pointers to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


class RefusedError(Exception):
    """A well-formed event the portal will not take: ``status`` and a machine ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CaseEventIn:
    partner_event_id: str
    case_reference: str
    event_key: str
    agency: str
    event_date: date
    learned_at: datetime
    sections: dict[str, str]
    reason: str | None
    outcome: str | None
    payload_hash: str


@dataclass(frozen=True)
class Received:
    status: int  # 201 for a new event, 200 for a replay
    body: dict[str, str]


# --- parsing ------------------------------------------------------------------------------------


def payload_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _has_bad_characters(text: str) -> bool:
    return any(
        ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t")
        for ch in text
    )


def _string(
    data: dict[str, Any], name: str, errors: dict[str, str], *, required: bool, limit: int
) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            errors[f"/{name}"] = "Required"
        return None
    if not isinstance(value, str):
        errors[f"/{name}"] = "Must be a string"
        return None
    if len(value) > limit:
        errors[f"/{name}"] = f"Must be {limit} characters or fewer"
        return None
    if _has_bad_characters(value):
        errors[f"/{name}"] = "Contains a control character or invalid text"
        return None
    return value


def _date(value: str | None, name: str, errors: dict[str, str]) -> date | None:
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        errors[f"/{name}"] = "Must be a date in the form YYYY-MM-DD"
        return None
    latest = deadlines.london_today().replace(year=deadlines.london_today().year + FUTURE_YEARS)
    if not EARLIEST <= day <= latest:
        errors[f"/{name}"] = f"Must be between {EARLIEST.isoformat()} and {latest.isoformat()}"
        return None
    return day


def _moment(value: str | None, name: str, errors: dict[str, str]) -> datetime | None:
    if value is None:
        return None
    message = "Must be an RFC 3339 date-time with a time zone offset, like 2026-03-02T14:10:00Z"
    if not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})", value
    ):
        errors[f"/{name}"] = message
        return None
    try:
        # Python reads at most microseconds: trim longer fractions before parsing.
        trimmed = re.sub(r"(\.\d{6})\d+", r"\1", value.upper().replace(" ", "T"))
        moment = datetime.fromisoformat(trimmed)
    except ValueError:
        errors[f"/{name}"] = message
        return None
    now = utcnow()
    earliest = datetime.combine(EARLIEST, datetime.min.time(), tzinfo=UTC)
    if moment < earliest:
        errors[f"/{name}"] = f"Must be after {EARLIEST.isoformat()}"
        return None
    if moment > now + CLOCK_SKEW:
        errors[f"/{name}"] = "Must not be in the future"
        return None
    return min(moment.astimezone(UTC), now)


def parse(data: Any, partner: Partner) -> CaseEventIn:
    """A checked case event, or InvalidPayloadError listing every problem."""
    if not isinstance(data, dict):
        raise InvalidPayloadError({"": "The body must be a JSON object"})
    errors: dict[str, str] = {}
    for name in sorted(set(data) - FIELDS):
        errors[f"/{name}"] = "Unknown field"
    event_id = _string(data, "partner_event_id", errors, required=True, limit=100)
    if event_id is not None and not EVENT_ID_PATTERN.match(event_id):
        errors["/partner_event_id"] = (
            "Use 1 to 100 letters, numbers, dots, colons, hyphens or underscores"
        )
    reference = _string(data, "case_reference", errors, required=True, limit=CASE_REFERENCE_MAX)
    if reference is not None and not reference.strip():
        errors["/case_reference"] = "Must not be blank"
    agency = _string(data, "agency", errors, required=True, limit=20)
    if agency is not None and agency not in {a.value for a in PARTNER_AGENCIES}:
        errors["/agency"] = "Must be one of: " + ", ".join(a.value for a in PARTNER_AGENCIES)
    elif agency is not None and agency != partner.agency:
        errors["/agency"] = "Must be the agency this API key was issued for"
    event_key = _string(data, "event", errors, required=True, limit=40)
    ev = None
    if event_key is not None:
        known = {e.key for e in postable_events()}
        if event_key not in known:
            errors["/event"] = "Unknown event: see the enum in the OpenAPI description"
        else:
            ev = event(event_key)
            if partner.agency not in ev.who_tells:
                errors["/event"] = "This agency does not send this event"
    event_date = _date(
        _string(data, "event_date", errors, required=True, limit=10), "event_date", errors
    )
    learned_at = _moment(
        _string(data, "learned_at", errors, required=True, limit=40), "learned_at", errors
    )
    sections = _sections(data.get("sections"), errors)
    reason = _string(data, "reason", errors, required=False, limit=REASON_MAX)
    if ev is not None and ev.requires_reason and not (reason or "").strip():
        errors["/reason"] = "Required for this event: the reason the date changed"
    outcome = _string(data, "outcome", errors, required=False, limit=20)
    if ev is not None and ev.outcomes:
        if outcome not in {o.key for o in ev.outcomes}:
            errors["/outcome"] = "Required for this event: one of " + ", ".join(
                o.key for o in ev.outcomes
            )
    elif outcome is not None and "/outcome" not in errors:
        errors["/outcome"] = "This event has no outcome"
    if (
        errors
        or event_id is None
        or reference is None
        or event_key is None
        or agency is None
        or event_date is None
        or learned_at is None
    ):
        raise InvalidPayloadError(errors or {"": "The body is not a valid case event"})
    return CaseEventIn(
        partner_event_id=event_id,
        case_reference=reference,
        event_key=event_key,
        agency=agency,
        event_date=event_date,
        learned_at=learned_at,
        sections=sections,
        reason=(reason or "").strip() or None,
        outcome=outcome,
        payload_hash=payload_hash(data),
    )


def _sections(value: Any, errors: dict[str, str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors["/sections"] = "Must be an object"
        return {}
    found: dict[str, str] = {}
    for name in sorted(set(value) - set(SECTION_KEYS)):
        errors[f"/sections/{name}"] = "Unknown section"
    for key in SECTION_KEYS:
        text = _string(value, key, errors, required=False, limit=SECTION_MAX)
        if key in value and text is None and f"/{key}" in errors:
            errors[f"/sections/{key}"] = errors.pop(f"/{key}")
        if text and text.strip():
            found[key] = text.strip()
    return found


# --- receiving ----------------------------------------------------------------------------------


def _replay(previous: PartnerEvent, incoming: CaseEventIn) -> Received:
    if previous.payload_hash != incoming.payload_hash:
        raise RefusedError(
            409,
            "idempotency_conflict",
            "This partner_event_id was already used for a different event",
        )
    return Received(200, _body(previous))


def _body(record: PartnerEvent) -> dict[str, str]:
    return {
        "partner_event_id": record.partner_event_id,
        "update_id": str(record.update_id),
        "status": record.result,
    }


def previous_event(session: Session, partner: Partner, event_id: str) -> PartnerEvent | None:
    return session.scalar(
        select(PartnerEvent).where(
            PartnerEvent.partner_id == partner.id, PartnerEvent.partner_event_id == event_id
        )
    )


def receive(session: Session, partner: Partner, incoming: CaseEventIn) -> Received:
    """Apply one parsed event (see the module's rules). Raises RefusedError for 404/409."""
    previous = previous_event(session, partner, incoming.partner_event_id)
    if previous is not None:
        return _replay(previous, incoming)
    link = link_for(session, partner, incoming.case_reference)
    case = session.get(Case, link.case_id) if link is not None else None
    if case is None or case.organisation_id != partner.organisation_id:
        raise RefusedError(404, "unknown_case", "No case with this reference is linked to you")
    if case.status == CaseStatus.CLOSED:
        raise RefusedError(409, "case_closed", "This case is closed")
    assignment = case.active_assignment()
    if assignment is None:
        raise RefusedError(
            409, "no_isva_assigned", "The case has no ISVA assigned yet: try again later"
        )
    update = _draft(session, case, assignment.isva_id, partner, incoming)
    result = _publish_or_keep(session, case, partner, update)
    record = PartnerEvent(
        partner_id=partner.id,
        partner_event_id=incoming.partner_event_id,
        payload_hash=incoming.payload_hash,
        case_id=case.id,
        update_id=update.id,
        result=result,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="api.case_event",
        outcome=AuditOutcome.ALLOWED,
        case=case,
        organisation_id=partner.organisation_id,
        object_type="partner_event",
        object_id=record.id,
    )
    return Received(201, _body(record))


def _draft(
    session: Session, case: Case, isva_id: Any, partner: Partner, incoming: CaseEventIn
) -> Update:
    ev = event(incoming.event_key)
    sections = {
        key: incoming.sections.get(key) or str(getattr(ev.starter, key)) for key in SECTION_KEYS
    }
    update = Update(
        case_id=case.id,
        author_id=isva_id,
        status=UpdateStatus.DRAFT,
        event_key=ev.key,
        source_agency=partner.agency,
        event_date=incoming.event_date,
        learned_at=incoming.learned_at,
        reason=incoming.reason,
        outcome=incoming.outcome if ev.outcomes else None,
    )
    update.sections = sections
    due = deadlines.due_by(ev.key, incoming.learned_at)
    update.due_on = due.day if due else None
    window = deadlines.window_for(ev.key, incoming.event_date)
    update.window_closes_on = window.closes_on if window else None
    session.add(update)
    session.flush()
    return update


def _publish_or_keep(session: Session, case: Case, partner: Partner, update: Update) -> str:
    ev = update.event
    direct = (
        ev.key in partner.direct_publish
        and may_publish_directly(ev)
        and not validation_errors(update)
    )
    if direct and needs_isva_first(session, case, update):
        update.status = UpdateStatus.HELD_ISVA_FIRST
        _audit_update(session, case, update, "update.hold_isva_first")
    elif direct:
        update.status = UpdateStatus.PUBLISHED
        update.published_at = utcnow()
        session.flush()
        _audit_update(session, case, update, "case.publish_update")
        notify(
            session,
            case.victim,
            "update",
            source_key=f"update:{update.id}:v{update.version}",
            category=update.category,
            case_id=case.id,
        )
        return str(UpdateStatus.PUBLISHED)
    author = update.author
    notify(session, author, "staff_work", source_key=f"partner-update:{update.id}", case_id=case.id)
    return str(update.status)


def _audit_update(session: Session, case: Case, update: Update, action: str) -> None:
    audit.record(
        session,
        actor=None,
        action=action,
        outcome=AuditOutcome.ALLOWED,
        case=case,
        organisation_id=case.organisation_id,
        object_type="case_update",
        object_id=update.id,
    )
