"""Passphrase reset by a one-time code sent to a verified contact point: the same answer
whether or not the account exists, the code only ever in the neutral verification message,
single use, 15 minutes, and every other session ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from notifications.models import Channel, Notification
from portal.models import Invitation, Role
from portal.services.accounts import passphrase_reset
from tests.notifications.conftest import add_point
from tests.support.factories import make_case, make_org, make_user

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday morning, outside quiet hours
NEW = "kettle lighthouse velvet"


def _victim(session, *, email="mo@example.org", point=True, verified=True):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA)
    victim = make_user(session, org, Role.VICTIM, email=email)
    victim.safety_info_seen_at = START
    make_case(session, org, victim, isva)
    if point:
        add_point(session, victim, Channel.EMAIL, email, verified=verified)
    return victim


def _sent_code(session, victim):
    rows = session.scalars(
        select(Notification).where(
            Notification.recipient_id == victim.id, Notification.kind == "verification"
        )
    ).all()
    assert len(rows) == 1
    return rows[0].secret


def test_the_page_answers_the_same_for_known_unknown_and_unreachable_accounts(
    session, client_request
):
    _victim(session, email="known@example.org")
    _victim(session, email="unverified@example.org", verified=False)
    pages = []
    for identifier in ("known@example.org", "nobody@example.org", "unverified@example.org"):
        client_request.post("auth.reset_passphrase", {"identifier": identifier})
        assert client_request.response.headers["Location"] == "/reset-passphrase/sent"
        pages.append(client_request.get("auth.reset_passphrase_sent").select_one("main").text)
    assert pages[0] == pages[1] == pages[2]
    codes = session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "verification")
    )
    assert codes == 1  # only the account with a verified contact point got one


def test_bad_input_gets_a_message_and_sends_nothing(session, client_request):
    page = client_request.post("auth.reset_passphrase", {"identifier": ""}, _expected_status=200)
    assert (
        "Enter your email address or mobile number" in page.select_one(".govuk-error-summary").text
    )
    page = client_request.post(
        "auth.reset_passphrase", {"identifier": "x" * 300}, _expected_status=200
    )
    assert "254 characters or fewer" in page.text
    assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_code_resets_the_passphrase_once_and_ends_every_session(
    session, client_request, second_browser
):
    with time_machine.travel(START, tick=False):
        victim = _victim(session)
        second_browser.sign_in("mo@example.org")  # a session on another device
        assert passphrase_reset.request_reset(session, "MO@example.org ")
        code = _sent_code(session, victim)
        client_request.post("auth.invitation_code", {"code": code, "identifier": "mo@example.org"})
        assert client_request.response.headers["Location"] == "/invitation/passphrase"
        client_request.post("auth.set_passphrase", {"password": NEW, "confirm": NEW})
        second_browser.request.get("victim.home", _expected_status=302)
        assert second_browser.location == "/signed-out"
        second_browser.sign_in("mo@example.org", NEW)
        # Used once: the same code is refused now.
        page = client_request.post(
            "auth.invitation_code",
            {"code": code, "identifier": "mo@example.org"},
            _expected_status=200,
        )
        assert "not right, or the code has expired" in page.text


def test_the_code_expires_after_15_minutes(session, client_request):
    with time_machine.travel(START, tick=False) as clock:
        victim = _victim(session)
        passphrase_reset.request_reset(session, "mo@example.org")
        code = _sent_code(session, victim)
        clock.shift(timedelta(minutes=16))
        page = client_request.post(
            "auth.invitation_code",
            {"code": code, "identifier": "mo@example.org"},
            _expected_status=200,
        )
        assert "not right, or the code has expired" in page.text


def test_a_new_request_replaces_the_earlier_code(session):
    victim = _victim(session)
    passphrase_reset.request_reset(session, "mo@example.org")
    passphrase_reset.request_reset(session, "mo@example.org")
    usable = [
        i
        for i in session.scalars(select(Invitation).where(Invitation.user_id == victim.id))
        if i.revoked_at is None
    ]
    assert len(usable) == 1


def test_staff_cannot_reset_this_way(session):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, email="sam@example.org")
    add_point(session, isva, Channel.EMAIL, "sam@example.org")
    assert passphrase_reset.request_reset(session, "sam@example.org") is False
