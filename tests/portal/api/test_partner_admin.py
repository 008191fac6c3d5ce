"""The admin's partner pages: add a partner, issue a key (shown once), revoke it, link cases,
choose direct publishing. Admins only, their own organisation only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Role
from portal.models.partner import ApiKey, Partner
from tests.portal.api.conftest import new_partner, payload
from tests.support.factories import make_org, make_user


def _detail_url(client_request, partner):
    return client_request.url("caseworker.partner_detail", partner_id=partner.id)


@pytest.mark.parametrize("role", [Role.ISVA, Role.SUPERVISOR, Role.VICTIM])
def test_only_admins_reach_the_partner_pages(api, login_as, client_request, role):
    login_as(make_user(api.session, api.org, role))
    client_request.get("caseworker.partner_list", _expected_status=404)
    client_request.get("caseworker.partner_detail", partner_id=api.partner.id, _expected_status=404)


def test_another_organisations_partner_is_not_found(app, api, login_as, client_request):
    other_org = make_org(api.session)
    theirs, _ = new_partner(app, api.session, make_user(api.session, other_org, Role.ADMIN))
    login_as(api.admin)
    client_request.get("caseworker.partner_detail", partner_id=theirs.id, _expected_status=404)
    names = [a.get_text() for a in client_request.get("caseworker.partner_list").select("tbody a")]
    assert names == ["Police"]


def test_the_list_shows_each_key_by_prefix_with_its_state(api, login_as, client_request):
    login_as(api.admin)
    page = client_request.get("caseworker.partner_list")
    prefix = api.key.split("_")[1]
    cell = page.select_one("tbody td:nth-of-type(2)").get_text(" ", strip=True)
    assert f"wp_{prefix}_…" in cell
    assert "Live" in cell
    assert "Never used" in cell
    assert api.key.split("_", 2)[2] not in page.decode()


def test_adding_a_partner(api, login_as, client_request):
    login_as(api.admin)
    client_request.post("caseworker.new_partner", {"name": "Witness Care North", "agency": "wcu"})
    partner = api.session.scalar(select(Partner).where(Partner.name == "Witness Care North"))
    assert partner.agency == "wcu"
    assert partner.organisation_id == api.org.id
    assert partner.direct_publish == frozenset()


def test_adding_a_partner_without_details_explains_what_is_missing(api, login_as, client_request):
    login_as(api.admin)
    page = client_request.post("caseworker.new_partner", {"name": ""}, _expected_status=200)
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter the partner's name" in summary
    assert "Choose the partner's agency" in summary


def test_a_new_key_is_shown_once_and_works(api, login_as, client_request, client):
    login_as(api.admin)
    page = client_request.post(
        "caseworker.issue_partner_key",
        _expected_status=200,
        _form_url=_detail_url(client_request, api.partner),
        partner_id=api.partner.id,
    )
    raw = page.select_one("#new-key").get_text()
    assert client_request.response.headers["Cache-Control"] == "no-store"
    later = client_request.get("caseworker.partner_detail", partner_id=api.partner.id)
    assert raw not in later.decode()
    assert later.select_one("#new-key") is None
    client.get("/caseworker/partners")  # (signed in as the admin: the API ignores cookies)
    response = client.post(
        "/api/v1/case-events", json=payload(), headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 201


def test_revoking_a_key_stops_it_at_once(api, login_as, client_request, client):
    login_as(api.admin)
    key = api.session.scalar(select(ApiKey).where(ApiKey.partner_id == api.partner.id))
    client_request.post(
        "caseworker.revoke_partner_key",
        _form_url=_detail_url(client_request, api.partner),
        partner_id=api.partner.id,
        key_id=key.id,
    )
    api.session.refresh(key)
    assert key.revoked_at is not None
    assert key.revoked_by_id == api.admin.id
    response = client.post(
        "/api/v1/case-events", json=payload(), headers={"Authorization": f"Bearer {api.key}"}
    )
    assert response.status_code == 401


def test_linking_a_case_by_reference(api, login_as, client_request, client):
    login_as(api.admin)
    token = client_request.csrf_token(_detail_url(client_request, api.partner))
    client_request.post(
        "caseworker.link_partner_case",
        {
            "csrf_token": token,
            "link-csrf_token": token,
            "link-case_reference": api.case.reference,
            "link-partner_reference": "CRN 99/1",
        },
        partner_id=api.partner.id,
    )
    page = client_request.get("caseworker.partner_detail", partner_id=api.partner.id)
    assert "CRN 99/1" in page.get_text()
    response = client.post(
        "/api/v1/case-events",
        json=payload(case_reference="crn 99/1"),  # upper or lower case alike
        headers={"Authorization": f"Bearer {api.key}"},
    )
    assert response.status_code == 201


def test_linking_an_unknown_case_explains_why(api, login_as, client_request):
    login_as(api.admin)
    token = client_request.csrf_token(_detail_url(client_request, api.partner))
    page = client_request.post(
        "caseworker.link_partner_case",
        {
            "csrf_token": token,
            "link-csrf_token": token,
            "link-case_reference": "NOPE-1",
            "link-partner_reference": "X-1",
        },
        _expected_status=400,
        partner_id=api.partner.id,
    )
    assert (
        "There is no case with that reference" in page.select_one(".govuk-error-summary").get_text()
    )


def test_direct_publishing_offers_only_events_that_are_not_sensitive(api, login_as, client_request):
    login_as(api.admin)
    page = client_request.get("caseworker.partner_detail", partner_id=api.partner.id)
    offered = {box["value"] for box in page.select("input[name='direct-events']")}
    assert "investigation_update" in offered
    assert not offered & {"suspect_arrested", "police_nfa", "charged", "suspect_bailed"}
    token = client_request.csrf_token(_detail_url(client_request, api.partner))
    client_request.post(
        "caseworker.partner_direct_publish",
        {"csrf_token": token, "direct-csrf_token": token, "direct-events": "investigation_update"},
        partner_id=api.partner.id,
    )
    api.session.refresh(api.partner)
    assert api.partner.direct_publish == frozenset({"investigation_update"})
    refused = client_request.post(
        "caseworker.partner_direct_publish",
        {"csrf_token": token, "direct-csrf_token": token, "direct-events": "suspect_arrested"},
        partner_id=api.partner.id,
        _expected_status=400,
    )
    assert refused.select_one(".govuk-error-summary") is not None
    api.session.refresh(api.partner)
    assert api.partner.direct_publish == frozenset({"investigation_update"})
