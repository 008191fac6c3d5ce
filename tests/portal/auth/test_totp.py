"""Two-step verification: staff must set it up on first sign-in, codes work once, recovery
codes work once, and victims may turn it on (and off) but are never made to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from portal.models import RecoveryCode, Role
from tests.support.factories import make_org, make_user

START = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def _secret(page) -> str:
    return page.select_one("#totp-secret").text.replace(" ", "").strip()


def _enrol(browser, user):
    """First sign-in of a member of staff: passphrase, then TOTP set-up. Returns the secret
    and the recovery codes shown."""
    browser.sign_in(user.email)
    assert browser.location == "/sign-in/two-step/set-up"
    page = browser.request.get(browser.location)
    secret = _secret(page)
    page = browser.request.post(
        "auth.two_step_setup", {"code": pyotp.TOTP(secret).now()}, _expected_status=200
    )
    codes = [li.text.strip() for li in page.select("#recovery-codes li")]
    return secret, codes, page


def test_staff_set_up_totp_on_first_sign_in(session, browser):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False):
        browser.sign_in(isva.email)
        page = browser.request.get("auth.two_step_setup")
        assert page.h1.text.strip() == "Set up two-step verification"
        img = page.select_one("img.wp-qr")
        assert img["src"] == "/sign-in/two-step/set-up/qr.svg"
        assert img["alt"]
        qr = browser.client.get(img["src"])
        assert qr.status_code == 200
        assert qr.mimetype == "image/svg+xml"
        assert qr.headers["Cache-Control"] == "no-store"
        assert b"<svg" in qr.data
        secret = _secret(page)
        # Reloading keeps the same secret (the app may already have it).
        assert _secret(browser.request.get("auth.two_step_setup")) == secret
        page = browser.request.post("auth.two_step_setup", {"code": "000000"}, _expected_status=200)
        assert "That code did not work" in page.select_one(".govuk-error-summary").text
        browser.request.get("caseworker.home", _expected_status=302)  # still not signed in
        page = browser.request.post(
            "auth.two_step_setup", {"code": pyotp.TOTP(secret).now()}, _expected_status=200
        )
        browser.request.get("caseworker.home")
        # Once set up, the QR code is gone.
        assert browser.client.get("/sign-in/two-step/set-up/qr.svg").status_code == 404
    codes = [li.text.strip() for li in page.select("#recovery-codes li")]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert "will not show these codes again" in page.text
    session.refresh(isva)
    assert isva.has_totp
    assert isva.totp_secret == secret
    # Only keyed hashes of the recovery codes are stored.
    stored = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == isva.id))
    stored = set(stored)
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes}


def test_the_second_step_is_asked_for_and_a_code_never_works_twice(session, browser, app):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False) as clock:
        secret, _codes, _page = _enrol(browser, isva)
        clock.shift(timedelta(seconds=30))
        code = pyotp.TOTP(secret).now()
        browser.sign_in(isva.email)
        assert browser.location == "/sign-in/two-step"
        browser.request.get("caseworker.home", _expected_status=302)
        browser.request.post("auth.two_step", {"code": code})
        assert browser.location == "/caseworker/"
        # Someone who saw that code over a shoulder, in the same 30 seconds:
        browser.sign_in(isva.email)
        page = browser.request.post("auth.two_step", {"code": code}, _expected_status=200)
        assert "That code did not work" in page.text
        # ...and an older code is no good either.
        old = pyotp.TOTP(secret).at(START)
        page = browser.request.post("auth.two_step", {"code": old}, _expected_status=200)
        assert "That code did not work" in page.text
        clock.shift(timedelta(seconds=30))
        browser.request.post("auth.two_step", {"code": pyotp.TOTP(secret).now()})
        assert browser.location == "/caseworker/"


def test_a_recovery_code_works_once(session, browser):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False) as clock:
        _secret_value, codes, _page = _enrol(browser, isva)
        clock.shift(timedelta(minutes=1))
        browser.sign_in(isva.email)
        browser.request.post("auth.recovery_code", {"code": codes[3].upper()})
        assert browser.location == "/caseworker/"
        browser.sign_in(isva.email)
        page = browser.request.post("auth.recovery_code", {"code": codes[3]}, _expected_status=200)
        assert "Each code works only once" in page.text
        browser.request.post("auth.recovery_code", {"code": codes[4]})
        assert browser.location == "/caseworker/"


def test_the_half_signed_in_state_is_short_and_is_not_a_session(session, browser):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False) as clock:
        secret, _codes, _page = _enrol(browser, isva)
        clock.shift(timedelta(minutes=1))
        browser.sign_in(isva.email)
        assert browser.token() is None  # no session until the code is right
        token = browser.csrf("/sign-in/two-step")
        clock.shift(timedelta(minutes=11))
        response = browser.client.post(
            "/sign-in/two-step", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
        )
        assert response.headers["Location"] == "/sign-in"
        browser.request.get("caseworker.home", _expected_status=302)


def test_wrong_codes_are_throttled(session, browser):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False) as clock:
        secret, _codes, _page = _enrol(browser, isva)
        clock.shift(timedelta(minutes=1))
        browser.sign_in(isva.email)
        for _ in range(5):
            browser.request.post("auth.two_step", {"code": "123456"}, _expected_status=200)
        browser.request.post(
            "auth.two_step", {"code": pyotp.TOTP(secret).now()}, _expected_status=429
        )


def test_victims_may_turn_two_step_on_and_off(session, login_as, client_request, browser):
    victim = make_user(session, make_org(session), Role.VICTIM)
    victim.safety_info_seen_at = START
    session.flush()
    with time_machine.travel(START, tick=False) as clock:
        browser.sign_in(victim.email)
        assert browser.location == "/my-case/"  # never forced
        page = browser.request.get("auth.account")
        assert "Turn on two-step verification" in page.text
        page = browser.request.get("auth.account_two_step")
        assert "This is optional" in page.text
        secret = _secret(page)
        qr = browser.client.get("/account/two-step/qr.svg")
        assert qr.status_code == 200
        assert b"svg" in qr.data
        page = browser.request.post(
            "auth.account_two_step", {"code": pyotp.TOTP(secret).now()}, _expected_status=200
        )
        assert len(page.select("#recovery-codes li")) == 10
        clock.shift(timedelta(minutes=1))
        browser.sign_in(victim.email)
        assert browser.location == "/sign-in/two-step"
        browser.request.post("auth.two_step", {"code": pyotp.TOTP(secret).now()})
        assert browser.location == "/my-case/"
        page = browser.request.post(
            "auth.account_two_step_off", {"password": "wrong passphrase"}, _expected_status=200
        )
        assert "Your passphrase is not right" in page.text
        browser.request.post(
            "auth.account_two_step_off", {"password": "correct horse battery staple"}
        )
        clock.shift(timedelta(minutes=1))
        browser.sign_in(victim.email)
        assert browser.location == "/my-case/"


def test_staff_cannot_use_the_victims_two_step_pages(session, login_as, client_request):
    login_as(make_user(session, make_org(session), Role.ISVA))
    client_request.get("auth.account_two_step", _expected_status=404)
    client_request.get("auth.account_two_step_off", _expected_status=404)
    page = client_request.get("auth.account")
    assert "Turn off" not in page.text


def test_pages_of_the_second_step_without_a_first_step_go_back_to_sign_in(client_request):
    for endpoint in ("auth.two_step", "auth.recovery_code", "auth.two_step_setup"):
        client_request.get(endpoint, _expected_status=302)
        assert client_request.response.headers["Location"] == "/sign-in"
    client_request.get("auth.two_step_setup_qr", _expected_status=404)
