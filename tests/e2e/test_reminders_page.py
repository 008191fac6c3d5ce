"""The victim's reminders page in a real browser at 320, 375 and 1280 px with axe: a court date
with its calendar link, turning reminders on, and choosing how often to hear."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role
from portal.services import updates
from portal.services.deadlines import london_today
from tests.e2e.browser import check, sign_in
from tests.portal.updates.conftest import starter_draft
from tests.support.factories import make_case, make_org, make_user

PAGE_WIDTHS = (320, 375, 1280)


@pytest.fixture(scope="module")
def victims(live_server) -> dict[int, tuple[str, str]]:
    with live_server.app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA)
        found = {}
        for width in PAGE_WIDTHS:
            victim = make_user(session, org, Role.VICTIM, name="Ruth")
            victim.safety_info_seen_at = utcnow()
            case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=3))
            draft = starter_draft("hearing_scheduled", event_date=london_today() + timedelta(20))
            updates.publish(session, case, isva, updates.save_draft(session, case, isva, draft))
            found[width] = (victim.email, str(case.id))
        session.commit()
        db.session.remove()
    return found


@pytest.mark.parametrize("width", PAGE_WIDTHS)
def test_reminders_page_is_accessible_and_works(live_server, new_page, victims, width):
    email, case_id = victims[width]
    page, log = new_page(width=width)
    sign_in(page, live_server, email)
    page.get_by_role("link", name="Reminders, calendar files and check-ins").click()
    page.wait_for_url(f"**/my-case/cases/{case_id}/reminders")
    check(page, width)
    expect(page.get_by_role("link", name="Add to your calendar")).to_have_count(1)
    page.get_by_label("Remind me 7 days and 1 day before a court date").check()
    page.get_by_role("button", name="Save reminders").click()
    expect(page.locator("[data-testid=planned] li")).to_have_count(2)
    check(page, width)
    page.get_by_label("Every 2 weeks").check()
    page.get_by_role("button", name="Save how often").click()
    expect(page.locator("[data-testid=cadence]")).to_contain_text("every 2 weeks")
    check(page, width)
    assert log.hosts == {live_server.url.removeprefix("http://")}
