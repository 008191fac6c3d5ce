"""The victim's preferences page: add a contact point (safe + code), one-tap on/off, choices
and quiet hours; every change in the consent log; bad input changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from notifications.models import Consent, ContactPoint, Notification
from portal.models import Role
from tests.support.factories import make_org, make_user

MOBILE = "07123 456 789"


def _victim(session, login_as):
    return login_as(make_user(session, make_org(session), Role.VICTIM))


def _log(session, user):
    return [
        (c.field, c.new_value, c.source)
        for c in session.scalars(
            select(Consent).where(Consent.user_id == user.id).order_by(Consent.at)
        )
    ]


def _code(session, user):
    row = session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user.id, Notification.kind == "verification")
        .order_by(Notification.created_at.desc())
    ).first()
    return row.secret


def test_adding_a_mobile_needs_safe_confirmation_and_the_code(session, client_request, login_as):
    victim = _victim(session, login_as)
    page = client_request.get("victim.preferences")
    assert page.h1.text.strip() == "How we contact you"
    client_request.post("victim.add_contact", {"address": MOBILE, "safe": "y"}, channel="sms")
    assert client_request.response.headers["Location"].endswith("/my-case/preferences/sms/confirm")
    point = session.scalar(select(ContactPoint).where(ContactPoint.user_id == victim.id))
    assert point.address == "+447123456789"
    assert point.verified_at is None
    assert not point.usable
    code = _code(session, victim)
    assert len(code) == 6
    page = client_request.post(
        "victim.verify_contact",
        {"code": "000000" if code != "000000" else "111111"},
        channel="sms",
        _expected_status=200,
    )
    assert "The code is not right" in page.select_one(".govuk-error-summary").text
    client_request.post("victim.verify_contact", {"code": code}, channel="sms")
    session.refresh(point)
    assert point.usable
    assert _log(session, victim) == [
        ("sms.address", "added", "portal"),
        ("sms.safe_confirmed", "yes", "portal"),
        ("sms.verified", "yes", "portal"),
        ("sms.enabled", "yes", "portal"),
    ]


def test_without_the_safe_confirmation_nothing_is_added_or_sent(session, client_request, login_as):
    victim = _victim(session, login_as)
    page = client_request.post(
        "victim.add_contact", {"address": MOBILE}, channel="sms", _expected_status=200
    )
    assert "Confirm that it is safe" in page.select_one(".govuk-error-summary").text
    assert session.scalar(select(ContactPoint).where(ContactPoint.user_id == victim.id)) is None
    assert (
        session.scalar(select(Notification).where(Notification.recipient_id == victim.id)) is None
    )


def test_a_bad_number_or_email_gets_a_clear_message(session, client_request, login_as):
    _victim(session, login_as)
    page = client_request.post(
        "victim.add_contact", {"address": "12", "safe": "y"}, channel="sms", _expected_status=200
    )
    assert "correct format" in page.select_one(".govuk-error-summary").text
    page = client_request.post(
        "victim.add_contact",
        {"address": "not-an-email", "safe": "y"},
        channel="email",
        _expected_status=200,
    )
    assert "correct format" in page.select_one(".govuk-error-summary").text
    client_request.get("/my-case/preferences/fax/add", _expected_status=404)


def test_one_tap_off_and_on_again(session, client_request, login_as):
    victim = _victim(session, login_as)
    client_request.post(
        "victim.add_contact", {"address": "sam@example.org", "safe": "y"}, channel="email"
    )
    client_request.post("victim.verify_contact", {"code": _code(session, victim)}, channel="email")
    page = client_request.get("victim.preferences")
    assert "On" in page.select_one(".govuk-summary-list").text
    client_request.post(
        "victim.switch_contact", channel="email", state="off", _form_url="/my-case/preferences"
    )
    point = session.scalar(select(ContactPoint).where(ContactPoint.user_id == victim.id))
    session.refresh(point)
    assert not point.usable
    client_request.post(
        "victim.switch_contact", channel="email", state="on", _form_url="/my-case/preferences"
    )
    session.refresh(point)
    assert point.usable
    assert _log(session, victim)[-2:] == [
        ("email.enabled", "no", "portal"),
        ("email.enabled", "yes", "portal"),
    ]


def test_category_choices_and_quiet_hours_are_saved_and_logged(session, client_request, login_as):
    victim = _victim(session, login_as)
    page = client_request.get("victim.notification_choices")
    assert len(page.select("fieldset")) == 8
    data = {
        f"category_{k}": "tell_me"
        for k in (
            "after_sentence",
            "court",
            "decisions",
            "investigation",
            "messages",
            "outcome",
            "support",
            "suspect",
        )
    }
    data["category_decisions"] = "isva_first"
    client_request.post("victim.notification_choices", data)
    client_request.post("victim.quiet_hours", {"start": str(22 * 60), "end": str(7 * 60)})
    page = client_request.get("victim.preferences")
    assert "between 22:00 and 07:00" in page.text
    assert _log(session, victim) == [
        ("category.decisions", "isva_first", "portal"),
        ("quiet_hours", "1320-420", "portal"),
    ]


def test_staff_cannot_reach_the_victim_preferences(session, client_request, login_as):
    login_as(make_user(session, make_org(session), Role.ISVA))
    client_request.get("victim.preferences", _expected_status=404)


def test_the_code_link_names_its_channel_in_one_welsh_sentence(session, client_request, login_as):
    """Screen readers hear "Rhowch y cod ar gyfer negeseuon testun", translated whole, not
    "Rhowch y cod" + "ar gyfer" + the lower-cased channel pieced together."""
    victim = _victim(session, login_as)
    victim.language = "cy"
    session.flush()
    client_request.post("victim.add_contact", {"address": MOBILE, "safe": "y"}, channel="sms")
    page = client_request.get("victim.preferences")
    link = page.find("a", href=lambda h: bool(h) and h.endswith("/my-case/preferences/sms/confirm"))
    assert link.find(attrs={"aria-hidden": "true"}).get_text() == "Rhowch y cod"
    hidden = link.select_one(".govuk-visually-hidden").get_text()
    assert hidden == "Rhowch y cod ar gyfer negeseuon testun"
