"""A victim rings their ISVA: "my partner saw a text, stop texts now". In a real browser the
ISVA turns texts off on the case's notifications page (1280 px, axe; a missing reason is an
error and changes nothing), and the victim then sees the change and the reason on their own
preferences page (320 px, axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role
from tests.e2e.browser import check, sign_in
from tests.portal.updates.conftest import add_points
from tests.support.factories import make_case, make_org, make_user, with_totp

REASON = "Ruth rang: her partner saw a text. No more texts."


@pytest.fixture(scope="module")
def people(live_server) -> dict[str, str]:
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        isva = with_totp(make_user(session, org, Role.ISVA, name="Priya Shah"))
        victim = make_user(session, org, Role.VICTIM, name="Ruth")
        victim.safety_info_seen_at = utcnow()
        add_points(session, victim)
        case = make_case(session, org, victim, isva)
        found = {
            "isva": isva.email,
            "totp": isva.totp_secret,
            "victim": victim.email,
            "case": str(case.id),
        }
        session.commit()
        db.session.remove()
    return found


def test_isva_turns_texts_off_and_the_victim_sees_why(live_server, new_page, people):
    page, log = new_page(width=1280)
    sign_in(page, live_server, people["isva"], people["totp"])
    page.goto(live_server.path(f"/caseworker/cases/{people['case']}/notifications"))
    expect(page.get_by_test_id("only-the-victim")).to_contain_text("Only Ruth can turn")
    check(page, 1280)

    page.get_by_role("button", name="Change on their behalf").click()
    page.get_by_label("Text messages").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are making this change"
    )
    check(page, 1280)

    page.get_by_label("Text messages").check()
    page.get_by_label("Why are you making this change?").fill(REASON)
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/notifications")
    expect(page.locator("[data-channel=sms]")).to_contain_text("Off")
    expect(page.get_by_test_id("consent-log")).to_contain_text(REASON)
    check(page, 1280)
    assert log.hosts == {live_server.url.removeprefix("http://")}

    phone, phone_log = new_page(width=320)
    sign_in(phone, live_server, people["victim"])
    phone.goto(live_server.path("/my-case/preferences"))
    changed = phone.get_by_test_id("changed-by-isva")
    expect(changed).to_contain_text("your ISVA Priya changed")
    expect(changed).to_contain_text("Text messages turned off")
    expect(changed).to_contain_text(REASON)
    expect(phone.get_by_role("button", name="Turn on text messages")).to_be_visible()
    check(phone, 320)
    assert phone_log.hosts == {live_server.url.removeprefix("http://")}
