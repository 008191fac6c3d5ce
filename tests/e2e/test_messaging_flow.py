"""Messaging in a real browser: a victim at 375 px writes (including the XSS corpus, which
must run nothing), the ISVA at 1280 px reads and replies, the victim sees the reply and the
read mark. Every page involved passes axe at 320 and 1280 px. Signed in through the real forms
(TOTP for staff, computed with pyotp; one staff account per sign-in, as a code is used once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Dialog, Page, expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role
from tests.e2e.browser import sign_in
from tests.e2e.conftest import WIDTHS, assert_accessible
from tests.support.factories import make_case, make_org, make_user, with_totp

XSS_CORPUS = (
    "<script>alert(1)</script>\n"
    "<img src=x onerror=alert(1)>\n"
    '<a href="javascript:alert(1)">click</a> [a](javascript:x)\n'
    "invoice\u202egnp.exe zero\u200bwidth"
)


@dataclass
class Staff:
    email: str
    totp: str


@dataclass
class World:
    case_id: str
    victim_email: str
    isva: Staff
    supervisor: Staff


def _staff(session, org, role: Role, name: str) -> tuple[object, Staff]:
    user = with_totp(make_user(session, org, role, name=name))
    return user, Staff(user.email, user.totp_secret)


@pytest.fixture(scope="module")
def world(live_server) -> World:
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        victim = make_user(session, org, Role.VICTIM, name="Ruth")
        victim.safety_info_seen_at = utcnow()
        isva, isva_login = _staff(session, org, Role.ISVA, "Sam Taylor")
        _supervisor, supervisor_login = _staff(session, org, Role.SUPERVISOR, "Pat Lead")
        case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=3))
        session.commit()
        found = World(str(case.id), victim.email, isva_login, supervisor_login)
        db.session.remove()
    return found


def check_at_both_widths(page: Page, back_to: int) -> None:
    """axe at 320 and 1280 px, no sideways scrolling, Exit this page present."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("networkidle")
        # From the top: Exit this page is sticky, and would cover whatever it is scrolled over.
        page.evaluate("window.scrollTo(0, 0)")
        expect(page.locator(".govuk-exit-this-page__button")).to_be_visible()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": back_to, "height": 900})


def fail_on_dialog(dialog: Dialog) -> None:
    dialog.dismiss()
    raise AssertionError(f"a dialog opened: {dialog.message}")


def assert_nothing_injected(page: Page) -> None:
    bodies = page.locator(".wp-message__body")
    for i in range(bodies.count()):
        made = bodies.nth(i).evaluate("el => el.querySelectorAll('*').length")
        assert made == 0, "an element was created from a message body"
    assert page.evaluate("window.__xss === undefined")


def test_victim_writes_isva_replies_victim_sees_reply_and_read_mark(live_server, new_page, world):
    dialogs: list[str] = []
    victim, log = new_page(width=375)
    victim.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(victim, live_server, world.victim_email)
    victim.goto(live_server.path(f"/my-case/cases/{world.case_id}"))
    victim.get_by_role("link", name="Messages with your ISVA").click()
    expect(victim.get_by_text("Your message will be read by Sam, your ISVA.")).to_be_visible()
    expect(victim.get_by_text("If you are in danger now, call 999.").first).to_be_visible()
    check_at_both_widths(victim, 375)

    victim.get_by_label("Your message").fill(XSS_CORPUS)
    victim.get_by_role("button", name="Send message").click()
    expect(victim.get_by_text("Your message has been sent")).to_be_visible()
    victim.get_by_label("Your message").fill("Can we talk before Friday?\nAfter 4pm is best.")
    # GOV.UK's character count, live as the victim types (progressive enhancement).
    expect(victim.locator(".govuk-character-count__status")).to_have_text(
        "You have 4,955 characters remaining"
    )
    victim.get_by_role("button", name="Send message").click()
    expect(victim.locator(".wp-message__body").last).to_have_text(
        "Can we talk before Friday?\nAfter 4pm is best."
    )
    assert "[U+202E]" in victim.locator(".wp-message__body").first.inner_text()
    assert_nothing_injected(victim)
    expect(victim.get_by_text("Not read yet").first).to_be_visible()
    check_at_both_widths(victim, 375)

    victim.get_by_role("link", name="Ask my ISVA to call me").click()
    expect(victim.get_by_role("heading", name="Ask your ISVA to call you")).to_be_visible()
    check_at_both_widths(victim, 375)

    isva, _ = new_page(width=1280)
    isva.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(isva, live_server, world.isva.email, world.isva.totp)
    isva.goto(live_server.path("/caseworker/"))
    isva.get_by_role("link", name="Messages inbox").click()
    isva.wait_for_url("**/caseworker/messages")
    check_at_both_widths(isva, 1280)
    isva.locator("tbody a").first.click()
    isva.wait_for_url("**/messages")
    expect(isva.get_by_text("Can we talk before Friday?")).to_be_visible()
    assert_nothing_injected(isva)
    check_at_both_widths(isva, 1280)
    isva.get_by_label("Your reply").fill("Yes, I will call you on Thursday after 4pm.")
    isva.get_by_role("button", name="Send reply").click()
    expect(isva.get_by_text("Your reply has been sent")).to_be_visible()
    isva.get_by_label("Note to file").fill("Victim prefers calls after 4pm.")
    isva.get_by_role("button", name="Save note to file").click()
    expect(isva.locator(".wp-note")).to_contain_text("Victim prefers calls after 4pm.")
    check_at_both_widths(isva, 1280)

    victim.goto(live_server.path(f"/my-case/cases/{world.case_id}/messages"))
    expect(victim.locator(".wp-message--theirs")).to_contain_text(
        "Yes, I will call you on Thursday after 4pm."
    )
    expect(victim.locator(".wp-read-mark").last).to_contain_text("Read by Sam at")
    expect(victim.get_by_text("Victim prefers calls after 4pm.")).to_have_count(0)
    assert_nothing_injected(victim)
    check_at_both_widths(victim, 375)
    assert dialogs == []
    assert log.hosts == {live_server.url.removeprefix("http://")}


def test_supervisor_settings_pages(live_server, new_page, world):
    page, _ = new_page(width=1280)
    sign_in(page, live_server, world.supervisor.email, world.supervisor.totp)
    page.goto(live_server.path("/caseworker/saved-replies"))
    page.get_by_label("Name").fill("Thanks")
    page.get_by_label("Text").fill("Thank you for your message. I will reply soon.")
    page.get_by_role("button", name="Add saved reply").click()
    expect(page.get_by_text("The saved reply has been added")).to_be_visible()
    check_at_both_widths(page, 1280)
    page.goto(live_server.path("/caseworker/out-of-office"))
    expect(page.get_by_role("heading", name="Out of office", exact=True)).to_be_visible()
    check_at_both_widths(page, 1280)
