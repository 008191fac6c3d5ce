"""Authentication in a real browser: a victim's invitation to their home page and out again,
and a member of staff's invitation through TOTP set-up to the caseworker pages. axe-core checks
every page on the way (victim pages at 320 and 1280 px, staff pages at 1280 px)."""

from __future__ import annotations

import uuid

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, Role
from portal.services.accounts import invitations
from tests.e2e.conftest import WIDTHS, assert_accessible
from tests.support.factories import make_org, make_user

PASSPHRASE = "kettle lighthouse velvet"


def _check(page, width: int) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-exit-this-page__button")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _victim_invitation(live_server, email: str) -> str:
    with live_server.app.app_context():
        org = make_org(db.session)
        isva = make_user(db.session, org, Role.ISVA)
        _case, issued = invitations.open_case(
            db.session,
            isva,
            reference=f"E2E-{uuid.uuid4().hex[:8]}",
            name="Ruth",
            email=email,
            phone=None,
        )
        db.session.commit()
        return issued.token


@pytest.mark.parametrize("width", WIDTHS)
def test_victim_invitation_to_home_and_sign_out(live_server, new_page, width):
    email = f"ruth-{width}-{uuid.uuid4().hex[:6]}@example.org"
    token = _victim_invitation(live_server, email)
    page, log = new_page(width=width)
    page.clock.install()

    page.goto(live_server.path("/invitation/not-a-real-invitation"))
    assert page.locator("h1").inner_text() == "This link or code does not work"
    _check(page, width)
    page.goto(live_server.path("/invitation/code"))
    _check(page, width)

    page.goto(live_server.path(f"/invitation/{token}"))
    page.wait_for_url(live_server.path("/invitation/passphrase"))
    _check(page, width)
    page.get_by_label("Create a passphrase").fill("too short")
    page.get_by_label("Type the passphrase again").fill("too short")
    page.get_by_role("button", name="Continue").click()
    assert "at least 12 characters" in page.locator(".govuk-error-summary").inner_text()
    _check(page, width)
    page.get_by_label("Create a passphrase").fill(PASSPHRASE)
    page.get_by_label("Type the passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(live_server.path("/welcome/using-this-service-safely"))
    _check(page, width)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.path("/my-case/"))
    assert page.locator("h1").inner_text() == "Hello, Ruth"
    _check(page, width)

    # Two minutes before the idle timeout, a warning offers to stay signed in (WCAG 2.2.1).
    dialog = page.locator("#session-timeout-dialog")
    assert not dialog.is_visible()
    page.clock.fast_forward("13:01")
    dialog.wait_for(state="visible")
    assert "You will be signed out soon" in dialog.inner_text()
    assert_accessible(page)
    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive")) as response:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert response.value.status == 200
    dialog.wait_for(state="hidden")

    page.goto(live_server.path("/account"))
    _check(page, width)
    page.goto(live_server.path("/account/change-passphrase"))
    _check(page, width)
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()  # the new page, not the old one
    _check(page, width)

    # Optional two-step verification: on, then off again.
    page.goto(live_server.path("/account/two-step"))
    _check(page, width)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.locator("#recovery-codes").wait_for()
    assert len(page.locator("#recovery-codes li").all_inner_texts()) == 10
    _check(page, width)
    page.goto(live_server.path("/account/two-step/turn-off"))
    _check(page, width)
    page.get_by_label("Your passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Turn off two-step verification").click()
    page.wait_for_url(live_server.path("/account"))

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(live_server.path("/signed-out"))
    _check(page, width)
    page.goto(live_server.path("/my-case/"))
    page.wait_for_url("**/sign-in?next=*")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Passphrase").fill("not my passphrase")
    page.get_by_role("button", name="Sign in").click()
    assert "is not right" in page.locator(".govuk-error-summary").inner_text()
    _check(page, width)
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.path("/my-case/"))
    assert log.hosts == {live_server.url.removeprefix("http://")}
    assert not [e for e in log.console_errors if "Content Security Policy" in e]


