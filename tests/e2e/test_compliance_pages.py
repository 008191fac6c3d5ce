"""The supervisor's compliance report and the admin's partner pages in a real browser, signed
in through the real forms (with TOTP), at 320 and 1280 px with axe."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role, Update, UpdateStatus, User
from portal.models.message import Message, MessageDirection
from portal.services.caseload import compliance
from portal.services.partners import systems as partners
from portal.services.updates import deadlines
from tests.e2e.browser import check, sign_in
from tests.e2e.conftest import WIDTHS
from tests.support.factories import make_case, make_org, make_user, with_totp


@dataclass
class Staff:
    supervisors: dict[int, tuple[str, str]]
    admins: dict[int, tuple[str, str]]
    partner_id: str


def _with_totp(user: User) -> tuple[str, str]:
    with_totp(user)
    return user.email, user.totp_secret


@pytest.fixture(scope="module")
def staff(live_server) -> Staff:
    """A service with last month's updates and messages, and a police partner with a key."""
    with live_server.app.app_context(), live_server.app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA, name="Priya Shah")
        case = make_case(
            session, org, make_user(session, org), isva, opened_at=utcnow() - timedelta(days=90)
        )
        supervisors = {w: _with_totp(make_user(session, org, Role.SUPERVISOR)) for w in WIDTHS}
        admin_users = {w: make_user(session, org, Role.ADMIN) for w in WIDTHS}
        admins = {w: _with_totp(u) for w, u in admin_users.items()}
        month = compliance.last_full_month()
        learned = datetime.combine(month.start + timedelta(days=2), time(10), tzinfo=UTC)
        for published in (learned + timedelta(hours=3), learned + timedelta(days=6), None):
            update = Update(
                case_id=case.id,
                author_id=isva.id,
                event_key="suspect_arrested",
                source_agency="police",
                event_date=learned.date(),
                learned_at=learned,
                status=UpdateStatus.PUBLISHED if published else UpdateStatus.DRAFT,
                published_at=published,
                due_on=deadlines.due_by("suspect_arrested", learned).day,
            )
            update.sections = {"what_happened": "x"}
            session.add(update)
        for seq, (direction, at) in enumerate(
            [
                (MessageDirection.TO_SERVICE, learned - timedelta(days=30)),
                (MessageDirection.TO_VICTIM, learned - timedelta(days=30, hours=-1)),
                (MessageDirection.TO_SERVICE, learned),
                (MessageDirection.TO_VICTIM, learned + timedelta(hours=2)),
            ],
            start=1,
        ):
            session.add(
                Message(
                    case_id=case.id,
                    seq=seq,
                    author_id=isva.id
                    if direction == MessageDirection.TO_VICTIM
                    else case.victim_id,
                    direction=direction,
                    body="hello",
                    idempotency_key=uuid.uuid4().hex,
                    created_at=at,
                )
            )
        partner = partners.create_partner(session, admin_users[1280], "Northshire Police", "police")
        partners.issue_key(session, admin_users[1280], partner)
        partners.link_case(session, admin_users[1280], partner, case.reference, "NP/1/26")
        session.commit()
        found = Staff(supervisors, admins, str(partner.id))
        db.session.remove()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_compliance_report_pages(live_server, new_page, staff, width):
    page, _log = new_page(width=width)
    sign_in(page, live_server, *staff.supervisors[width])

    page.goto(live_server.path("/caseworker/compliance"))
    expect(page.get_by_role("heading", name="Compliance report")).to_be_visible()
    expect(page.locator("table")).to_have_count(2)
    check(page, width)

    # Two months: reply times by month too.
    month = compliance.last_full_month()
    before = (month.start - timedelta(days=1)).replace(day=1)
    parts = [("start", before), ("end", month.end)]
    query = urlencode([(name, n) for name, day in parts for n in (day.day, day.month, day.year)])
    page.goto(live_server.path(f"/caseworker/compliance?{query}"))
    expect(page.locator("table")).to_have_count(3)
    check(page, width)

    page.fill("#end-day", "31")
    page.fill("#end-month", "2")
    page.get_by_role("button", name="Show report").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_partner_pages(live_server, new_page, staff, width):
    page, _log = new_page(width=width)
    sign_in(page, live_server, *staff.admins[width])

    page.goto(live_server.path("/caseworker/partners"))
    expect(page.get_by_role("link", name="Northshire Police")).to_be_visible()
    check(page, width)

    page.get_by_role("link", name="Northshire Police").click()
    expect(page.get_by_role("heading", name="Northshire Police")).to_be_visible()
    check(page, width)

    page.get_by_role("button", name="Issue a new key").click()
    key = page.locator("#new-key").inner_text()
    assert key.startswith("wp_")
    check(page, width)

    page.goto(live_server.path("/caseworker/partners/new"))
    page.get_by_role("button", name="Add partner").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, width)
