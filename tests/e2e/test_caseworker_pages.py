"""The caseworker's pages in a real browser, signed in through the real forms with TOTP: the
ISVA's caseload (sorting and filtering without JavaScript-only controls), a case's sections
(contact and safety, delivery log, closing), and the supervisor's team view; axe at 320 and
1280 px."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from notifications.models import Channel, ContactPoint, DeliveryAttempt, Notification, Status
from portal.clock import utcnow
from portal.extensions import db
from portal.models import CallbackReason, Role
from portal.services.messaging import callbacks
from portal.services.messaging import messages as messaging
from tests.e2e.browser import check, sign_in
from tests.e2e.conftest import WIDTHS
from tests.portal.updates.conftest import add_points
from tests.support.factories import make_case, make_org, make_user, with_totp


@dataclass
class Staff:
    case_id: str
    # One account per test and width: a TOTP code is accepted once per 30-second step.
    isvas: dict[tuple[str, int], tuple[str, str]]
    supervisors: dict[tuple[str, int], tuple[str, str]]


def _failed_notification(session, case, victim) -> None:
    """A text message about the case that failed for good (unknown number), one attempt."""
    add_points(session, victim)
    point = session.query(ContactPoint).filter_by(user_id=victim.id, channel=Channel.SMS).one()
    failed = Notification(
        recipient_id=victim.id,
        channel=Channel.SMS,
        contact_point_id=point.id,
        kind="update",
        case_id=case.id,
        template="update_sms",
        template_version=1,
        source_key=f"e2e:{uuid.uuid4()}",
        dedupe_key=uuid.uuid4().hex,
        status=Status.FAILED_PERMANENT,
        last_error_code="30005",
    )
    session.add(failed)
    session.flush()
    session.add(
        DeliveryAttempt(
            notification_id=failed.id,
            number=1,
            provider="twilio",
            status=Status.FAILED_PERMANENT,
            error_code="30005",
            history=[],
            finished_at=utcnow(),
        )
    )


@pytest.fixture(scope="module")
def staff(live_server) -> Staff:
    """One service. Each caseload ISVA carries 30 cases (every 4th with a message waiting,
    every 7th with a call-back request); each case-page ISVA one case; the wide one's case has
    a failed notification. Supervisors see them all."""
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        isvas: dict[tuple[str, int], tuple[str, str]] = {}
        supervisors = {}
        failed_case = None
        for test in ("deliveries", "team"):
            for width in WIDTHS:
                supervisor = with_totp(
                    make_user(session, org, Role.SUPERVISOR, name=f"Sam {test} {width}")
                )
                supervisors[(test, width)] = (supervisor.email, supervisor.totp_secret)
        for test, count in (("caseload", 30), ("case", 1)):
            for width in WIDTHS:
                isva = with_totp(make_user(session, org, Role.ISVA, name=f"Priya {test} {width}"))
                isvas[(test, width)] = (isva.email, isva.totp_secret)
                for i in range(count):
                    victim = make_user(session, org, Role.VICTIM, name=f"Victim {width} {i}")
                    case = make_case(
                        session,
                        org,
                        victim,
                        isva,
                        reference=f"{'LD' if test == 'caseload' else 'CS'}{width}-{i:03d}",
                        opened_at=utcnow() - timedelta(days=i),
                    )
                    if i % 4 == 0:
                        messaging.send_from_victim(
                            session, case, victim, "Hello", messaging.new_idempotency_key()
                        )
                    if i % 7 == 0:
                        callbacks.request_callback(session, case, victim, CallbackReason.ASKED)
                    if test == "case" and width == WIDTHS[-1]:
                        _failed_notification(session, case, victim)
                        failed_case = case
        session.commit()
        assert failed_case is not None
        found = Staff(str(failed_case.id), isvas, supervisors)
        db.session.remove()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_isva_caseload_sorts_filters_and_pages(live_server, new_page, staff, width):
    page, log = new_page(width=width)
    sign_in(page, live_server, *staff.isvas[("caseload", width)])
    page.goto(live_server.path("/caseworker/"))
    expect(page.locator("h1")).to_have_text("Your cases")
    rows = page.locator("[data-testid=caseload] tbody tr")
    expect(rows).to_have_count(25)
    check(page, width)
    page.get_by_role("link", name="Case (sort by case reference)").click()
    expect(rows.first).to_have_attribute("data-case", f"LD{width}-000")
    page.get_by_label("Call-back requests").check()
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(5)  # cases 0, 7, 14, 21 and 28
    check(page, width)
    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_role("link", name="Next").click()
    expect(rows).to_have_count(5)
    check(page, width)
    assert log.hosts == {live_server.url.removeprefix("http://")}


@pytest.mark.parametrize("width", WIDTHS)
def test_case_sections_contact_deliveries_and_close(live_server, new_page, staff, width):
    page, _ = new_page(width=width)
    sign_in(page, live_server, *staff.isvas[("case", width)])
    page.goto(live_server.path("/caseworker/"))
    page.locator("[data-testid=caseload] tbody tr a").first.click()
    check(page, width)
    page.get_by_role("link", name="Contact and safety").click()
    expect(page.locator("h1")).to_have_text("Contact and safety")
    check(page, width)
    page.get_by_label("When is it safe to phone?").fill("Weekdays 10am to 2pm")
    page.get_by_label("No, never leave a voicemail").check()
    page.get_by_label("Safety notes (staff only)").fill("Use the withheld number only")
    page.get_by_role("button", name="Save contact and safety notes").click()
    expect(page.get_by_text("Contact and safety notes saved")).to_be_visible()
    check(page, width)
    page.get_by_role("link", name="Delivery log").click()
    check(page, width)
    page.get_by_role("link", name="Case and updates").click()
    page.get_by_role("button", name="Close the case").click()
    page.get_by_role("button", name="Close the case and tell the victim").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_failed_notification_dealt_with_from_the_delivery_log(live_server, new_page, staff, width):
    page, _ = new_page(width=width)
    sign_in(page, live_server, *staff.supervisors[("deliveries", width)])
    page.goto(live_server.path(f"/caseworker/cases/{staff.case_id}/deliveries"))
    expect(page.locator("h1")).to_have_text("Delivery log")
    expect(page.get_by_text("The mobile number is not known to the network.")).to_be_visible()
    check(page, width)
    if width == WIDTHS[-1]:  # the narrow run (first) checks the page with the button on it
        page.get_by_role("button", name="I have dealt with this").click()
        expect(page.locator("[data-testid=dealt-with]")).to_contain_text("Dealt with by Sam")
        check(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_supervisor_team_view_and_whole_team_caseload(live_server, new_page, staff, width):
    page, _ = new_page(width=width)
    sign_in(page, live_server, *staff.supervisors[("team", width)])
    page.goto(live_server.path("/caseworker/team"))
    expect(page.locator("[data-testid=team] tbody tr").first).to_be_visible()
    check(page, width)
    page.get_by_role("link", name="All team cases").click()
    expect(page.locator("h1")).to_have_text("Team cases")
    check(page, width)
