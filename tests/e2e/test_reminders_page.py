"""The victim's reminders page in a real browser at 320, 375 and 1280 px with axe: a court date
with its calendar link, turning reminders on, and choosing how often to hear; and a reminder
sent shows on the dashboard, leading to this page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role
from portal.services.updates import reminders
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.e2e.browser import check, sign_in
from tests.portal.updates.conftest import add_points, starter_draft
from tests.support.factories import make_case, make_org, make_user

PAGE_WIDTHS = (320, 375, 1280)
DASHBOARD_WIDTHS = (320, 375)


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


@pytest.fixture(scope="module")
def reminded(live_server) -> dict[int, tuple[str, str]]:
    """Victims sent a reminder about a hearing they have read: only the reminder is new."""
    with live_server.app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA)
        found = {}
        for width in DASHBOARD_WIDTHS:
            victim = make_user(session, org, Role.VICTIM, name="Ruth")
            victim.safety_info_seen_at = utcnow()
            add_points(session, victim)
            case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=3))
            reminders.save_settings(
                session, victim, court_dates=True, time_limits=False, calendar_words=False
            )
            draft = starter_draft("hearing_scheduled", event_date=london_today() + timedelta(6))
            hearing = updates.publish(
                session, case, isva, updates.save_draft(session, case, isva, draft)
            )
            hearing.read_at = utcnow()
            found[width] = (victim.email, str(case.id))
        assert reminders.sweep(session) == 2
        session.commit()
        db.session.remove()
    return found


@pytest.mark.parametrize("width", DASHBOARD_WIDTHS)
def test_a_reminder_sent_shows_on_the_dashboard(live_server, new_page, reminded, width):
    email, case_id = reminded[width]
    page, log = new_page(width=width)
    sign_in(page, live_server, email)
    day = (london_today() + timedelta(6)).strftime("%-d %B %Y")
    item = page.locator("[data-testid=new-reminder]")
    expect(item).to_have_text(f"Reminder: a court date on {day}")
    check(page, width)
    item.get_by_role("link").click()
    page.wait_for_url(f"**/my-case/cases/{case_id}/reminders")
    assert log.hosts == {live_server.url.removeprefix("http://")}
