"""Server-side sessions: regeneration, revocation everywhere, idle and absolute timeouts,
the keep-alive button, Exit this page, tampered cookies and cookie flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, SessionEndReason, UserSession
from portal.services.accounts import credentials as accounts
from portal.services.accounts.sessions import hash_token
from tests.support.factories import make_org, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _victim(session, **kwargs):
    user = make_user(session, make_org(session), Role.VICTIM, **kwargs)
    user.safety_info_seen_at = START
    session.flush()
    return user


def _plant(browser, token: str) -> None:
    with browser.client.session_transaction() as flask_session:
        flask_session.clear()
        flask_session["sid"] = token


def test_sign_in_issues_a_new_token_and_the_old_one_stops_working(session, browser, second_browser):
    victim = _victim(session)
    _plant(browser, "token-chosen-by-an-attacker")
    browser.sign_in(victim.email)
    first = browser.token()
    first_cookie = browser.cookie()
    assert first
    assert first != "token-chosen-by-an-attacker"
    browser.sign_in(victim.email)
    second = browser.token()
    assert second != first
    assert browser.cookie() != first_cookie
    # Replaying the first token from another device gets nothing.
    _plant(second_browser, first)
    second_browser.request.get("victim.home", _expected_status=302)
    assert second_browser.location == "/signed-out"
    browser.request.get("victim.home")
    row = session.get(UserSession, hash_token(first))
    assert row.revoked_reason == SessionEndReason.REGENERATED


def test_only_a_hash_of_the_token_is_stored(session, browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    token = browser.token()
    ids = session.scalars(select(UserSession.id).where(UserSession.user_id == victim.id)).all()
    assert ids == [hash_token(token)]
    assert token not in ids


def test_sign_out_is_a_post_that_ends_the_session(session, browser, second_browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    token = browser.token()
    browser.request.get("/sign-out", _expected_status=405)
    browser.request.get("victim.home")  # a GET did not sign anyone out
    browser.request.post("auth.sign_out", _form_url="/my-case/", _expected_status=303)
    assert browser.location == "/signed-out"
    browser.request.get("victim.home", _expected_status=302)
    assert browser.location.startswith("/sign-in")
    _plant(second_browser, token)
    second_browser.request.get("victim.home", _expected_status=302)


def test_sign_out_without_a_csrf_token_changes_nothing(session, browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    page = browser.request.post("auth.sign_out", {}, _csrf=False, _expected_status=400)
    assert "Nothing was saved" in page.text
    browser.request.get("victim.home")


def test_changing_the_passphrase_ends_every_other_session(session, browser, second_browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    second_browser.sign_in(victim.email)
    old_token = browser.token()
    browser.request.post(
        "auth.change_passphrase",
        {
            "current_password": "correct horse battery staple",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert browser.location == "/account"
    page = browser.request.get("auth.account")
    assert "signed out" in page.select_one(".govuk-notification-banner").text
    assert browser.token() != old_token  # this browser carries on, with a new token
    second_browser.request.get("victim.home", _expected_status=302)
    assert second_browser.location == "/signed-out"
    second_browser.sign_in(victim.email, expected=200)
    second_browser.sign_in(victim.email, "a brand new passphrase")


def test_a_wrong_current_passphrase_changes_nothing(session, browser, second_browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    second_browser.sign_in(victim.email)
    page = browser.request.post(
        "auth.change_passphrase",
        {
            "current_password": "not my passphrase at all",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
        _expected_status=200,
    )
    assert "Your current passphrase is not right" in page.select_one(".govuk-error-summary").text
    second_browser.request.get("victim.home")


def test_disabling_an_account_ends_all_its_sessions_at_once(session, browser, second_browser):
    org = make_org(session)
    admin = make_user(session, org, Role.ADMIN)
    isva = make_user(session, org, Role.ISVA)
    isva_sessions = []
    for device in (browser, second_browser):
        token, _ = accounts.sessions.start(session, isva, accounts.sessions.SessionLimits())
        _plant(device, token)
        isva_sessions.append(token)
    session.flush()
    browser.request.get("caseworker.home")
    accounts.disable_user(session, admin, isva)
    session.flush()
    for device in (browser, second_browser):
        device.request.get("caseworker.home", _expected_status=302)
        assert device.location == "/signed-out"
    rows = session.scalars(select(UserSession).where(UserSession.user_id == isva.id)).all()
    assert {row.revoked_reason for row in rows} == {SessionEndReason.DISABLED}
    assert not isva.is_enabled


def test_only_admins_and_supervisors_of_the_organisation_may_disable(session):
    org, other = make_org(session), make_org(session)
    admin = make_user(session, org, Role.ADMIN)
    supervisor = make_user(session, org, Role.SUPERVISOR)
    isva = make_user(session, org, Role.ISVA)
    other_admin = make_user(session, other, Role.ADMIN)
    assert accounts.may_disable(admin, isva)
    assert accounts.may_disable(supervisor, isva)
    assert not accounts.may_disable(supervisor, admin)
    assert not accounts.may_disable(other_admin, isva)
    assert not accounts.may_disable(isva, supervisor)
    assert not accounts.may_disable(admin, admin)


def test_victim_is_signed_out_after_15_idle_minutes(session, browser):
    victim = _victim(session)
    with time_machine.travel(START, tick=False) as clock:
        browser.sign_in(victim.email)
        for _ in range(3):  # activity keeps the session going
            clock.shift(timedelta(minutes=14))
            browser.request.get("victim.home")
        clock.shift(timedelta(minutes=15, seconds=1))
        browser.request.get("victim.home", _expected_status=302)
        assert browser.location == "/signed-out"
        page = browser.request.get("/signed-out")
        assert "You were signed out to keep your information safe" in page.text
        # The ended session stays ended, even with fresh activity.
        browser.request.get("victim.home", _expected_status=302)
        assert browser.location.startswith("/sign-in")


def test_staff_are_signed_out_after_30_idle_minutes(session, login_as, client_request):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False) as clock:
        login_as(isva)
        clock.shift(timedelta(minutes=29))
        client_request.get("caseworker.home")
        clock.shift(timedelta(minutes=30, seconds=1))
        client_request.get("caseworker.home", _expected_status=302)
        assert client_request.response.headers["Location"] == "/signed-out"


def test_sessions_end_after_12_hours_however_active(session, login_as, client_request):
    isva = make_user(session, make_org(session), Role.ISVA)
    with time_machine.travel(START, tick=False) as clock:
        login_as(isva)
        for _ in range(28):  # 28 x 25 minutes = 11 h 40 min
            clock.shift(timedelta(minutes=25))
            client_request.get("caseworker.home")
        clock.shift(timedelta(minutes=21))
        client_request.get("caseworker.home", _expected_status=302)
        assert client_request.response.headers["Location"] == "/signed-out"


def test_the_timeout_is_on_the_page_for_the_warning_script(session, browser):
    victim = _victim(session)
    anonymous = browser.request.get("auth.sign_in")
    assert not anonymous.body.has_attr("data-session-timeout-seconds")
    assert anonymous.find("dialog") is None
    with time_machine.travel(START, tick=False) as clock:
        browser.sign_in(victim.email)
        page = browser.request.get("victim.home")
        assert page.body["data-session-timeout-seconds"] == "900"
        dialog = page.select_one("dialog#session-timeout-dialog")
        assert dialog.select_one("form")["action"] == "/session/keep-alive"
        assert page.find("script", src="/static/js/timeout-warning.js")
        clock.shift(timedelta(minutes=5))
        assert browser.request.get("victim.home").body["data-session-timeout-seconds"] == "900"


def test_stay_signed_in_extends_the_session(session, browser):
    victim = _victim(session)
    with time_machine.travel(START, tick=False) as clock:
        browser.sign_in(victim.email)
        token = browser.csrf("/my-case/")
        clock.shift(timedelta(minutes=14))
        response = browser.client.post(
            "/session/keep-alive", headers={"X-CSRFToken": token, "Accept": "application/json"}
        )
        assert response.status_code == 200
        assert response.get_json() == {"secondsRemaining": 900}
        clock.shift(timedelta(minutes=14))
        browser.request.get("victim.home")


def test_keep_alive_needs_the_csrf_token_and_a_live_session(session, browser):
    victim = _victim(session)
    with time_machine.travel(START, tick=False) as clock:
        browser.sign_in(victim.email)
        assert browser.client.post("/session/keep-alive").status_code == 400
        token = browser.csrf("/my-case/")
        clock.shift(timedelta(minutes=16))
        response = browser.client.post("/session/keep-alive", headers={"X-CSRFToken": token})
        assert response.status_code == 302
        assert response.headers["Location"] == "/signed-out"


def test_exit_this_page_ends_the_server_side_session(session, browser, second_browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    token = browser.token()
    response = browser.client.get("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == "http://127.0.0.1:9/neutral"
    assert session.get(UserSession, hash_token(token)).revoked_reason == SessionEndReason.EXITED
    _plant(second_browser, token)
    second_browser.request.get("victim.home", _expected_status=302)


def test_a_tampered_cookie_is_ignored_not_an_error(session, app, browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    value = browser.cookie()
    tampered = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    browser.client.set_cookie(app.config["SESSION_COOKIE_NAME"], tampered)
    browser.request.get("victim.home", _expected_status=302)
    assert browser.location.startswith("/sign-in")
    browser.client.set_cookie(app.config["SESSION_COOKIE_NAME"], "not-even-a-cookie\x00")
    browser.request.get("auth.sign_in")
    _plant(browser, "x" * 5000)
    browser.request.get("victim.home", _expected_status=302)


def test_a_disabled_user_s_token_is_refused_even_if_not_revoked(session, browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    victim.is_enabled = False  # e.g. disabled directly in the database
    session.flush()
    browser.request.get("victim.home", _expected_status=302)
    assert browser.location == "/signed-out"


def test_cookie_flags_over_http(session, browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    header = browser.request.response.headers["Set-Cookie"]
    assert header.startswith("session=")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Expires" not in header  # not persistent
    assert "Max-Age" not in header
    assert "Path=/" in header


def test_cookie_flags_over_https(make_app):
    from tests.support.factories import make_org as org_factory
    from tests.support.factories import make_user as user_factory

    https_app = make_app(PUBLIC_BASE_URL="https://waypoint.example")
    with https_app.app_context():
        victim = user_factory(db.session, org_factory(db.session), Role.VICTIM)
        email = victim.email
        db.session.commit()
    client = https_app.test_client()
    base = "https://waypoint.example"
    from tests.support.pages import ClientRequest

    request = ClientRequest(https_app, client)
    token = request.csrf_token(base + "/sign-in")
    response = client.post(
        base + "/sign-in",
        data={"identifier": email, "password": "correct horse battery staple", "csrf_token": token},
        headers={"Referer": base + "/sign-in"},  # a browser sends it (Referrer-Policy same-origin)
    )
    assert response.status_code == 302
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in header
    assert "Domain" not in header
    assert "Expires" not in header


def test_disabling_is_audited(session):
    from portal.models import AuditEvent

    org = make_org(session)
    admin = make_user(session, org, Role.ADMIN)
    victim = make_user(session, org, Role.VICTIM)
    accounts.disable_user(session, admin, victim, request_id="req-1")
    session.flush()
    [row] = session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(victim.id))).all()
    assert (row.action, row.actor_id, row.request_id) == ("account.disable", admin.id, "req-1")


def test_admin_disables_a_member_of_staff_from_the_staff_page(
    session, login_as, client_request, second_browser
):
    org = make_org(session)
    admin = make_user(session, org, Role.ADMIN, name="Jordan")
    isva = make_user(session, org, Role.ISVA, name="Sam")
    token, _ = accounts.sessions.start(session, isva, accounts.sessions.SessionLimits())
    session.flush()
    _plant(second_browser, token)
    second_browser.request.get("caseworker.home")
    login_as(admin)
    page = client_request.get("caseworker.staff_list")
    names = [row.select("td")[0].text.strip() for row in page.select("tbody tr")]
    assert set(names) == {"Jordan", "Sam"}
    links = [a["href"] for a in page.select("a") if a.text.startswith("Disable")]
    assert links == [f"/caseworker/staff/{isva.id}/disable"]  # not their own account
    client_request.get("caseworker.disable_staff", user_id=admin.id, _expected_status=404)
    client_request.get("caseworker.disable_staff", user_id=isva.id)
    client_request.post("caseworker.disable_staff", {}, user_id=isva.id)
    page = client_request.get("caseworker.staff_list")
    assert "Disabled" in page.text
    second_browser.request.get("caseworker.home", _expected_status=302)
    assert second_browser.location == "/signed-out"
    client_request.get("caseworker.disable_staff", user_id=isva.id, _expected_status=404)


def test_supervisors_disable_only_isvas_and_never_in_another_organisation(
    session, login_as, client_request
):
    org = make_org(session)
    supervisor = make_user(session, org, Role.SUPERVISOR)
    admin = make_user(session, org, Role.ADMIN)
    other_isva = make_user(session, make_org(session), Role.ISVA)
    login_as(supervisor)
    client_request.get("caseworker.disable_staff", user_id=admin.id, _expected_status=404)
    client_request.get("caseworker.disable_staff", user_id=other_isva.id, _expected_status=404)
    login_as(make_user(session, org, Role.ISVA))
    client_request.get("caseworker.staff_list", _expected_status=404)


def test_sign_out_everywhere_else_keeps_only_this_browser(session, browser, second_browser):
    victim = _victim(session)
    browser.sign_in(victim.email)
    page = browser.request.get("auth.account")
    assert "You are only signed in here" in page.text
    second_browser.sign_in(victim.email)
    page = browser.request.get("auth.account")
    assert "signed in on 1 other device or browser" in page.text
    browser.request.post("auth.sign_out_elsewhere", _form_url="/account")
    assert "signed out everywhere else" in browser.request.get("auth.account").text
    second_browser.request.get("victim.home", _expected_status=302)
    assert second_browser.location == "/signed-out"
    browser.request.get("victim.home")


def test_prune_deletes_only_long_ended_session_records(session, app):
    from portal.services.accounts import sessions as service

    victim = _victim(session)
    limits = service.SessionLimits()
    with time_machine.travel(START, tick=False) as clock:
        service.start(session, victim, limits)
        session.flush()
        clock.shift(timedelta(days=100))
        _token, recent = service.start(session, victim, limits)
        session.flush()
        assert service.prune(session, timedelta(days=90)) == 1
        remaining = session.scalars(select(UserSession.id)).all()
    assert remaining == [recent.id]


def test_prune_command_runs(make_app):
    runner = make_app().test_cli_runner()
    result = runner.invoke(args=["auth", "prune-sessions", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 ended session record(s)." in result.output
