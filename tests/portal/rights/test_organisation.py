"""An admin's organisation settings: validated, audited, and used by the footer, page titles
and Exit this page for the organisation's signed-in users."""

from __future__ import annotations

import pytest

from portal.models import AuditEvent, Organisation
from tests.portal.rights.conftest import World

VALID = {
    "service_name": "Compass",
    "reply_target_working_days": "2",
    "crisis_contacts": "Local support line: 0800 123 4567\nSamaritans: 116 123",
    "exit_url": "https://www.example.org/weather",
    "retention_months": "24",
}


def test_an_admin_changes_the_settings(world: World, session, login_as, client_request):
    login_as(world.admin)
    page = client_request.get("caseworker.organisation_settings")
    assert page.select_one("input[name=retention_months]")["value"] == "12"
    client_request.post("caseworker.organisation_settings", VALID)
    session.expire_all()
    org = session.get(Organisation, world.org.id)
    assert org.service_name == "Compass"
    assert org.reply_target_working_days == 2
    assert org.retention_months == 24
    assert org.exit_url == "https://www.example.org/weather"
    assert org.crisis_contacts == "Local support line|0800 123 4567;Samaritans|116 123"
    actions = {e.action for e in session.query(AuditEvent).filter_by(actor_id=world.admin.id).all()}
    assert actions == {
        "organisation.set_service_name",
        "organisation.set_reply_target_working_days",
        "organisation.set_crisis_contacts",
        "organisation.set_exit_url",
        "organisation.set_retention_months",
    }
    # The form shows what is saved, and the contacts as the admin wrote them.
    page = client_request.get("caseworker.organisation_settings")
    assert (
        page.select_one("textarea[name=crisis_contacts]").get_text().strip()
        == (VALID["crisis_contacts"])
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("exit_url", "http://www.example.org/", "starting with https://"),
        ("exit_url", "javascript:alert(1)", "starting with https://"),
        ("exit_url", "https://", "starting with https://"),
        ("retention_months", "0", "from 1 to 120"),
        ("retention_months", "121", "from 1 to 120"),
        ("retention_months", "twelve", ""),
        ("reply_target_working_days", "0", "from 1 to 10"),
        ("service_name", "", "Enter a service name"),
        ("service_name", "Riverside Sexual Violence Support", "does not say what the service"),
        ("service_name", "Police Victim Care", "does not say what the service"),
        ("crisis_contacts", "Samaritans 116 123", "a colon"),
        ("crisis_contacts", "Line: call us", "a colon"),
        ("crisis_contacts", "Line\x07: 116 123", "without | or ;"),
        ("crisis_contacts", "A|B: 116 123", "without | or ;"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    world: World, session, login_as, client_request, field, value, message
):
    login_as(world.admin)
    page = client_request.post(
        "caseworker.organisation_settings", {**VALID, field: value}, _expected_status=200
    )
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    assert message in summary.get_text()
    session.expire_all()
    org = session.get(Organisation, world.org.id)
    assert (org.service_name, org.retention_months, org.exit_url) == ("Waypoint", 12, None)
    assert session.query(AuditEvent).filter(AuditEvent.action.like("organisation.%")).count() == 0


@pytest.mark.parametrize("who", ["supervisor", "isva"])
def test_only_admins_reach_the_settings(world: World, login_as, client_request, who):
    login_as(getattr(world, who))
    client_request.get("caseworker.organisation_settings", _expected_status=404)


def test_signed_in_users_see_their_organisations_name_and_crisis_contacts(
    world: World, session, login_as, client_request
):
    world.org.service_name = "Compass"
    world.org.crisis_contacts = "Local support line|0800 123 4567"
    session.merge(world.org)
    session.flush()
    signed_out = client_request.get("auth.sign_in")
    assert "Rape Crisis" in signed_out.select_one(".wp-crisis").get_text()
    login_as(world.a.victim)
    page = client_request.get("victim.my_information")
    crisis = page.select_one(".wp-crisis").get_text()
    assert "Local support line" in crisis
    assert "Rape Crisis" not in crisis
    assert page.title.get_text().endswith("– Compass")


def test_exit_goes_to_the_organisations_neutral_site(
    world: World, session, login_as, client_request
):
    world.org.exit_url = "https://www.example.org/weather"
    session.merge(world.org)
    session.flush()
    login_as(world.a.victim)
    client_request.get("public.exit_page", _expected_status=303)
    assert client_request.response.headers["Location"] == "https://www.example.org/weather"
    client_request.get("public.exit_page", _expected_status=303)  # signed out now: the default
    assert client_request.response.headers["Location"] == "http://127.0.0.1:9/neutral"
