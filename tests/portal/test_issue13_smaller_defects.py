"""Issue 13's smaller defects, each as the person who met it would notice: the charged starter,
whole-term glossary links, notification choices in journey order without "ISVA first" for
messages, UK dates on staff pages, the live character count on the victim's message box, and
Ofcom's drama mobiles accepted outside production."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from notifications import contacts
from notifications.models import ContactPoint
from portal.glossary import link_terms
from portal.journey import CATEGORIES, event
from portal.models import Role
from portal.normalise import InvalidIdentifierError, normalise_phone
from tests.support.factories import make_case, make_org, make_user


def test_the_charged_starter_promises_no_list_it_does_not_have():
    starter = event("charged").starter
    for name in ("what_happened", "what_it_means", "what_happens_next"):
        assert "listed in this update" not in str(getattr(starter, name))


def _links(html: str) -> list[str]:
    import re

    return re.findall(r"#term-([\w-]+)\">([^<]+)</a>", html)


def test_glossary_links_whole_terms_longest_first(app):
    with app.test_request_context():
        text = "Your officer in charge will call. The charge is serious."
        assert _links(str(link_terms(text))) == [
            ("officer-in-charge", "officer in charge"),
            ("charge", "charge"),
        ]
        assert _links(str(link_terms("She is in charge of the team."))) == []
        assert _links(str(link_terms("He was charged."))) == [("charge", "charged")]


def test_notification_choices_are_in_journey_order_and_messages_have_no_isva_first(
    session, client_request, login_as
):
    victim = login_as(make_user(session, make_org(session), Role.VICTIM))
    page = client_request.get("victim.notification_choices")
    names = [
        fieldset.find("input", attrs={"type": "radio"})["name"]
        for fieldset in page.select("fieldset")
    ]
    assert names == [f"category_{c.key}" for c in CATEGORIES] + ["category_messages"]
    messages = page.find("input", attrs={"name": "category_messages"}).find_parent("fieldset")
    values = [i["value"] for i in messages.find_all("input", attrs={"type": "radio"})]
    assert values == ["tell_me", "dont_notify"]
    data = {n: "tell_me" for n in names}
    data["category_messages"] = "isva_first"
    client_request.post("victim.notification_choices", data, _expected_status=200)
    with pytest.raises(ValueError, match="unknown category or choice"):
        contacts.set_choices(
            session, victim.id, {"messages": "isva_first"}, source="portal", actor_id=victim.id
        )


def test_staff_pages_show_uk_dates(session, client_request, login_as):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, name="Priya Shah")
    victim = make_user(session, org, Role.VICTIM, name="Ruth")
    case = make_case(session, org, victim, isva, opened_at=datetime(2026, 12, 5, 10, tzinfo=UTC))
    login_as(isva)
    page = client_request.get("caseworker.case_page", case_id=case.id)
    text = " ".join(page.get_text().split())
    assert "5 December 2026" in text
    assert "Dec 5, 2026" not in text


def test_the_victims_message_box_has_a_live_character_count(session, client_request, login_as):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, name="Priya Shah")
    victim = make_user(session, org, Role.VICTIM, name="Ruth")
    case = make_case(session, org, victim, isva)
    login_as(victim)
    page = client_request.get("victim.messages", case_id=case.id)
    counter = page.find(attrs={"data-module": "govuk-character-count"})
    assert counter is not None
    assert counter["data-maxlength"] == "5000"
    assert counter.find("textarea", attrs={"name": "body"}) is not None


def test_drama_mobiles_are_accepted_in_test_and_refused_in_production(
    app, session, client_request, login_as
):
    with app.app_context():
        assert normalise_phone("07700 900123") == "+447700900123"
        with pytest.raises(InvalidIdentifierError):
            normalise_phone("07700 901000")  # just past the drama range
        settings = app.config["WAYPOINT_SETTINGS"]
        app.config["WAYPOINT_SETTINGS"] = dataclasses.replace(settings, WAYPOINT_ENV="production")
        try:
            with pytest.raises(InvalidIdentifierError):
                normalise_phone("07700 900123")
        finally:
            app.config["WAYPOINT_SETTINGS"] = settings
    with pytest.raises(InvalidIdentifierError):
        normalise_phone("07700 900123")  # outside an app, the environment is unknown: refused

    victim = login_as(make_user(session, make_org(session), Role.VICTIM))
    client_request.post(
        "victim.add_contact", {"address": "07700 900456", "safe": "y"}, channel="sms"
    )
    point = session.scalar(select(ContactPoint).where(ContactPoint.user_id == victim.id))
    assert point.address == "+447700900456"
