"""The OpenAPI 3.1 description of the partner API, built from the same constants the code uses
(event keys from the catalogue, agencies, limits), so the two cannot drift apart silently.
schemathesis checks the running API against it (tests/portal/api/test_schemathesis.py)."""

from __future__ import annotations

from typing import Any

from portal.journey import SECTIONS
from portal.services.partners.payload import CASE_REFERENCE_MAX, EVENT_ID_PATTERN, REQUIRED_FIELDS
from portal.services.partners.systems import PARTNER_AGENCIES, postable_events
from portal.services.updates.validation import REASON_MAX, SECTION_MAX

API_MAX_BYTES = 64 * 1024


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


# The parts of the description that depend on nothing in the code: plain data.
INFO: dict[str, Any] = {
    "title": "Waypoint partner API",
    "version": "1.0.0",
    "description": (
        "Lets police, CPS, Witness Care Unit and Probation systems tell an ISVA "
        "service about events in a case, named by the partner's own case reference. "
        "Events become draft updates for the victim's ISVA, or are published directly "
        "where the service allows it (never for sensitive events)."
    ),
}
SECURITY_SCHEMES: dict[str, Any] = {
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "wp_<prefix>_<secret>",
        "description": "A per-partner key issued (and revocable) by the service's "
        "admin; shown once.",
    }
}
ACCEPTED: dict[str, Any] = {
    "type": "object",
    "required": ["partner_event_id", "update_id", "status"],
    "additionalProperties": False,
    "properties": {
        "partner_event_id": {"type": "string"},
        "update_id": {"type": "string", "format": "uuid"},
        "status": {
            "type": "string",
            "enum": ["draft", "published", "held_isva_first"],
            "description": (
                "draft: waiting for the ISVA to review and publish. published: the victim "
                "has been told. held_isva_first: published once the ISVA confirms support "
                "is in place."
            ),
        },
    },
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "additionalProperties": False,
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "A JSON pointer into the body",
                    },
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def document() -> dict[str, Any]:
    """The description served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}],
        "paths": {
            "/api/v1/case-events": {
                "post": {
                    "operationId": "postCaseEvent",
                    "summary": "Tell the service about an event in a case",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CaseEvent"}
                            }
                        },
                    },
                    "responses": _responses(),
                }
            },
        },
        "components": {
            "securitySchemes": SECURITY_SCHEMES,
            "schemas": {"CaseEvent": _case_event(), "Error": ERROR_SCHEMA},
        },
    }


def _responses() -> dict[str, Any]:
    return {
        "201": {
            "description": "Accepted: a new update was made",
            "content": {"application/json": {"schema": ACCEPTED}},
        },
        "200": {
            "description": "A repeat of an event already accepted (same id "
            "and body): the first result",
            "content": {"application/json": {"schema": ACCEPTED}},
        },
        "400": _error("The body is not valid JSON"),
        "401": _error(
            "Missing, malformed, unknown or revoked API key",
            {"WWW-Authenticate": {"schema": {"type": "string"}}},
        ),
        "404": _error("No case with this reference is linked to the partner"),
        "409": _error(
            "The event id was used for a different event, the case is closed, "
            "or no ISVA is assigned yet"
        ),
        "413": _error(f"The body is larger than {API_MAX_BYTES} bytes"),
        "415": _error("The body is not application/json"),
        "422": _error("Invalid fields: see errors"),
        "429": _error(
            "Too many requests for this key: wait and retry",
            {"Retry-After": {"schema": {"type": "string"}}},
        ),
    }


def _case_event() -> dict[str, Any]:
    """The request body, from the catalogue (events, outcomes, sections) and the code's limits."""
    events = postable_events()
    outcomes = sorted({o.key for e in events for o in e.outcomes})
    sections = {
        key: {"type": "string", "maxLength": SECTION_MAX, "description": str(label)}
        for key, label in SECTIONS
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(REQUIRED_FIELDS),
        "properties": _case_event_properties([e.key for e in events], outcomes, sections),
    }


def _case_event_properties(
    events: list[str], outcomes: list[str], sections: dict[str, Any]
) -> dict[str, Any]:
    return {
        "partner_event_id": {
            "type": "string",
            "pattern": EVENT_ID_PATTERN.pattern,
            "description": "Your own unique id for this event: retries with "
            "the same id and body are safe.",
        },
        "case_reference": {
            "type": "string",
            "minLength": 1,
            "maxLength": CASE_REFERENCE_MAX,
            "description": "Your own reference for the case, as linked by the service.",
        },
        "event": {
            "type": "string",
            "enum": events,
            "description": "The journey event (only those your agency sends).",
        },
        "agency": {
            "type": "string",
            "enum": [a.value for a in PARTNER_AGENCIES],
            "description": "Must be the agency your key was issued for.",
        },
        "event_date": {"type": "string", "format": "date"},
        "learned_at": {
            "type": "string",
            "format": "date-time",
            "description": "When your agency learned of the event (RFC 3339 "
            "with offset): the Victims' Code clock starts here. Not in the "
            "future.",
        },
        "sections": {
            "type": "object",
            "additionalProperties": False,
            "properties": sections,
            "description": "Plain-English text; the service's starter text "
            "is used for any section left out.",
        },
        "reason": {
            "type": "string",
            "maxLength": REASON_MAX,
            "description": "Required for trial_date_changed.",
        },
        "outcome": {
            "type": "string",
            "enum": outcomes,
            "description": "Required for verdict; not allowed otherwise.",
        },
    }
