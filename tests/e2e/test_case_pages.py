"""Case pages in a real browser, signed in through the real sign-in form (and TOTP for staff):
a supervisor's case page, assign page and audit trail, and a victim's case summary and "who has
looked at your case", each at 320 and 1280 px with axe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import AuditOutcome, Role
from portal.services import audit
from tests.e2e.browser import check, sign_in
from tests.e2e.conftest import WIDTHS
from tests.support.factories import make_case, make_org, make_user, with_totp


@dataclass
class People:
    case_id: str
    victim_email: str
    # One supervisor per screen width: a TOTP code is accepted once, and both tests may run
    # inside the same 30-second step.
    supervisors: dict[int, tuple[str, str]]


@pytest.fixture(scope="module")
def people(live_server) -> People:
    """One service with a case that staff have looked at, committed in the live database."""
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        victim = make_user(session, org, Role.VICTIM, name="Ruth")
        victim.safety_info_seen_at = utcnow()
        isva = make_user(session, org, Role.ISVA, name="Priya Shah")
        supervisors = {}
        for width in WIDTHS:
            supervisor = with_totp(
                make_user(session, org, Role.SUPERVISOR, name=f"Sam Lead {width}")
            )
            supervisors[width] = (supervisor.email, supervisor.totp_secret)
        case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=20))
        for actor in (isva, isva, supervisor):
            audit.record(
                session,
                actor=actor,
                action="case.view_case",
                outcome=AuditOutcome.ALLOWED,
                case=case,
                object_type="case",
                object_id=case.id,
            )
        session.commit()
        found = People(str(case.id), victim.email, supervisors)
        db.session.remove()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_supervisor_case_page_and_audit_trail(live_server, new_page, people, width):
    page, log = new_page(width=width)
    sign_in(page, live_server, *people.supervisors[width])
    page.goto(live_server.path(f"/caseworker/cases/{people.case_id}"))
    assert page.locator("h1").inner_text().startswith("TEST-")
    expect(page.get_by_text("Audit trail for this case")).to_be_visible()
    check(page, width)
    page.get_by_role("button", name="Change the ISVA").click()  # a link styled as a button
    page.wait_for_url("**/assign")
    check(page, width)
    page.goto(live_server.path("/caseworker/audit"))
    assert page.locator("tbody tr").count() >= 4
    check(page, width)
    assert log.hosts == {live_server.url.removeprefix("http://")}


@pytest.mark.parametrize("width", WIDTHS)
def test_victim_case_summary_and_who_has_viewed(live_server, new_page, people, width):
    page, _ = new_page(width=width)
    sign_in(page, live_server, people.victim_email)
    page.goto(live_server.path("/my-case/"))
    page.get_by_role("link", name="Your case, opened on").click()
    expect(page.get_by_text("Your ISVA is Priya.")).to_be_visible()
    check(page, width)
    page.get_by_role("link", name="See who at the service has looked at your case").click()
    page.wait_for_url("**/who-has-viewed")
    items = page.locator("ul.wp-viewings li")
    expect(items.first).to_be_visible()  # the supervisor test may have added a look
    texts = [" ".join(text.split()) for text in items.all_inner_texts()]
    assert any(text.startswith("Priya, ISVA") for text in texts), texts
    check(page, width)
