"""Data rights pages in a real browser, signed in through the real forms: a victim's 'My
information' and erasure request (320 and 1280 px), a supervisor's data rights list and a
case's subject access page, and an admin's organisation settings (1280 px), each with axe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import AuditOutcome, Role
from portal.models.rights import SubjectAccessRequest
from portal.services import audit
from portal.services.updates.deadlines import london_today
from tests.e2e.browser import check, sign_in
from tests.e2e.conftest import WIDTHS, assert_accessible
from tests.support.factories import make_case, make_org, make_user, with_totp


@dataclass
class Setting:
    case_id: str
    victims: dict[int, str]
    staff: dict[str, tuple[str, str]]


@pytest.fixture(scope="module")
def setting(live_server) -> Setting:
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA, name="Priya Shah")
        staff = {}
        for key, role in (("supervisor", Role.SUPERVISOR), ("admin", Role.ADMIN)):
            person = with_totp(make_user(session, org, role, name=f"Sam {key}"))
            staff[key] = (person.email, person.totp_secret)
        victims = {}
        case = None
        for width in WIDTHS:
            victim = make_user(session, org, Role.VICTIM, name=f"Ruth{width}")
            victim.safety_info_seen_at = utcnow()
            case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=20))
            audit.record(
                session,
                actor=isva,
                action="case.view_case",
                outcome=AuditOutcome.ALLOWED,
                case=case,
                object_type="case",
                object_id=case.id,
            )
            victims[width] = victim.email
        assert case is not None
        session.add(
            SubjectAccessRequest(
                organisation_id=org.id,
                case_id=case.id,
                received_on=london_today() - timedelta(days=40),
                due_on=london_today() - timedelta(days=9),
                recorded_by_id=isva.id,
            )
        )
        session.commit()
        found = Setting(str(case.id), victims, staff)
        db.session.remove()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_my_information_and_erasure_request(live_server, new_page, setting, width, tmp_path):
    page, log = new_page(width=width)
    sign_in(page, live_server, setting.victims[width])
    page.goto(live_server.path("/my-case/"))
    page.get_by_role("link", name="See and download your information").click()
    page.wait_for_url("**/my-case/my-information")
    expect(page.get_by_role("heading", name="Your information", level=1)).to_be_visible()
    expect(page.locator("[data-testid=viewings] li").first).to_contain_text("Priya, ISVA")
    check(page, width)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a copy you can read (web page)").click()
    assert download.value.suggested_filename.startswith("my-information-")
    assert download.value.suggested_filename.endswith(".html")
    # The copy opens on its own, fetches nothing, and is accessible too.
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    copy, copy_log = new_page(width=width)
    copy.goto(saved.as_uri())
    expect(copy.get_by_role("heading", name="Your information", level=1)).to_be_visible()
    expect(copy.get_by_text("Priya (ISVA)").first).to_be_visible()
    assert_accessible(copy)
    assert copy_log.hosts == {""}  # file:// only
    page.get_by_role("link", name="Ask us to erase your information").click()
    page.wait_for_url("**/my-information/erasure")
    check(page, width)
    page.get_by_role("button", name="Ask for my information to be erased").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, width)
    page.get_by_label("I understand what will be kept and what will be destroyed").check()
    page.get_by_role("button", name="Ask for my information to be erased").click()
    page.wait_for_url("**/my-case/my-information")
    expect(page.locator("[data-testid=erasure-status]")).to_be_visible()
    check(page, width)
    assert log.hosts == {live_server.url.removeprefix("http://")}


def test_supervisor_data_rights_list_and_case_subject_access(live_server, new_page, setting):
    page, _ = new_page(width=1280)
    sign_in(page, live_server, *setting.staff["supervisor"])
    page.goto(live_server.path("/caseworker/subject-access"))
    expect(page.locator("[data-testid=sars] tbody tr").first).to_contain_text("Overdue")
    check(page, 1280)
    page.locator("[data-testid=sars] tbody tr a").first.click()
    page.wait_for_url("**/subject-access")
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    check(page, 1280)
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, 1280)


def test_admin_organisation_settings(live_server, new_page, setting):
    page, _ = new_page(width=1280)
    sign_in(page, live_server, *setting.staff["admin"])
    page.goto(live_server.path("/caseworker/organisation"))
    check(page, 1280)
    page.get_by_label("Exit this page goes to").fill("http://www.example.org")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("https://")
    check(page, 1280)
    page.get_by_label("Exit this page goes to").fill("")
    page.get_by_label("Crisis contacts").fill("Local support line: 0800 123 4567")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Settings saved")
    expect(page.locator(".wp-crisis")).to_contain_text("Local support line")
    check(page, 1280)
