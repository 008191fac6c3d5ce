"""Checking a partner's case event: every problem listed by field, as JSON pointers.

``parse`` takes the decoded JSON body and returns a ``CaseEventIn`` or raises
``InvalidPayloadError`` mapping pointers (``/sections/what_happened``) to plain messages, so a
partner's developer can fix every field at once. The OpenAPI description
(``portal.api.openapi``) states the same rules for machines; schemathesis keeps them in step.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from portal.clock import utcnow
from portal.journey import SECTIONS, Event, event
from portal.models.partner import Partner
from portal.refusal import Refusal
from portal.services.partners.systems import PARTNER_AGENCIES, postable_events
from portal.services.updates import deadlines
from portal.services.updates.validation import REASON_MAX, SECTION_MAX

EVENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
CASE_REFERENCE_MAX = 64
SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)
# The fields of a case event: these are required (the OpenAPI description lists the same).
REQUIRED_FIELDS = (
    "partner_event_id",
    "case_reference",
    "event",
    "agency",
    "event_date",
    "learned_at",
)
FIELDS = frozenset({*REQUIRED_FIELDS, "sections", "reason", "outcome"})
EARLIEST = date(2000, 1, 1)
CLOCK_SKEW = timedelta(minutes=5)
FUTURE_YEARS = 5


class InvalidPayloadError(Refusal, ValueError):
    """The body is not a valid case event; ``errors`` maps JSON pointers to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


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
    event_id = _event_id(data, errors)
    reference = _string(data, "case_reference", errors, required=True, limit=CASE_REFERENCE_MAX)
    if reference is not None and not reference.strip():
        errors["/case_reference"] = "Must not be blank"
    agency = _agency(data, partner, errors)
    event_key, ev = _event(data, partner, errors)
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
    outcome = _outcome(data, ev, errors)
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


def _event_id(data: dict[str, Any], errors: dict[str, str]) -> str | None:
    event_id = _string(data, "partner_event_id", errors, required=True, limit=100)
    if event_id is not None and not EVENT_ID_PATTERN.match(event_id):
        errors["/partner_event_id"] = (
            "Use 1 to 100 letters, numbers, dots, colons, hyphens or underscores"
        )
    return event_id


def _agency(data: dict[str, Any], partner: Partner, errors: dict[str, str]) -> str | None:
    """Only the agency the API key was issued for may send (one partner cannot pose as another)."""
    agency = _string(data, "agency", errors, required=True, limit=20)
    if agency is not None and agency not in {a.value for a in PARTNER_AGENCIES}:
        errors["/agency"] = "Must be one of: " + ", ".join(a.value for a in PARTNER_AGENCIES)
    elif agency is not None and agency != partner.agency:
        errors["/agency"] = "Must be the agency this API key was issued for"
    return agency


def _event(
    data: dict[str, Any], partner: Partner, errors: dict[str, str]
) -> tuple[str | None, Event | None]:
    """The event's key, and the event if partners may post it and this agency sends it."""
    event_key = _string(data, "event", errors, required=True, limit=40)
    if event_key is None:
        return None, None
    if event_key not in {e.key for e in postable_events()}:
        errors["/event"] = "Unknown event: see the enum in the OpenAPI description"
        return event_key, None
    ev = event(event_key)
    if partner.agency not in ev.who_tells:
        errors["/event"] = "This agency does not send this event"
    return event_key, ev


def _outcome(data: dict[str, Any], ev: Event | None, errors: dict[str, str]) -> str | None:
    """A verdict for an event that has one (and only then)."""
    outcome = _string(data, "outcome", errors, required=False, limit=20)
    if ev is not None and ev.outcomes:
        if outcome not in {o.key for o in ev.outcomes}:
            errors["/outcome"] = "Required for this event: one of " + ", ".join(
                o.key for o in ev.outcomes
            )
    elif outcome is not None and "/outcome" not in errors:
        errors["/outcome"] = "This event has no outcome"
    return outcome


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
