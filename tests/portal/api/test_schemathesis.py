"""schemathesis against the served OpenAPI description: every response the API gives to
generated requests (valid and invalid) must be documented, with the documented media type
and body schema, and nothing may be a server error."""

from __future__ import annotations

from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.clock import utcnow
from portal.services.partners.systems import postable_events
from tests.portal.api.conftest import POLICE_REFERENCE

# Events the police send that need nothing more than the common fields.
POLICE_EVENTS = [
    e.key for e in postable_events() if "police" in e.who_tells and not e.requires_reason
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_description_is_openapi_3_1_and_lists_the_catalogue(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    events = doc["components"]["schemas"]["CaseEvent"]["properties"]["event"]["enum"]
    assert "suspect_arrested" in events
    assert "vrr_requested" not in events  # the victim's and the ISVA's, never a partner's
    responses = doc["paths"]["/api/v1/case-events"]["post"]["responses"]
    assert set(responses) == {"200", "201", "400", "401", "404", "409", "413", "415", "422", "429"}


def test_the_api_conforms_to_its_description(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "PARTNER_API_RATE_LIMIT", "100000/minute")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/api/v1/case-events"]["POST"]
    headers = {"Authorization": f"Bearer {api.key}"}
    seen: set[int] = set()
    learned = (utcnow() - timedelta(hours=1)).isoformat()
    day = (utcnow() - timedelta(days=1)).date().isoformat()

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(),
        aim=st.sampled_from(["as is", "linked", "valid"]),
        police_event=st.sampled_from(POLICE_EVENTS),
    )
    def run(case, aim, police_event):
        # Steer some generated bodies at the linked case, with a plausible event and dates, so
        # accepted events and replays are covered as well as refusals.
        if aim != "as is" and isinstance(case.body, dict):
            case.body["case_reference"] = POLICE_REFERENCE
            if aim == "valid":
                case.body.update(
                    agency="police", event=police_event, event_date=day, learned_at=learned
                )
                case.body.pop("outcome", None)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen.add(response.status_code)

    run()
    assert {201, 422} <= seen, seen
