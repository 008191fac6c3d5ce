"""Every template, for every kind, is neutral and fits one GSM-7 SMS."""

from __future__ import annotations

import pytest

from notifications.render import (
    GSM7,
    KINDS,
    SMS_MAX,
    TEMPLATES,
    UnsafeContentError,
    build_email,
    check_neutral,
    denied_words,
    render,
)

SERVICES = ("Waypoint", "Riverside Support")
URLS = ("https://waypoint.example.org", "http://127.0.0.1:5000")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("url", URLS)
def test_every_kind_renders_neutral_text_that_fits_one_gsm7_sms(kind, service, url):
    rendered = render(kind, service=service, url=url, code="123456")
    for part in (rendered.sms, rendered.subject, rendered.text, rendered.html):
        assert denied_words(part) == []
    assert len(rendered.sms) <= SMS_MAX
    assert set(rendered.sms) <= GSM7
    assert url in rendered.sms or kind == "verification"


def test_every_template_is_versioned_and_covered_by_a_kind():
    from notifications.render import KIND_TEMPLATE

    assert set(KIND_TEMPLATE.values()) == set(TEMPLATES)
    assert all(t.version >= 1 for t in TEMPLATES.values())


def test_default_sms_and_email_subject_are_the_documented_ones():
    rendered = render("update", service="Waypoint", url="https://w.example")
    assert (
        rendered.sms == "You have a new update from Waypoint. Sign in to read it: https://w.example"
    )
    assert rendered.subject == "You have a new update"


@pytest.mark.parametrize(
    "text",
    [
        "Your rape case has an update",
        "The POLICE have news",
        "A court date is set",
        "Crown Court hearing moved",
        "Message from the CPS",
        "Witness care called",
        "Ref RIV-2026-0001",
        "The sexual assault review",
        "Your ISVA wrote",
    ],
)
def test_the_denylist_catches_offences_agencies_and_references(text):
    with pytest.raises(UnsafeContentError):
        check_neutral(text)


def test_names_can_be_checked_too():
    assert denied_words("Hello Ruth", extra=("Ruth",)) == ["Ruth"]


def test_a_service_name_that_names_an_agency_is_refused():
    with pytest.raises(UnsafeContentError):
        render("update", service="Police Portal", url="https://w.example")


def test_email_is_multipart_with_fixed_subject_and_one_click_unsubscribe():
    rendered = render("update", service="Waypoint", url="https://w.example")
    email = build_email(
        rendered,
        to="sam@example.org",
        sender="no-reply@w.example",
        message_id="<abc@w.example>",
        unsubscribe_url="https://w.example/unsubscribe/abc.def",
    )
    assert email["Subject"] == "You have a new update"
    assert email["Message-ID"] == "<abc@w.example>"
    assert email["List-Unsubscribe"] == "<https://w.example/unsubscribe/abc.def>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    types = [part.get_content_type() for part in email.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]


def test_email_without_its_own_unsubscribe_link_carries_no_unsubscribe_headers():
    """List-Unsubscribe-Post promises a link that works without signing in: never send it
    with an address that would not."""
    rendered = render("update", service="Waypoint", url="https://w.example")
    email = build_email(
        rendered,
        to="sam@example.org",
        sender="no-reply@w.example",
        message_id="<abc@w.example>",
        unsubscribe_url=None,
    )
    assert email["List-Unsubscribe"] is None
    assert email["List-Unsubscribe-Post"] is None


def test_a_staff_invitation_links_its_whole_address_whatever_the_token_spells():
    # A random token can spell a denylisted word or look like a case reference: it is ours,
    # so the check is on the words around it; those words are still checked.
    token = "Xy-case-AB-2026-rape_Q1w2e3r4t5y6u7i8o9p0asdfghjkl"
    rendered = render(
        "staff_invitation", service="Waypoint", url="https://waypoint.example.org", code=token
    )
    link = f"https://waypoint.example.org/invitation/{token}"
    assert link in rendered.text
    assert f'<a href="{link}">{link}</a>' in rendered.html
    assert rendered.subject == "Set up your account"
    with pytest.raises(UnsafeContentError):
        render("staff_invitation", service="Police", url="https://w.example.org", code=token)
