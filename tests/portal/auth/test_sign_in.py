"""Signing in: by email address or mobile number, the same answer for unknown accounts and
wrong passphrases, where people land, next= safety, throttling and bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portal.crypto import lookup_hash
from portal.models import Role
from portal.services.accounts import credentials as accounts
from tests.support.factories import make_org, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ERROR = "The email address, mobile number or passphrase is not right"


def _victim(session, seen=True, **kwargs):
    user = make_user(session, make_org(session), Role.VICTIM, **kwargs)
    if seen:
        user.safety_info_seen_at = START
    session.flush()
    return user


def _without_echo(html: str, typed: str) -> str:
    """The page minus what differs by design: the CSRF token and the address typed in."""
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html).replace(typed, "")


def test_a_new_victim_sees_the_safety_page_once_then_their_home(session, browser):
    victim = _victim(session, seen=False)
    browser.sign_in(victim.email)
    assert browser.location == "/welcome/using-this-service-safely"
    page = browser.request.get(browser.location)
    assert page.h1.text.strip() == "Before you start: using this service safely"
    assert "Exit this page" in page.text
    assert "clear the history" in page.text
    assert "15 minutes" in page.text
    browser.request.post("auth.safety_first")
    assert browser.location == "/my-case/"
    session.refresh(victim)
    assert victim.safety_info_seen_at is not None
    browser.sign_in(victim.email)
    assert browser.location == "/my-case/"


def test_staff_cannot_reach_the_victims_safety_page(session, login_as, client_request):
    login_as(make_user(session, make_org(session), Role.ISVA))
    client_request.get("auth.safety_first", _expected_status=404)


def test_victim_can_sign_in_with_their_mobile_number_in_any_format(session, browser):
    victim = _victim(session)
    victim.phone = "+447123456789"
    victim.phone_lookup = lookup_hash("+447123456789", "phone")
    session.flush()
    for spelling in ("07123 456789", "+44 7123 456 789", "07123456789"):
        browser.sign_in(spelling)
        assert browser.location == "/my-case/"


def test_email_is_matched_whatever_the_case_and_spaces(session, browser):
    _victim(session, email="ruth@example.org")
    browser.sign_in("  Ruth@EXAMPLE.org ")
    assert browser.location == "/my-case/"


def test_unknown_account_and_wrong_passphrase_look_the_same(session, browser, monkeypatch):
    victim = _victim(session)
    checked = []
    real = accounts.verify_password

    def counting(stored, password):
        checked.append(stored is not None)
        return real(stored, password)

    monkeypatch.setattr(accounts, "verify_password", counting)
    wrong = browser.sign_in(victim.email, "not the right passphrase", expected=200)
    wrong_html = browser.request.response.get_data(as_text=True)
    unknown = browser.sign_in("nobody@example.org", "not the right passphrase", expected=200)
    unknown_html = browser.request.response.get_data(as_text=True)
    not_an_address = browser.sign_in("not an address", "not the right passphrase", expected=200)
    assert ERROR in wrong.select_one(".govuk-error-summary").text
    assert _without_echo(wrong_html, victim.email) == _without_echo(
        unknown_html, "nobody@example.org"
    )
    assert wrong_html != unknown_html  # (the comparison above is not vacuous)
    assert ERROR in unknown.text
    assert ERROR in not_an_address.text
    # The same (slow, Argon2) work is done each time: real hash, then the dummy hash.
    assert checked == [True, False, False]


def test_disabled_or_not_yet_activated_accounts_get_the_same_answer(session, browser):
    disabled = _victim(session)
    disabled.is_enabled = False
    invited = _victim(session)
    invited.password_hash = None
    session.flush()
    for person in (disabled, invited):
        page = browser.sign_in(person.email, expected=200)
        assert ERROR in page.text


def test_staff_land_on_the_caseworker_home_after_two_step(session, browser):
    isva = make_user(session, make_org(session), Role.ISVA)
    browser.sign_in(isva.email)
    assert browser.location == "/sign-in/two-step/set-up"
    browser.request.get("caseworker.home", _expected_status=302)  # not signed in yet
    assert browser.location.startswith("/sign-in")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/my-case/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/%0d%0aLocation:%20https://evil.example",
    ],
)
def test_next_never_leaves_the_portal(session, browser, target):
    victim = _victim(session)
    browser.sign_in(victim.email, next_path=target)
    location = browser.location
    assert location.startswith("/")
    assert not location.startswith("//")
    assert "evil" not in location.split("?")[0].replace("/%0d%0aLocation", "")


def test_next_to_a_portal_path_is_followed(session, browser):
    victim = _victim(session)
    browser.sign_in(victim.email, next_path="/account")
    assert browser.location == "/account"


def test_signed_out_visitor_comes_back_to_the_page_they_asked_for(session, browser):
    victim = _victim(session)
    browser.request.get("auth.account", _expected_status=302)
    assert browser.location == "/sign-in?next=%2Faccount"
    browser.sign_in(victim.email, next_path="%2Faccount")
    assert browser.location == "/account"


def test_wrong_passphrases_are_throttled_per_account_not_locked_out(session, browser):
    victim = _victim(session)
    other = _victim(session)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(10):
            browser.sign_in(victim.email, "not the right passphrase", expected=200)
        page = browser.sign_in(victim.email, expected=429)  # even the right passphrase waits
        assert "Please wait a moment" in page.text
        # Another spelling of the same address is the same account.
        browser.sign_in(victim.email.upper(), expected=429)
        browser.sign_in(other.email)  # other accounts are not affected
        clock.shift(timedelta(seconds=61))
        browser.sign_in(victim.email)
        assert browser.location == "/my-case/"


def test_an_abuser_hammering_an_address_keeps_it_out_for_an_hour_at_most(session, app):
    victim = _victim(session)
    abuser = app.test_client()
    abuser.environ_base["REMOTE_ADDR"] = "192.0.2.66"
    from tests.portal.auth.conftest import Browser
    from tests.support.pages import ClientRequest

    attacker = Browser(app, abuser, ClientRequest(app, abuser))
    real = app.test_client()
    real.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    owner = Browser(app, real, ClientRequest(app, real))
    with time_machine.travel(START, tick=False) as clock:
        token = attacker.csrf("/sign-in")
        statuses = []
        for _minute in range(6):
            for _ in range(10):
                statuses.append(
                    abuser.post(
                        "/sign-in",
                        data={
                            "identifier": victim.email,
                            "password": "guess guess guess",
                            "csrf_token": token,
                        },
                    ).status_code
                )
            clock.shift(timedelta(seconds=61))
        assert statuses.count(200) == 50  # then only "please wait"
        assert statuses[-1] == 429
        owner.sign_in(victim.email, expected=429)  # 50 failures this hour: throttled
        clock.shift(timedelta(hours=1))
        owner.sign_in(victim.email)
        assert owner.location == "/my-case/"


def test_one_address_trying_many_accounts_is_throttled_per_ip(session, app, browser):
    victims = [_victim(session) for _ in range(3)]
    with time_machine.travel(START, tick=False) as clock:
        for n in range(30):
            browser.sign_in(f"someone{n}@example.org", "guess guess guess", expected=200)
        browser.sign_in(victims[0].email, expected=429)
        elsewhere = app.test_client()
        elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.9"
        from tests.portal.auth.conftest import Browser
        from tests.support.pages import ClientRequest

        Browser(app, elsewhere, ClientRequest(app, elsewhere)).sign_in(victims[1].email)
        clock.shift(timedelta(seconds=61))
        browser.sign_in(victims[2].email)


@pytest.mark.parametrize(
    ("identifier", "password", "message"),
    [
        ("a" * 300 + "@example.org", "whatever passphrase", "254 characters or fewer"),
        ("ruth\x00@example.org", "whatever passphrase", "Remove any unusual characters"),
        ("ruth@example.org", "x" * 129, "128 characters or fewer"),
        ("", "whatever passphrase", "Enter your email address or mobile number"),
        ("ruth@example.org", "", "Enter your passphrase"),
    ],
)
def test_bad_input_gets_a_message_not_an_error(session, browser, identifier, password, message):
    page = browser.sign_in(identifier, password, expected=200)
    assert message in page.select_one(".govuk-error-summary").text


def test_invalid_utf8_in_the_form_is_refused_clearly(session, browser):
    victim = _victim(session)
    token = browser.csrf("/sign-in")
    # Percent-encoded invalid UTF-8 stays as the literal text: a wrong address, same answer.
    body = b"identifier=%FF%FE" + victim.email.encode() + b"&password=%C3%28bad+bytes+here"
    response = browser.client.post(
        "/sign-in",
        data=body + b"&csrf_token=" + token.encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ERROR in response.get_data(as_text=True)
    # Raw invalid bytes make the form unreadable: refused as a bad request, nothing changes.
    response = browser.client.post(
        "/sign-in",
        data=b"identifier=\xff\xfe&password=\xc3(&csrf_token=" + token.encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    assert browser.token() is None


def test_sign_in_without_a_csrf_token_is_refused(session, browser):
    victim = _victim(session)
    page = browser.request.post(
        "/sign-in",
        {"identifier": victim.email, "password": "correct horse battery staple"},
        _csrf=False,
        _expected_status=400,
    )
    assert "Nothing was saved" in page.text
    assert browser.token() is None


def test_an_oversized_request_is_refused(session, browser):
    response = browser.client.post("/sign-in", data={"identifier": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
