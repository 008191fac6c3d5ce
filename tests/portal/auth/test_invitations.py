"""Invitations: an ISVA opens a case and invites the victim; the link or short code works
once, for 72 hours; a passphrase is chosen under the rules; reissuing resets; staff invites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from notifications.models import Notification
from portal.models import Assignment, Case, Invitation, Role, User
from portal.services.accounts import invitations
from portal.services.accounts.credentials import Identifier
from portal.services.accounts.passphrases import common_passwords
from tests.support.factories import make_case, make_org, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD = "kettle lighthouse velvet"


@pytest.fixture
def isva(session):
    return make_user(session, make_org(session), Role.ISVA, name="Sam")


def _open_case(client_request, **fields):
    data = {"reference": "RIV-1", "name": "Ruth", "email": "ruth@example.org", "phone": ""}
    data.update(fields)
    page = client_request.post("caseworker.new_case", data, _expected_status=200)
    link = page.select_one("#invitation-link").text.strip()
    code_el = page.select_one("#invitation-code")
    return page, urlsplit(link).path, code_el.text.strip() if code_el else None


def _accept(browser, path, passphrase=GOOD, expected=302):
    browser.request.get(path, _expected_status=302)
    assert browser.location == "/invitation/passphrase"
    return browser.request.post(
        "auth.set_passphrase",
        {"password": passphrase, "confirm": passphrase},
        _expected_status=expected,
    )


def test_isva_opens_a_case_and_the_victim_accepts(
    session, isva, login_as, client_request, second_browser
):
    login_as(isva)
    page, path, code = _open_case(client_request, phone="07123 456789")
    assert page.h1.text.strip() == "Case opened"
    assert "only time you can see this link and code" in page.text
    assert path.startswith("/invitation/")
    assert len(code) == 9  # ABCD-EFGH
    victim = session.scalar(
        select(User).where(User.email_lookup == Identifier("email", "ruth@example.org").lookup)
    )
    assert victim.role == Role.VICTIM
    assert victim.phone == "+447123456789"
    assert victim.display_name == "Ruth"
    assert victim.password_hash is None
    case = session.scalar(select(Case).where(Case.victim_id == victim.id))
    [assignment] = session.scalars(select(Assignment).where(Assignment.case_id == case.id)).all()
    assert assignment.isva_id == isva.id
    [invitation] = session.scalars(select(Invitation).where(Invitation.user_id == victim.id)).all()
    token = path.rsplit("/", 1)[1]
    assert token not in (invitation.token_hash, invitation.code_hash)
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    # The victim, on their own phone.
    _accept(second_browser, path)
    assert second_browser.location == "/welcome/using-this-service-safely"
    second_browser.request.get("/welcome/using-this-service-safely")
    # They can now sign in with the email address or the mobile number.
    other = second_browser
    other.request.post("auth.sign_out", _form_url="/account", _expected_status=303)
    other.sign_in("07123456789", GOOD)
    other.sign_in("ruth@example.org", GOOD)


def test_the_link_works_once(session, isva, login_as, client_request, second_browser, app):
    login_as(isva)
    _page, path, _code = _open_case(client_request)
    _accept(second_browser, path)
    third = app.test_client()
    response = third.get(path)
    assert response.status_code == 404
    assert "This link or code does not work" in response.get_data(as_text=True)


def test_an_expired_link_changes_nothing(session, isva, login_as, client_request, app):
    with time_machine.travel(START, tick=False) as clock:
        login_as(isva)
        _page, path, _code = _open_case(client_request)
        clock.shift(timedelta(hours=72, seconds=1))
        response = app.test_client().get(path)
        assert response.status_code == 404
        assert "works once, for 72 hours" in response.get_data(as_text=True)


def test_a_link_expiring_while_the_passphrase_page_is_open_changes_nothing(
    session, isva, login_as, client_request, second_browser
):
    with time_machine.travel(START, tick=False) as clock:
        login_as(isva)
        _page, path, _code = _open_case(client_request)
        second_browser.request.get(path, _expected_status=302)
        token = second_browser.csrf("/invitation/passphrase")
        clock.shift(timedelta(hours=72))
        response = second_browser.client.post(
            "/invitation/passphrase", data={"password": GOOD, "confirm": GOOD, "csrf_token": token}
        )
        assert response.status_code == 404
    victim = session.scalar(select(User).where(User.role == Role.VICTIM))
    session.refresh(victim)
    assert victim.password_hash is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t + "x",
        lambda t: "x" * 500,
        lambda t: "%00" + t,
        lambda t: "..%2F..%2Fetc",
    ],
)
def test_a_tampered_link_is_not_found(session, isva, login_as, client_request, app, mangle):
    login_as(isva)
    _page, path, _code = _open_case(client_request)
    token = path.rsplit("/", 1)[1]
    response = app.test_client().get("/invitation/" + mangle(token))
    assert response.status_code == 404


def test_the_short_code_works_with_the_right_email_or_number(
    session, isva, login_as, client_request, second_browser
):
    login_as(isva)
    _page, _path, code = _open_case(client_request, phone="07123 456789")
    wrong = second_browser.request.post(
        "auth.invitation_code",
        {"code": code, "identifier": "someone.else@example.org"},
        _expected_status=200,
    )
    assert "The code, email address or mobile number is not right" in wrong.text
    wrong_code = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    second_browser.request.post(
        "auth.invitation_code",
        {"code": wrong_code, "identifier": "ruth@example.org"},
        _expected_status=200,
    )
    # Lower case, no hyphen, and the phone number in another format are all fine.
    second_browser.request.post(
        "auth.invitation_code",
        {"code": code.replace("-", "").lower(), "identifier": "+44 7123 456789"},
    )
    assert second_browser.location == "/invitation/passphrase"
    second_browser.request.post("auth.set_passphrase", {"password": GOOD, "confirm": GOOD})
    assert second_browser.location == "/welcome/using-this-service-safely"


def test_guessing_codes_is_throttled(session, isva, login_as, client_request, second_browser):
    login_as(isva)
    _open_case(client_request)
    for n in range(5):
        second_browser.request.post(
            "auth.invitation_code",
            {"code": f"ABCD-{n:04d}", "identifier": "ruth@example.org"},
            _expected_status=200,
        )
    second_browser.request.post(
        "auth.invitation_code",
        {"code": "ABCD-9999", "identifier": "ruth@example.org"},
        _expected_status=429,
    )


def test_passphrase_rules(session, isva, login_as, client_request, second_browser):
    login_as(isva)
    _page, path, _code = _open_case(client_request)
    second_browser.request.get(path, _expected_status=302)
    common = next(p for p in sorted(common_passwords()) if len(p) >= 12)
    cases = [
        ("a" * 3 + "b" * 8, "at least 12 characters"),
        ("x" * 129, "128 characters or fewer"),
        (common, "too easy to guess"),
        (common.upper(), "too easy to guess"),
        ("ruth@example.org", "must not be your email address"),
        ("aaaaaaaaaaaaaaaa", "repeats the same characters"),
        ("a passphrase\x00with nul", "character we cannot read"),
    ]
    for passphrase, message in cases:
        page = second_browser.request.post(
            "auth.set_passphrase",
            {"password": passphrase, "confirm": passphrase},
            _expected_status=200,
        )
        assert message in page.select_one(".govuk-error-summary").text, passphrase
    page = second_browser.request.post(
        "auth.set_passphrase", {"password": GOOD, "confirm": GOOD + "!"}, _expected_status=200
    )
    assert "The passphrases do not match" in page.text
    victim = session.scalar(select(User).where(User.role == Role.VICTIM))
    session.refresh(victim)
    assert victim.password_hash is None  # nothing changed by any of that


def test_at_least_10000_common_passwords_are_checked():
    assert len(common_passwords()) >= 10_000


@pytest.mark.parametrize("length", [12, 128])
def test_12_and_128_characters_are_accepted_and_spaces_are_fine(
    session, isva, login_as, client_request, second_browser, length
):
    login_as(isva)
    _page, path, _code = _open_case(client_request)
    passphrase = ("ice tea mug " * 11)[:length]
    _accept(second_browser, path, passphrase)
    second_browser.request.post("auth.sign_out", _form_url="/account", _expected_status=303)
    second_browser.sign_in("ruth@example.org", passphrase)


def test_reissuing_invalidates_the_old_invitation(session, isva, login_as, client_request, app):
    login_as(isva)
    _page, old_path, _old_code = _open_case(client_request)
    case = session.scalar(select(Case).where(Case.reference == "RIV-1"))
    page = client_request.get("caseworker.reissue_invitation", case_id=case.id)
    assert old_path not in page.text
    page = client_request.post(
        "caseworker.reissue_invitation", {}, _expected_status=200, case_id=case.id
    )
    new_path = urlsplit(page.select_one("#invitation-link").text.strip()).path
    assert new_path != old_path
    assert app.test_client().get(old_path).status_code == 404
    assert app.test_client().get(new_path).status_code == 302


def test_only_the_cases_isva_or_a_supervisor_may_reissue(session, isva, login_as, client_request):
    org_id = isva.organisation_id
    from portal.models import Organisation

    org = session.get(Organisation, org_id)
    victim = make_user(session, org, Role.VICTIM)
    case = make_case(session, org, victim, isva)
    login_as(make_user(session, org, Role.ISVA))
    client_request.get("caseworker.reissue_invitation", _expected_status=404, case_id=case.id)
    login_as(make_user(session, org, Role.ADMIN))
    client_request.get("caseworker.reissue_invitation", _expected_status=404, case_id=case.id)
    login_as(make_user(session, make_org(session), Role.SUPERVISOR))
    client_request.get("caseworker.reissue_invitation", _expected_status=404, case_id=case.id)
    login_as(victim)
    client_request.get("caseworker.reissue_invitation", _expected_status=404, case_id=case.id)
    login_as(make_user(session, org, Role.SUPERVISOR))
    client_request.get("caseworker.reissue_invitation", case_id=case.id)


def test_a_reset_invitation_sets_a_new_passphrase_and_ends_every_session(
    session, isva, login_as, client_request, browser, second_browser, app
):
    from portal.models import Organisation

    org = session.get(Organisation, isva.organisation_id)
    victim = make_user(session, org, Role.VICTIM, email="mo@example.org")
    victim.safety_info_seen_at = START
    case = make_case(session, org, victim, isva)
    second_browser.sign_in("mo@example.org")  # the victim's old phone (or someone else's)
    login_as(isva)
    page = client_request.get("caseworker.reissue_invitation", case_id=case.id)
    assert "forgotten their passphrase" in page.text
    page = client_request.post(
        "caseworker.reissue_invitation", {}, _expected_status=200, case_id=case.id
    )
    path = urlsplit(page.select_one("#invitation-link").text.strip()).path
    victim_client = app.test_client()
    from tests.portal.auth.conftest import Browser
    from tests.support.pages import ClientRequest

    victim_browser = Browser(app, victim_client, ClientRequest(app, victim_client))
    victim_browser.request.get(path, _expected_status=302)
    page = victim_browser.request.get("auth.set_passphrase")
    assert page.h1.text.strip() == "Choose a new passphrase"
    victim_browser.request.post("auth.set_passphrase", {"password": GOOD, "confirm": GOOD})
    assert victim_browser.location == "/my-case/"
    second_browser.request.get("victim.home", _expected_status=302)
    assert second_browser.location == "/signed-out"
    second_browser.sign_in("mo@example.org", expected=200)  # the old passphrase is gone
    second_browser.sign_in("mo@example.org", GOOD)


def test_supervisor_opens_a_case_for_an_isva_of_their_organisation(
    session, isva, login_as, client_request
):
    from portal.models import Organisation

    org = session.get(Organisation, isva.organisation_id)
    outsider = make_user(session, make_org(session), Role.ISVA)
    login_as(make_user(session, org, Role.SUPERVISOR))
    page = client_request.get("caseworker.new_case")
    options = [o["value"] for o in page.select("select#isva option")]
    assert str(isva.id) in options
    assert str(outsider.id) not in options
    data = {"reference": "SUP-1", "email": "kit@example.org"}
    page = client_request.post("caseworker.new_case", data, _expected_status=200)
    assert "Select the ISVA for this case" in page.select_one(".govuk-error-summary").text
    page = client_request.post(
        "caseworker.new_case", {**data, "isva": str(outsider.id)}, _expected_status=200
    )
    assert "Select the ISVA for this case" in page.text
    client_request.post("caseworker.new_case", {**data, "isva": str(isva.id)}, _expected_status=200)
    case = session.scalar(select(Case).where(Case.reference == "SUP-1"))
    assert case.active_assignment().isva_id == isva.id


def test_admins_and_victims_cannot_open_cases(session, login_as, client_request):
    org = make_org(session)
    for role in (Role.ADMIN, Role.VICTIM):
        login_as(make_user(session, org, role))
        client_request.get("caseworker.new_case", _expected_status=404)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "", "phone": ""}, "Enter an email address or a UK mobile number"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"phone": "+33 6 12 34 56 78"}, "Enter a UK mobile number"),
        ({"phone": "020 7946 0000"}, "Enter a UK mobile number"),
        ({"reference": ""}, "Enter the case reference"),
        ({"reference": "R" * 41}, "40 characters or fewer"),
        ({"reference": "<script>"}, "Case reference can only have"),
        ({"name": "N" * 101}, "100 characters or fewer"),
        ({"name": "Ruth\x00"}, "Remove any unusual characters"),
    ],
)
def test_bad_case_details_get_a_message_and_change_nothing(
    session, isva, login_as, client_request, fields, message
):
    login_as(isva)
    data = {"reference": "RIV-9", "name": "Ruth", "email": "ruth@example.org", "phone": ""}
    data.update(fields)
    page = client_request.post("caseworker.new_case", data, _expected_status=200)
    assert message in page.select_one(".govuk-error-summary").text
    assert session.scalar(select(Case).where(Case.reference == "RIV-9")) is None
    assert session.scalars(select(User).where(User.role == Role.VICTIM)).all() == []


def test_an_email_or_reference_already_in_use_is_refused(session, isva, login_as, client_request):
    login_as(isva)
    _open_case(client_request)
    page = client_request.post(
        "caseworker.new_case",
        {"reference": "RIV-2", "email": "RUTH@example.org"},
        _expected_status=200,
    )
    assert "already an account with this email address" in page.text
    page = client_request.post(
        "caseworker.new_case",
        {"reference": "RIV-1", "email": "other@example.org"},
        _expected_status=200,
    )
    assert "already a case with this reference" in page.text


def test_admin_invites_staff_who_set_a_password_then_must_set_up_totp(
    session, login_as, client_request, second_browser
):
    org = make_org(session)
    login_as(make_user(session, org, Role.ADMIN))
    page = client_request.get("caseworker.invite_staff")
    roles = {i["value"] for i in page.select("input[name=role]")}
    assert roles == {"isva", "supervisor", "admin"}
    page = client_request.post(
        "caseworker.invite_staff",
        {"name": "Alex Smith", "email": "alex@service.example", "role": "supervisor"},
        _expected_status=200,
    )
    assert page.select_one("#invitation-code") is None  # staff get a link only
    emailed = page.select_one("#invitation-emailed").text
    assert "emailing the link to alex@service.example" in emailed
    path = urlsplit(page.select_one("#invitation-link").text.strip()).path
    # The same link goes to their work address, through the outbox (sent by the worker).
    queued = session.scalars(select(Notification)).all()
    assert [(n.kind, n.channel) for n in queued] == [("staff_invitation", "email")]
    assert path.endswith(queued[0].secret)
    _accept(second_browser, path, "staff password for alex")
    assert second_browser.location == "/sign-in/two-step/set-up"
    second_browser.request.get("caseworker.home", _expected_status=302)
    assert second_browser.location.startswith("/sign-in")
    staff = session.scalar(select(User).where(User.role == Role.SUPERVISOR))
    assert staff.organisation_id == org.id


def test_supervisors_invite_isvas_only(session, login_as, client_request):
    org = make_org(session)
    login_as(make_user(session, org, Role.SUPERVISOR))
    page = client_request.get("caseworker.invite_staff")
    assert {i["value"] for i in page.select("input[name=role]")} == {"isva"}
    page = client_request.post(
        "caseworker.invite_staff",
        {"name": "Eve", "email": "eve@service.example", "role": "admin"},
        _expected_status=200,
    )
    assert "Not a valid choice" in page.text or "Select a role" in page.text
    assert session.scalar(select(User).where(User.role == Role.ADMIN)) is None
    login_as(make_user(session, org, Role.ISVA))
    client_request.get("caseworker.invite_staff", _expected_status=404)


def test_accepting_twice_cannot_both_succeed(session, isva):
    from portal.models import Organisation

    victim = make_user(session, session.get(Organisation, isva.organisation_id), Role.VICTIM)
    issued = invitations.issue(session, isva, victim, invitations.InvitationPurpose.VICTIM)
    invitations.accept(session, issued.invitation, GOOD)
    with pytest.raises(invitations.AccountError):
        invitations.accept(session, issued.invitation, GOOD + " again")


def test_opening_a_case_and_reissuing_are_audited_in_the_same_transaction(
    session, isva, login_as, client_request
):
    from portal.models import AuditEvent

    login_as(isva)
    _open_case(client_request)
    request_id = client_request.response.headers["X-Request-Id"]
    case = session.scalar(select(Case).where(Case.reference == "RIV-1"))
    rows = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    assert {(r.action, r.actor_id, r.request_id) for r in rows} == {
        ("case.open", isva.id, request_id),
        ("case.invite_victim", isva.id, request_id),
    }
    client_request.post("caseworker.reissue_invitation", {}, _expected_status=200, case_id=case.id)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id))
    assert "case.reissue_invitation" in set(actions)


def test_opening_a_link_by_mistake_signs_no_one_out(session, isva, login_as, client_request):
    login_as(isva)
    _page, path, _code = _open_case(client_request)
    client_request.get(path, _expected_status=302)  # the ISVA checks the link in their browser
    client_request.get("caseworker.home")  # still signed in as themselves
