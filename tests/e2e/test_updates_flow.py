"""Case updates in a real browser: an ISVA writes and publishes a sensitive update at 1280 px;
the victim at 375 px sees the content note, chooses "not now", later reads it. Axe on every
page involved: the ISVA's pages and the victim's pages at 320 and 1280 px."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from notifications.contacts import address_lookup
from notifications.models import Channel, ContactPoint
from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role, ToldHow, Update, UpdateStatus
from portal.services.updates import disclosure
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.e2e.browser import sign_in
from tests.e2e.conftest import WIDTHS, assert_accessible
from tests.portal.updates.conftest import starter_draft
from tests.support.factories import make_case, make_org, make_user, with_totp


@dataclass
class Setting:
    case_id: str
    isva_email: str
    totp_secret: str
    victim_email: str
    # A second case, for the victim pages at 320 and 1280 px (a sensitive unread update, a
    # sentence with an open window, a held update, a scheduled one).
    other_case_id: str
    other_victim_email: str
    sensitive_id: str
    window_id: str
    held_id: str
    draft_id: str
    other_isva_email: str
    other_totp_secret: str
    moved_id: str
    # ISVA first, support confirmed: one the ISVA has not recorded telling yet, one they have.
    supported_id: str
    told_id: str


@pytest.fixture(scope="module")
def setting(live_server) -> Setting:
    app = live_server.app
    with app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = with_totp(make_user(session, org, Role.ISVA, name="Priya Shah"))
        victim = make_user(session, org, Role.VICTIM, name="Ruth")
        victim.safety_info_seen_at = utcnow()
        point = ContactPoint(
            user_id=victim.id,
            channel=Channel.SMS,
            address="+447700900321",
            address_lookup=address_lookup(Channel.SMS, "+447700900321"),
            verified_at=utcnow(),
            safe_confirmed_at=utcnow(),
            enabled=True,
        )
        session.add(point)
        case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=30))

        other_victim = make_user(session, org, Role.VICTIM, name="Sam")
        other_victim.safety_info_seen_at = utcnow()
        # Its own ISVA: a TOTP code is accepted once, so each ISVA signs in once per module.
        other_isva = with_totp(make_user(session, org, Role.ISVA, name="Alex Jones"))
        other = make_case(
            session, org, other_victim, other_isva, opened_at=utcnow() - timedelta(days=60)
        )

        def published(key: str, **kwargs) -> Update:
            update = updates.save_draft(session, other, other_isva, starter_draft(key, **kwargs))
            updates.publish(session, other, other_isva, update)
            if update.status == UpdateStatus.HELD_ISVA_FIRST:
                updates.confirm_support(session, other, other_isva, update, "Spoke at 10:00")
            return update

        published("hearing_scheduled", event_date=london_today() + timedelta(days=40))
        moved = published(
            "hearing_scheduled",
            event_date=london_today() + timedelta(days=47),
            reason="The court had no judge free that week",
        )
        window = published("sentence", event_date=london_today())
        window.read_at = utcnow()
        sensitive = published("charged")
        held = updates.save_draft(session, other, other_isva, starter_draft("police_nfa"))
        updates.publish(session, other, other_isva, held)
        draft = updates.save_draft(session, other, other_isva, starter_draft("trial_date_set"))
        supported = published("police_nfa")
        told = published("cps_no_charge")
        disclosure.record_told(
            session, other, other_isva, told, london_today(), ToldHow.PHONE, None
        )
        session.commit()
        found = Setting(
            str(case.id),
            isva.email,
            isva.totp_secret,
            victim.email,
            str(other.id),
            other_victim.email,
            str(sensitive.id),
            str(window.id),
            str(held.id),
            str(draft.id),
            other_isva.email,
            other_isva.totp_secret,
            str(moved.id),
            str(supported.id),
            str(told.id),
        )
        db.session.remove()
    return found


def check(page: Page, width: int | None = None) -> None:
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    if width is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def check_both_widths(page: Page) -> None:
    """Axe at 320 and 1280 px on the page as it is (staff pages: no reflow check at 320)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        check(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def fill_date(page: Page, name: str, day) -> None:
    page.fill(f"#{name}-day", str(day.day))
    page.fill(f"#{name}-month", str(day.month))
    page.fill(f"#{name}-year", str(day.year))


def test_isva_publishes_a_sensitive_update_and_the_victim_reads_it_later(
    live_server, new_page, setting
):
    staff, log = new_page(width=1280)
    sign_in(staff, live_server, setting.isva_email, setting.totp_secret)
    staff.goto(live_server.path(f"/caseworker/cases/{setting.case_id}"))
    check_both_widths(staff)
    staff.get_by_role("button", name="Write an update").click()
    staff.wait_for_url("**/updates/new")
    check_both_widths(staff)
    staff.get_by_role("link", name="Suspect charged").click()
    staff.wait_for_url("**/updates/new/charged")
    check_both_widths(staff)
    today = london_today()
    fill_date(staff, "event_date", today)
    fill_date(staff, "learned_on", today)
    # Midnight: the earliest time today, so "learned" is in the past whenever the suite runs.
    staff.fill("#learned_time", "00:00")
    staff.fill("#what_happened", "The suspect has been charged with two offences.")
    staff.get_by_role("button", name="Save and preview").click()
    staff.wait_for_url(f"**/caseworker/cases/{setting.case_id}/updates/*")
    preview = staff.get_by_test_id("phone-preview-en")
    expect(preview).to_contain_text("The suspect has been charged with two offences.")
    assert preview.bounding_box()["width"] <= 375
    check_both_widths(staff)
    staff.get_by_role("button", name="Publish now").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Update published")
    check(staff)
    staff.goto(live_server.path(f"/caseworker/cases/{setting.case_id}/updates/cadence"))
    check_both_widths(staff)

    victim, vlog = new_page(width=375)
    sign_in(victim, live_server, setting.victim_email)
    victim.goto(live_server.path("/my-case/"))
    check(victim, 375)
    neutral = "There is a new update. Read it when you are ready."
    victim.get_by_role("link", name=neutral).click()
    note = victim.get_by_test_id("content-note")
    expect(note).to_contain_text("This update is about a decision in your case.")
    expect(note).to_contain_text("somewhere private or with someone you trust")
    expect(victim.get_by_text("The suspect has been charged with two offences.")).to_have_count(0)
    check(victim, 375)
    victim.get_by_label("Not now – take me back").check()
    victim.get_by_role("button", name="Continue").click()
    victim.wait_for_url("**/dashboard")
    expect(victim.get_by_test_id("new-updates")).to_contain_text(neutral)
    check(victim, 375)

    victim.get_by_role("link", name=neutral).click()
    victim.get_by_label("Read it now").check()
    victim.get_by_role("button", name="Continue").click()
    expect(victim.get_by_text("The suspect has been charged with two offences.")).to_be_visible()
    check(victim, 375)
    victim.goto(live_server.path("/my-case/"))
    expect(victim.get_by_text("You have read all your updates and messages.")).to_be_visible()
    hosts = {live_server.url.removeprefix("http://")}
    assert log.hosts == hosts
    assert vlog.hosts == hosts


@pytest.mark.parametrize("width", WIDTHS)
def test_victim_update_pages_at_each_width(live_server, new_page, setting, width):
    page, _ = new_page(width=width)
    sign_in(page, live_server, setting.other_victim_email)
    base = f"/my-case/cases/{setting.other_case_id}"
    page.goto(live_server.path(f"{base}/dashboard"))
    expect(page.get_by_text("28 days left.")).to_be_visible()
    expect(page.get_by_test_id("next-date")).to_be_visible()
    font = page.evaluate("getComputedStyle(document.querySelector('.wp-stages__item')).fontFamily")
    assert "arial" in font.lower()  # GOV.UK's sans-serif stack, not the browser's serif
    check(page, width)
    page.goto(live_server.path(f"{base}/updates/{setting.moved_id}"))
    expect(page.get_by_test_id("event-date")).to_contain_text("(was ")
    expect(page.get_by_text("The court had no judge free that week")).to_be_visible()
    check(page, width)
    for path in (
        "/updates",
        f"/updates/{setting.sensitive_id}",
        f"/updates/{setting.window_id}",
        f"/updates/{setting.told_id}",
        f"/updates/{setting.sensitive_id}/ask-isva-first",
        f"/updates/{setting.window_id}/ask-about-window",
    ):
        page.goto(live_server.path(base + path))
        check(page, width)
        if path.endswith(setting.told_id):
            expect(page.get_by_text("Your ISVA Alex told you about this on")).to_be_visible()
        if path.endswith("/ask-isva-first"):
            expect(page.locator("h1")).to_have_text("Ask your ISVA to contact you first")
        if path.endswith("/ask-about-window"):
            expect(page.locator("h1")).to_have_text("Ask your ISVA about this")
    page.get_by_role("button", name="Ask my ISVA to call").click()  # empty: an error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, width)
    page.fill("#safe_times", "Weekday mornings")
    page.get_by_role("button", name="Ask my ISVA to call").click()
    page.wait_for_url("**/asked")
    check(page, width)
    page.goto(live_server.path(f"{base}/updates/{setting.window_id}"))
    expect(page.get_by_test_id("asked-to-call")).to_contain_text("You asked Alex to call you.")
    check(page, width)
    response = page.goto(live_server.path(f"{base}/updates/{setting.held_id}"))
    assert response is not None
    assert response.status == 404  # held for the ISVA first: not there for the victim


def test_isva_pages_for_held_scheduled_and_withdrawn_updates(live_server, new_page, setting):
    page, _ = new_page(width=1280)
    sign_in(page, live_server, setting.other_isva_email, setting.other_totp_secret)
    base = f"/caseworker/cases/{setting.other_case_id}"
    page.goto(live_server.path(base))
    expect(page.get_by_test_id("update-tasks")).to_contain_text("Confirm support is in place")
    check_both_widths(page)
    for path in (
        f"/updates/{setting.held_id}",
        f"/updates/{setting.held_id}/confirm-support",
        f"/updates/{setting.draft_id}",
        f"/updates/{setting.draft_id}/schedule",
        f"/updates/{setting.window_id}/withdraw",
        f"/updates/{setting.window_id}/edit",
    ):
        page.goto(live_server.path(base + path))
        check_both_widths(page)
    page.goto(live_server.path(f"{base}/updates/{setting.draft_id}/schedule"))
    page.get_by_role("button", name="Schedule").click()  # nothing entered: an error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_both_widths(page)
    page.goto(live_server.path(f"{base}/updates/new/trial_date_changed"))
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_both_widths(page)
    # ISVA first, support in place: record telling the victim, on the update page.
    page.goto(live_server.path(f"{base}/updates/{setting.supported_id}"))
    check_both_widths(page)
    record = page.get_by_role("button", name="Record that you told them")
    record.click()  # nothing entered: an error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_both_widths(page)
    fill_date(page, "told_on", london_today())
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Record that you told them").click()
    expect(page.get_by_text("Victim told by their ISVA")).to_be_visible()
    check_both_widths(page)
