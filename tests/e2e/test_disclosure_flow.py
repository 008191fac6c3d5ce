"""Nothing of a sensitive update before the victim chooses, in a real browser at 375 px: a
police "no further action" update (ISVA first, support confirmed) and a message from the ISVA.
Before reading, the victim's home shows the unread message and a neutral new update, and none
of the outcome's words: not the decision, the stage it moves the case to, nor the Right to
Review window. After "read it now", all of them. Axe on every page on the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role
from portal.services.messaging import messages as messaging
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.e2e.browser import check, sign_in
from tests.portal.updates.conftest import starter_draft
from tests.support.factories import make_case, make_org, make_user

WIDTH = 375
# The outcome's words: the decision, its heading, the stage, the window it opens.
OUTCOME_WORDS = (
    "no further action",
    "A decision about your case",
    "Victims' Right to Review",
    "looked at again",
    "days left",
)


@dataclass
class Setting:
    case_id: str
    victim_email: str


@pytest.fixture(scope="module")
def setting(live_server) -> Setting:
    with live_server.app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA, name="Sam Green")
        victim = make_user(session, org, Role.VICTIM, name="Ruth")
        victim.safety_info_seen_at = utcnow()
        case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=30))
        nfa = updates.save_draft(
            session, case, isva, starter_draft("police_nfa", event_date=london_today())
        )
        updates.publish(session, case, isva, nfa)
        updates.confirm_support(session, case, isva, nfa, "Spoke by phone at 14:10")
        messaging.reply(
            session, case, isva, "I am here if you need me.", messaging.new_idempotency_key()
        )
        session.commit()
        found = Setting(str(case.id), victim.email)
        db.session.remove()
    return found


def main_text(page: Page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def current_stage(page: Page) -> str:
    return page.locator("ol.wp-stages li[aria-current=step]").inner_text()


def test_home_shows_nothing_of_the_decision_until_the_victim_reads_it(
    live_server, new_page, setting
):
    page, log = new_page(width=WIDTH)
    sign_in(page, live_server, setting.victim_email)
    page.goto(live_server.path("/my-case/"))
    check(page, WIDTH)
    text = main_text(page)
    for words in OUTCOME_WORDS:
        assert words not in text, words
    assert "Decision" not in current_stage(page)
    expect(page.get_by_test_id("new-messages")).to_contain_text("1 unread message from your ISVA")
    assert "You have read all your" not in text

    page.get_by_role("link", name="There is a new update. Read it when you are ready.").click()
    expect(page.get_by_test_id("content-note")).to_contain_text(
        "This update is about a decision in your case."
    )
    check(page, WIDTH)
    for words in OUTCOME_WORDS:
        assert words not in main_text(page), words

    page.get_by_label("Read it now").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("A decision about your case")
    expect(page.locator("main")).to_contain_text("no further action")
    check(page, WIDTH)

    page.goto(live_server.path("/my-case/"))
    check(page, WIDTH)
    text = main_text(page)
    for words in ("Victims' Right to Review", "looked at again", "days left"):
        assert words in text, words
    assert "Decision" in current_stage(page)
    assert log.hosts == {live_server.url.removeprefix("http://")}
