"""One-click unsubscribe (RFC 8058): the link in a real email, POSTed the way Gmail and Yahoo
do (no cookies, no CSRF token, body ``List-Unsubscribe=One-Click``), turns that person's
emails off before the next send; GET, altered links and other people's links change nothing."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import select

from notifications import notify
from notifications.contacts import address_lookup, set_quiet_hours, set_staff_emails
from notifications.models import Channel, Consent, ConsentSource, ContactPoint, Status
from notifications.outbox import NO_CONTACT_POINT, QUEUED
from notifications.render import denied_words
from notifications.unsubscribe import make_token, unsubscribe_url
from notifications.unsubscribe_views import UNSUBSCRIBE_FAILED_PER_IP
from notifications.worker import Worker
from portal.models import Role
from tests.notifications.conftest import add_point, make_victim
from tests.support.factories import make_org, make_user

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _work(app):
    return Worker(app, concurrency=2).run(once=True)


def _any_time(session, user):
    """No quiet hours, so the send does not wait for the morning whenever the test runs."""
    set_quiet_hours(session, user.id, 0, 0, source=ConsentSource.PORTAL, actor_id=user.id)


def _log(session, user):
    session.commit()
    session.expire_all()
    return [
        (c.field, c.old_value, c.new_value, c.source, c.actor_id)
        for c in session.scalars(
            select(Consent).where(Consent.user_id == user.id).order_by(Consent.at)
        )
        if c.field != "quiet_hours"
    ]


def _link(received) -> str:
    header = str(received.message["List-Unsubscribe"])
    assert header.startswith("<")
    assert header.endswith(">")
    return header[1:-1]


def _one_click(client, path: str):
    """What a mail provider sends: a form-encoded POST, no cookies, no CSRF token."""
    client.delete_cookie("session")
    return client.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def _h1(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").h1.text.strip()


def _main_text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").main.get_text(" ")


def test_the_link_in_a_real_email_posted_by_a_mail_provider_turns_email_off(
    notify_app, app_session, smtp_server
):
    victim, _sms, email = make_victim(app_session, email="ruth@example.org")
    _any_time(app_session, victim)
    notify(app_session, victim, "update", source_key="u1")
    app_session.commit()
    _work(notify_app)
    (received,) = smtp_server.to("ruth@example.org")
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = _link(received)
    assert url.startswith("https://waypoint.example.org/unsubscribe/")

    response = _one_click(notify_app.test_client(), urlsplit(url).path)

    assert response.status_code == 200
    assert _h1(response) == "Emails are off"
    assert not denied_words(_main_text(response))
    assert _log(app_session, victim) == [
        ("email.enabled", "yes", "no", ConsentSource.EMAIL_LINK, None)
    ]
    app_session.refresh(email)
    assert not email.enabled
    # The next update goes by text message only: no email is queued.
    result = notify(app_session, victim, "update", source_key="u2")
    assert result.decision == QUEUED
    assert [n.channel for n in result.notifications] == [Channel.SMS]


def test_a_send_already_queued_is_cancelled_when_the_worker_claims_it(
    notify_app, app_session, smtp_server
):
    victim, _, email = make_victim(app_session, sms=None, email="queued@example.org")
    _any_time(app_session, victim)
    (row,) = notify(app_session, victim, "update", source_key="q1").notifications
    app_session.commit()
    settings = notify_app.config["WAYPOINT_SETTINGS"]
    url = unsubscribe_url(settings, email)

    assert _one_click(notify_app.test_client(), urlsplit(url).path).status_code == 200
    _work(notify_app)

    assert smtp_server.to("queued@example.org") == []
    app_session.commit()
    app_session.expire_all()  # see what the web request and the worker committed
    assert (row.status, row.last_error_code) == (Status.CANCELLED, "consent_withdrawn")
    assert notify(app_session, victim, "update", source_key="q2").decision == NO_CONTACT_POINT


def test_staff_work_emails_are_turned_off_by_their_link(notify_app, app_session, smtp_server):
    isva = make_user(app_session, make_org(app_session), Role.ISVA, email="isva9@example.org")
    notify(app_session, isva, "message", source_key="s1")
    app_session.commit()
    _work(notify_app)
    (received,) = smtp_server.to("isva9@example.org")

    response = _one_click(notify_app.test_client(), urlsplit(_link(received)).path)

    assert response.status_code == 200
    assert "from ‘Your account’ after you sign in" in _main_text(response)
    assert _log(app_session, isva) == [
        ("email.enabled", "yes", "no", ConsentSource.EMAIL_LINK, None)
    ]
    assert notify(app_session, isva, "message", source_key="s2").decision == NO_CONTACT_POINT


def _email_point(session, address="sam@example.org", role=Role.VICTIM):
    user = make_user(session, make_org(session), role)
    return user, add_point(session, user, Channel.EMAIL, address)


def _path(app, point) -> str:
    return "/unsubscribe/" + make_token(app.config["SECRET_KEY"], point)


def test_a_second_post_is_harmless(app, client, session):
    victim, point = _email_point(session)
    path = _path(app, point)
    first = _one_click(client, path)
    second = _one_click(client, path)
    assert (first.status_code, second.status_code) == (200, 200)
    assert _h1(second) == "Emails are off"
    session.refresh(point)
    assert not point.enabled
    assert len(_log(session, victim)) == 1


def test_opening_the_link_changes_nothing_and_offers_a_button(app, client, session):
    victim, point = _email_point(session)
    path = _path(app, point)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.text.strip() == "Stop emails"
    form = page.main.form
    assert (form["method"], form["action"]) == ("post", path)
    assert form.button.text.strip() == "Stop emails"
    assert not denied_words(page.main.get_text(" "))
    session.refresh(point)
    assert point.enabled
    assert _log(session, victim) == []


def test_the_button_stops_emails_and_says_how_to_turn_them_back_on(app, client, session):
    _victim, point = _email_point(session)
    path = _path(app, point)
    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    fields = {i["name"]: i["value"] for i in page.main.form.find_all("input")}
    response = client.post(path, data=fields)
    assert response.status_code == 200
    text = _main_text(response)
    assert "We will not email you" in text
    assert "from ‘How we contact you’ after you sign in" in text
    session.refresh(point)
    assert not point.enabled
    # Opening the link again now says emails are off, rather than offering the button.
    again = client.get(path)
    assert _h1(again) == "Emails are off"


def _altered(token: str) -> list[str]:
    payload, _, signature = token.rpartition(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    return [
        f"{payload}.{flipped}",
        payload,
        token + "x",
        "not-a-token",
        "x" * 500,
    ]


def test_an_altered_or_made_up_link_changes_nothing(app, client, session):
    victim, point = _email_point(session)
    token = make_token(app.config["SECRET_KEY"], point)
    forged = make_token("another-secret-key-of-the-same-length-as-ours!!", point)
    for bad in [*_altered(token), forged]:
        response = _one_click(client, "/unsubscribe/" + bad)
        assert response.status_code == 404, bad
        assert _h1(response) == "This link does not work"
        assert client.get("/unsubscribe/" + bad).status_code == 404
    session.refresh(point)
    assert point.enabled
    assert _log(session, victim) == []


def test_one_persons_link_cannot_stop_another_persons_emails(app, client, session):
    _ruth, ruth_point = _email_point(session, "ruth@example.org")
    sam, sam_point = _email_point(session, "sam@example.org")
    ruth_token = make_token(app.config["SECRET_KEY"], ruth_point)
    # Put Sam's contact point id into Ruth's token: the signature no longer matches.
    signature = ruth_token.partition(".")[2]
    sam_token = make_token(app.config["SECRET_KEY"], sam_point)
    spliced = sam_token.partition(".")[0] + "." + signature
    assert _one_click(client, "/unsubscribe/" + spliced).status_code == 404

    assert _one_click(client, "/unsubscribe/" + ruth_token).status_code == 200
    session.refresh(ruth_point)
    session.refresh(sam_point)
    assert (ruth_point.enabled, sam_point.enabled) == (False, True)
    assert _log(session, sam) == []


def test_the_token_does_not_carry_the_address(app, session):
    _user, point = _email_point(session, "private.person@example.org")
    token = make_token(app.config["SECRET_KEY"], point)
    payload = token.partition(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "private" not in decoded
    assert "example.org" not in decoded
    assert "private" not in token


def test_a_link_for_an_address_since_replaced_changes_nothing(app, client, session):
    _victim, point = _email_point(session, "old@example.org")
    token = make_token(app.config["SECRET_KEY"], point)
    point.address = "new@example.org"
    point.address_lookup = address_lookup(Channel.EMAIL, point.address)
    session.flush()
    assert _one_click(client, "/unsubscribe/" + token).status_code == 404
    session.refresh(point)
    assert point.enabled


def test_a_text_message_contact_point_cannot_be_named(app, client, session):
    victim = make_user(session, make_org(session), Role.VICTIM)
    sms = add_point(session, victim, Channel.SMS, "+447700900123")
    assert unsubscribe_url(app.config["WAYPOINT_SETTINGS"], sms) is None
    assert _one_click(client, _path(app, sms)).status_code == 404
    session.refresh(sms)
    assert sms.enabled


def test_only_this_route_skips_the_csrf_check(client, session):
    """A cookie-less POST without a CSRF token still fails everywhere else."""
    response = client.post("/sign-in", data={"identifier": "a@example.org", "password": "x"})
    assert response.status_code == 400


def test_made_up_links_are_rate_limited(client, session):
    allowed = int(UNSUBSCRIBE_FAILED_PER_IP.split()[0])
    codes = [_one_click(client, f"/unsubscribe/made-up-{n}").status_code for n in range(allowed)]
    assert set(codes) == {404}
    assert _one_click(client, "/unsubscribe/made-up-again").status_code == 429


def test_staff_can_turn_work_emails_back_on_from_their_account(
    app, client, session, client_request, login_as
):
    isva, point = _email_point(session, "isva7@example.org", role=Role.ISVA)
    _one_click(client, _path(app, point))
    login_as(isva)
    page = client_request.get("auth.account")
    assert "Off. We do not email you about new work." in page.main.text
    client_request.post("auth.work_emails", state="on", _form_url="/account")
    session.refresh(point)
    assert point.usable
    assert _log(session, isva)[-1] == ("email.enabled", "no", "yes", ConsentSource.PORTAL, isva.id)
    page = client_request.get("auth.account")
    assert "On. We email you when there is new work for you" in page.main.text


def test_staff_without_a_contact_point_yet_can_turn_work_emails_off(session):
    isva = make_user(session, make_org(session), Role.ISVA, email="isva8@example.org")
    set_staff_emails(session, isva, False)
    point = session.scalar(select(ContactPoint).where(ContactPoint.user_id == isva.id))
    assert point is not None
    assert not point.enabled
    assert notify(session, isva, "message", source_key="x").decision == NO_CONTACT_POINT
    set_staff_emails(session, isva, True)
    assert notify(session, isva, "message", source_key="y").decision == QUEUED


def test_a_victim_can_turn_emails_back_on_from_their_preferences(
    app, client, session, client_request, login_as
):
    victim, point = _email_point(session)
    _one_click(client, _path(app, point))
    login_as(victim)
    page = client_request.get("victim.preferences")
    assert "Turn on emails" in " ".join(page.main.get_text(" ").split())
    client_request.post(
        "victim.switch_contact", channel="email", state="on", _form_url="/my-case/preferences"
    )
    session.refresh(point)
    assert point.usable
    assert _log(session, victim)[-1] == (
        "email.enabled",
        "no",
        "yes",
        ConsentSource.PORTAL,
        victim.id,
    )