def test_an_idle_victim_is_sent_to_the_signed_out_page(live_server, new_page):
    email = f"kit-{uuid.uuid4().hex[:6]}@example.org"
    token = _victim_invitation(live_server, email)
    page, _ = new_page(width=320)
    page.clock.install()
    page.goto(live_server.path(f"/invitation/{token}"))
    page.get_by_label("Create a passphrase").fill(PASSPHRASE)
    page.get_by_label("Type the passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.path("/welcome/using-this-service-safely"))
    page.clock.fast_forward("15:01")
    page.wait_for_url(live_server.path("/signed-out"))
    assert "You were signed out to keep your information safe" in page.inner_text("main")


def test_staff_invitation_totp_enrolment_and_caseworker_pages(live_server, new_page):
    width = 1280
    with live_server.app.app_context():
        org = make_org(db.session)
        admin = make_user(db.session, org, Role.ADMIN)
        make_user(db.session, org, Role.ISVA, name="Sam Isva")
        email = f"priya-{uuid.uuid4().hex[:6]}@service.example"
        _user, issued = invitations.invite_staff(
            db.session, admin, name="Priya", email=email, role=Role.SUPERVISOR
        )
        db.session.commit()
    page, log = new_page(width=width)
    page.goto(live_server.path(f"/invitation/{issued.token}"))
    page.wait_for_url(live_server.path("/invitation/passphrase"))
    _check(page, width)
    page.get_by_label("Create a passphrase").fill("supervisor staff passphrase")
    page.get_by_label("Type the passphrase again").fill("supervisor staff passphrase")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(live_server.path("/sign-in/two-step/set-up"))
    assert page.locator("img.wp-qr").evaluate("img => img.naturalWidth") > 0  # the QR loaded
    _check(page, width)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()  # the new page, not the old one
    _check(page, width)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.locator("#recovery-codes").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    _check(page, width)
    page.get_by_role("link", name="I have saved my codes: continue").click()
    page.wait_for_url(live_server.path("/caseworker/"))
    _check(page, width)

    page.goto(live_server.path("/caseworker/cases/new"))
    _check(page, width)
    page.get_by_role("button", name="Open case and create invitation").click()
    page.locator(".govuk-error-summary").wait_for()  # the new page, not the old one
    _check(page, width)
    reference = f"E2E-{uuid.uuid4().hex[:6]}"
    page.get_by_label("Case reference").fill(reference)
    page.get_by_label("Email address").fill(f"mo-{uuid.uuid4().hex[:6]}@example.org")
    page.get_by_label("ISVA for this case").select_option(label="Sam Isva")
    page.get_by_role("button", name="Open case and create invitation").click()
    page.get_by_role("heading", level=1, name="Case opened").wait_for()
    _check(page, width)
    with live_server.app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
    page.goto(live_server.path(f"/caseworker/cases/{case_id}/invitation"))
    _check(page, width)
    page.get_by_role("button", name="Create a new invitation").click()
    page.get_by_role("heading", level=1, name="New invitation created").wait_for()
    _check(page, width)

    page.goto(live_server.path("/caseworker/staff/invite"))
    _check(page, width)
    page.goto(live_server.path("/caseworker/staff"))
    _check(page, width)
    page.get_by_role("link", name="Disable Sam Isva").click()
    page.get_by_role("heading", level=1, name="Disable the account of Sam Isva").wait_for()
    _check(page, width)

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(live_server.path("/signed-out"))
    page.goto(live_server.path("/sign-in"))
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Passphrase").fill("supervisor staff passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.path("/sign-in/two-step"))
    _check(page, width)
    page.get_by_role("link", name="use a recovery code").click()
    page.wait_for_url(live_server.path("/sign-in/two-step/recovery-code"))
    _check(page, width)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.path("/caseworker/"))
    assert log.hosts == {live_server.url.removeprefix("http://")}
