"""POST /api/v1/case-events: keys, validation, idempotency, case scoping, direct publishing."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from notifications.models import Notification
from portal.clock import utcnow
from portal.models import AuditEvent, CaseStatus, Role, Update, UpdateStatus
from portal.models.partner import ApiKey, PartnerCaseLink
from portal.services.partners import systems as partners
from tests.portal.api.conftest import (
    POLICE_REFERENCE,
    events_recorded,
    link,
    new_partner,
    payload,
    updates_made,
)
from tests.portal.updates.conftest import set_choice
from tests.support.factories import make_case, make_org, make_user


def _notifications(session, user) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.recipient_id == user.id)))


# --- keys ---------------------------------------------------------------------------------------


def test_missing_malformed_unknown_wrong_and_revoked_keys_get_the_same_401(app, api, post):
    prefix = api.key.split("_")[1]
    with app.test_request_context():
        revoked_partner, revoked = new_partner(app, api.session, api.admin, name="Old system")
        key_row = api.session.scalar(select(ApiKey).where(ApiKey.partner_id == revoked_partner.id))
        partners.revoke_key(api.session, api.admin, revoked_partner, key_row.id)
    link(app, api.session, api.admin, revoked_partner, api.case, POLICE_REFERENCE)
    attempts = {
        "missing": post(None),
        "malformed": post("not-a-key"),
        "wrong scheme": post(None, headers={"Authorization": f"Basic {api.key}"}),
        "unknown prefix": post("wp_0123456789ab_" + api.key.split("_", 2)[2]),
        "wrong secret": post(f"wp_{prefix}_" + "A" * 43),
        "revoked": post(revoked),
    }
    seen = {
        json.dumps([r.status_code, r.get_json(), r.headers.get("WWW-Authenticate")])
        for r in attempts.values()
    }
    assert seen == {
        json.dumps(
            [
                401,
                {"code": "unauthorised", "message": "A valid API key is required"},
                'Bearer realm="waypoint"',
            ]
        )
    }
    assert updates_made(api.session) == 0


def test_key_is_shown_once_and_only_its_hash_is_stored(app, api):
    with app.test_request_context():
        issued = partners.issue_key(api.session, api.admin, api.partner)
    _, prefix, secret = issued.raw.split("_", 2)
    rows = api.session.execute(text("SELECT * FROM partner_api_keys")).all()
    dump = repr(rows)
    assert secret not in dump
    assert prefix in dump
    assert hashlib.sha256(secret.encode()).hexdigest() in dump
    assert issued.key.prefix == prefix
    assert not hasattr(issued.key, "raw")


def test_using_a_key_records_when_it_was_last_used(api, post):
    assert post(api.key).status_code == 201
    key = api.session.scalar(select(ApiKey).where(ApiKey.partner_id == api.partner.id))
    assert key.last_used_at is not None


# --- accepted events ----------------------------------------------------------------------------


def test_an_event_becomes_a_draft_for_the_isva_with_starter_text(api, post):
    response = post(api.key)

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["partner_event_id"] == "evt-0001"
    update = api.session.get(Update, uuid.UUID(body["update_id"]))
    assert update.case_id == api.case.id
    assert update.status == UpdateStatus.DRAFT
    assert update.published_at is None
    assert update.author_id == api.isva.id
    assert update.source_agency == "police"
    sections = update.sections
    assert sections["what_happened"] == "The officer has taken two more statements."
    assert sections["what_happens_next"] == str(update.event.starter.what_happens_next)
    assert all(sections.values())
    # The ISVA is told there is a draft; the victim hears nothing until it is published.
    assert [n.kind for n in _notifications(api.session, api.isva)] == ["staff_work"]
    assert _notifications(api.session, api.victim) == []
    audit_row = api.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.case_event"))
    assert audit_row.case_id == api.case.id
    assert audit_row.actor_id is None
    assert audit_row.organisation_id == api.org.id


def test_the_code_clock_starts_when_the_agency_learned(api, post):
    learned = utcnow() - timedelta(hours=3)
    response = post(api.key, payload(event="suspect_arrested", learned_at=learned.isoformat()))
    update = api.session.scalar(select(Update))
    assert response.status_code == 201
    assert update.due_on is not None
    assert update.learned_at == learned


# --- bad input ----------------------------------------------------------------------------------


def test_bad_fields_get_a_422_naming_each_field_and_nothing_is_made(api, post):
    body = payload(
        event_date="28/11/2026",
        learned_at="2026-11-27T10:00:00",  # no offset
        agency="cps",
        colour="blue",
        sections={"what_happened": 5, "summary": "x"},
    )
    del body["case_reference"]

    response = post(api.key, body)

    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(fields) == {
        "/event_date",
        "/learned_at",
        "/agency",
        "/colour",
        "/case_reference",
        "/sections/what_happened",
        "/sections/summary",
    }
    assert fields["/agency"] == "Must be the agency this API key was issued for"
    assert fields["/case_reference"] == "Required"
    assert updates_made(api.session) == 0
    assert events_recorded(api.session) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event": "trial_date_changed", "agency": "police"}, "/event"),  # the WCU's event
        ({"event": "no_such_event"}, "/event"),
        ({"learned_at": "2999-01-01T00:00:00Z"}, "/learned_at"),  # in the future
        ({"learned_at": "1999-12-31T23:00:00Z"}, "/learned_at"),
        ({"event_date": "9999-01-01"}, "/event_date"),
        ({"partner_event_id": "has spaces"}, "/partner_event_id"),
        ({"sections": {"what_happened": "x" * 2001}}, "/sections/what_happened"),
        ({"sections": {"what_happened": "bell\x07"}}, "/sections/what_happened"),
        ({"outcome": "guilty"}, "/outcome"),
        ({"case_reference": "   "}, "/case_reference"),
    ],
)
def test_each_rule_is_a_field_level_422(api, post, overrides, field):
    response = post(api.key, payload(**overrides))
    assert response.status_code == 422
    assert field in {e["field"] for e in response.get_json()["errors"]}
    assert updates_made(api.session) == 0


def test_a_date_change_needs_a_reason_and_a_verdict_needs_its_outcome(app, api, post):
    wcu, wcu_key = new_partner(app, api.session, api.admin, agency="wcu", name="Witness Care")
    link(app, api.session, api.admin, wcu, api.case, "WCU-77")
    no_reason = post(
        wcu_key, payload(event="trial_date_changed", agency="wcu", case_reference="WCU-77")
    )
    no_outcome = post(wcu_key, payload(event="verdict", agency="wcu", case_reference="WCU-77"))
    assert no_reason.status_code == 422
    assert no_outcome.status_code == 422
    assert {e["field"] for e in no_reason.get_json()["errors"]} == {"/reason"}
    assert {e["field"] for e in no_outcome.get_json()["errors"]} == {"/outcome"}
    ok = post(
        wcu_key,
        payload(
            event="trial_date_changed",
            agency="wcu",
            case_reference="WCU-77",
            reason="The court had no judge available",
        ),
    )
    assert ok.status_code == 201


def test_non_json_invalid_json_and_huge_bodies(api, post):
    form = post(api.key, data="a=b", content_type="application/x-www-form-urlencoded")
    broken = post(api.key, data="{not json", content_type="application/json")
    huge = post(
        api.key, data=json.dumps(payload(pad="x" * 70_000)), content_type="application/json"
    )
    array = post(api.key, [])
    assert (form.status_code, form.get_json()["code"]) == (415, "unsupported_media_type")
    assert (broken.status_code, broken.get_json()["code"]) == (400, "invalid_json")
    assert (huge.status_code, huge.get_json()["code"]) == (413, "too_large")
    assert array.status_code == 422
    assert all(r.mimetype == "application/json" for r in (form, broken, huge, array))
    assert updates_made(api.session) == 0


def test_unknown_api_addresses_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    wrong_method = client.get("/api/v1/case-events")
    assert (missing.status_code, missing.mimetype) == (404, "application/json")
    assert (wrong_method.status_code, wrong_method.mimetype) == (405, "application/json")
    assert client.get("/no-such-page").mimetype == "text/html"


# --- idempotency --------------------------------------------------------------------------------


def test_a_replay_returns_the_first_result_and_makes_nothing_new(api, post):
    body = payload()
    first = post(api.key, body)
    again = post(api.key, json.loads(json.dumps(body, sort_keys=True)))  # same, keys reordered
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert updates_made(api.session) == 1
    assert events_recorded(api.session) == 1


def test_the_same_event_id_with_a_different_body_is_a_conflict(api, post):
    assert post(api.key).status_code == 201
    changed = post(api.key, payload(sections={"what_happened": "Something else"}))
    assert changed.status_code == 409
    assert changed.get_json()["code"] == "idempotency_conflict"
    assert updates_made(api.session) == 1


def test_event_ids_belong_to_each_partner(app, api, post):
    other, other_key = new_partner(app, api.session, api.admin, name="Second force")
    link(app, api.session, api.admin, other, api.case, "SF-1")
    assert post(api.key).status_code == 201
    assert post(other_key, payload(case_reference="SF-1")).status_code == 201
    assert updates_made(api.session) == 2


# --- which cases --------------------------------------------------------------------------------


def test_unknown_reference_and_another_organisations_case_get_the_same_404(app, api, post):
    other_org = make_org(api.session)
    other_admin = make_user(api.session, other_org, Role.ADMIN)
    other_isva = make_user(api.session, other_org, Role.ISVA)
    other_case = make_case(api.session, other_org, make_user(api.session, other_org), other_isva)
    other_partner, _ = new_partner(app, api.session, other_admin)
    link(app, api.session, other_admin, other_partner, other_case, "OTHER-1")
    # A link row pointing across organisations (never made by the service) is still refused.
    api.session.add(
        PartnerCaseLink(
            partner_id=api.partner.id,
            case_id=other_case.id,
            reference_lookup=partners.reference_lookup("CROSS-1"),
            reference="CROSS-1",
        )
    )
    api.session.flush()

    unknown = post(api.key, payload(case_reference="NO-SUCH-REF"))
    theirs = post(api.key, payload(case_reference="OTHER-1", partner_event_id="e2"))
    crossed = post(api.key, payload(case_reference="CROSS-1", partner_event_id="e3"))

    assert unknown.status_code == theirs.status_code == crossed.status_code == 404
    assert unknown.get_json() == theirs.get_json() == crossed.get_json()
    assert updates_made(api.session) == 0


def test_links_are_only_made_to_the_organisations_own_cases(app, api):
    other_org = make_org(api.session)
    other_case = make_case(api.session, other_org, make_user(api.session, other_org))
    with app.test_request_context(), pytest.raises(partners.PartnerError) as refused:
        partners.link_case(api.session, api.admin, api.partner, other_case.reference, "X-1")
    assert set(refused.value.errors) == {"case_reference"}


def test_a_case_without_an_isva_is_a_conflict_to_retry(app, api, post):
    bare = make_case(api.session, api.org, make_user(api.session, api.org))
    link(app, api.session, api.admin, api.partner, bare, "BARE-1")
    response = post(api.key, payload(case_reference="BARE-1"))
    assert response.status_code == 409
    assert response.get_json()["code"] == "no_isva_assigned"
    assert events_recorded(api.session) == 0


# --- rate limit ---------------------------------------------------------------------------------


def test_rate_limit_is_per_key_and_answers_json(app, api, post, monkeypatch):
    monkeypatch.setitem(app.config, "PARTNER_API_RATE_LIMIT", "2/minute")
    other, other_key = new_partner(app, api.session, api.admin, name="Second force")
    link(app, api.session, api.admin, other, api.case, "SF-1")
    statuses = [post(api.key, payload(partner_event_id=f"e{i}")).status_code for i in range(3)]
    limited = post(api.key, payload(partner_event_id="e9"))
    assert statuses == [201, 201, 429]
    assert limited.status_code == 429
    assert limited.get_json()["code"] == "rate_limited"
    assert limited.mimetype == "application/json"
    assert post(other_key, payload(case_reference="SF-1")).status_code == 201


# --- publishing directly ------------------------------------------------------------------------


def test_sensitive_events_are_never_published_directly(app, api, post):
    with app.test_request_context(), pytest.raises(partners.PartnerError):
        partners.set_direct_publish(api.session, api.admin, api.partner, ["suspect_arrested"])
    # Even a setting written around the service cannot publish one.
    api.partner.direct_publish_events = "suspect_arrested police_nfa"
    api.session.flush()
    arrested = post(api.key, payload(event="suspect_arrested"))
    nfa = post(api.key, payload(event="police_nfa", partner_event_id="e2"))
    assert arrested.get_json()["status"] == nfa.get_json()["status"] == "draft"
    assert _notifications(api.session, api.victim) == []


def test_an_allowed_event_is_published_and_the_victim_notified_once_per_channel(app, api, post):
    with app.test_request_context():
        partners.set_direct_publish(api.session, api.admin, api.partner, ["investigation_update"])
    body = payload()
    response = post(api.key, body)
    assert response.status_code == 201
    assert response.get_json()["status"] == "published"
    update = api.session.scalar(select(Update))
    assert update.status == UpdateStatus.PUBLISHED
    assert update.published_at is not None
    sent = _notifications(api.session, api.victim)
    assert sorted(n.channel for n in sent) == ["email", "sms"]
    assert {n.source_key for n in sent} == {f"update:{update.id}:v1"}
    assert post(api.key, body).status_code == 200
    assert len(_notifications(api.session, api.victim)) == 2


def test_the_victims_isva_first_choice_still_holds_a_direct_event(app, api, post):
    set_choice(api.session, api.victim, "investigation", "isva_first")
    with app.test_request_context():
        partners.set_direct_publish(api.session, api.admin, api.partner, ["investigation_update"])
    response = post(api.key)
    assert response.get_json()["status"] == "held_isva_first"
    assert _notifications(api.session, api.victim) == []


def test_a_closed_case_takes_no_events(api, post):
    api.case.status = CaseStatus.CLOSED
    api.session.flush()
    response = post(api.key)
    assert response.status_code == 409
    assert response.get_json()["code"] == "case_closed"
    assert updates_made(api.session) == 0


def test_a_direct_event_that_moves_a_date_without_a_reason_waits_for_the_isva(app, api, post):
    wcu, key = new_partner(app, api.session, api.admin, agency="wcu", name="Witness Care")
    link(app, api.session, api.admin, wcu, api.case, "WCU-0001")
    with app.test_request_context():
        partners.set_direct_publish(api.session, api.admin, wcu, ["hearing_scheduled"])
    first_day = (utcnow() + timedelta(days=30)).date()
    hearing = payload(
        event="hearing_scheduled",
        agency="wcu",
        case_reference="WCU-0001",
        event_date=first_day.isoformat(),
    )
    assert post(key, hearing).get_json()["status"] == "published"
    moved = {**hearing, "partner_event_id": "evt-0002"}
    moved["event_date"] = (first_day + timedelta(days=7)).isoformat()
    assert post(key, moved).get_json()["status"] == "draft"
    explained = {**moved, "partner_event_id": "evt-0003", "reason": "The court list changed"}
    assert post(key, explained).get_json()["status"] == "published"
    latest = api.session.scalar(
        select(Update)
        .where(Update.status == UpdateStatus.PUBLISHED)
        .order_by(Update.created_at.desc())
    )
    assert latest.previous_event_date == first_day
