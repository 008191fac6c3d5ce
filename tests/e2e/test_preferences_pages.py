"""The victim's notification preferences in a real browser, at 320 and 1280 px with axe: the
overview, adding an email (with the error summary), entering the code, category choices and
quiet hours."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from notifications.models import Notification
from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role
from tests.e2e.browser import check, sign_in
from tests.e2e.conftest import WIDTHS
from tests.support.factories import make_org, make_user


@pytest.fixture(scope="module")
def victims(live_server) -> dict[int, tuple[str, str]]:
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        found = {}
        for width in WIDTHS:
            victim = make_user(session, org, Role.VICTIM, name="Ruth")
            victim.safety_info_seen_at = utcnow()
            found[width] = (victim.email, str(victim.id))
        session.commit()
        db.session.remove()
    return found


def _code(live_server, user_id: str) -> str:
    with live_server.app.app_context():
        row = db.session.scalars(
            select(Notification)
            .where(Notification.kind == "verification")
            .order_by(Notification.created_at.desc())
        ).first()
        assert str(row.recipient_id) == user_id
        code = row.secret
        db.session.remove()
    return code


@pytest.mark.parametrize("width", WIDTHS)
def test_preferences_pages_are_accessible_and_work(live_server, new_page, victims, width):
    email, user_id = victims[width]
    page, log = new_page(width=width)
    sign_in(page, live_server, email)
    page.goto(live_server.path("/my-case/preferences"))
    check(page, width)
    page.get_by_role("link", name="Add an email address").click()
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, width)
    page.fill("input[name=address]", f"ruth{width}@example.org")
    page.get_by_label("This is safe to use").check()
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/email/confirm")
    check(page, width)
    page.fill("input[name=code]", _code(live_server, user_id))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/my-case/preferences")
    assert "On" in page.locator(".govuk-summary-list").inner_text()
    check(page, width)
    page.get_by_role("link", name="Choose what we tell you about").click()
    check(page, width)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/my-case/preferences")
    page.get_by_role("link", name="Change quiet hours").click()
    check(page, width)
    assert log.hosts == {live_server.url.removeprefix("http://")}
