"""Welsh in a real browser, with the Welsh catalogue compiled afresh (WELSH_CATALOGUE may name
a scratch copy, see docs/welsh.md): every victim page at 320 px is lang="cy", axe-clean and
fits; and the journey (an ISVA publishes a sensitive update with its Welsh text, the victim
meets the content note, reads it, and sends a message) works in Welsh with axe on every page.

Elements are found by their names and values in the HTML, never by English words."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role, Update
from portal.services.updates.deadlines import london_today
from tests.e2e.browser import check, sign_in
from tests.support.factories import make_case, make_org, make_user, with_totp
from tests.welsh.catalogue import Untranslated, compile_catalogue, load_catalogue
from tests.welsh.seed import WelshCase, seed
from tests.welsh.test_pages import victim_pages, visible_texts

WIDTH = 320
UNTRANSLATED = Untranslated.of(load_catalogue())


@pytest.fixture(scope="module")
def live_server_overrides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = compile_catalogue(load_catalogue(), Path(tmp_path_factory.mktemp("cy")))
    return {"BABEL_TRANSLATION_DIRECTORIES": str(directory)}


@dataclass
class Journey:
    case_id: str
    victim_email: str
    isva_email: str
    isva_totp: str


@pytest.fixture(scope="module")
def seeded(live_server) -> tuple[WelshCase, Journey]:
    with live_server.app.test_request_context():
        session = db.session()
        walk = seed(session)
        org = make_org(session, name="Gwasanaeth Cefnogi")
        isva = with_totp(make_user(session, org, Role.ISVA, name="Alex Jones"))
        victim = make_user(session, org, Role.VICTIM, name="Megan")
        victim.safety_info_seen_at = utcnow()
        victim.language = "cy"
        case = make_case(session, org, victim, isva)
        journey = Journey(str(case.id), str(victim.email), str(isva.email), str(isva.totp_secret))
        session.commit()
        db.session.remove()
    return walk, journey


def welsh_check(page: Page) -> None:
    """lang="cy", no catalogue string left in English (as the page is once its scripts have
    run), Exit this page, axe clean and nothing wider than 320 px."""
    assert page.locator("html").get_attribute("lang") == "cy", page.url
    page.wait_for_load_state("networkidle")
    english = UNTRANSLATED.find(visible_texts(page.content(), "cy")[0])
    assert not english, f"{page.url}: no Welsh for {sorted(english)}"
    # From the top, as the messaging tests do: Exit this page is sticky, and would cover
    # whatever it is scrolled over (a page that opens at #latest).
    page.evaluate("window.scrollTo(0, 0)")
    check(page, WIDTH)


def test_every_victim_page_in_welsh_at_320px_is_accessible(live_server, new_page, seeded):
    walk, _ = seeded
    page, _log = new_page(width=WIDTH)
    sign_in(page, live_server, walk.victim_email)
    pages = victim_pages(live_server.app, walk)
    urls = [
        u
        for e, us in pages.items()
        for u in (us if e in ("info.page", "victim.update_page") else us[:1])
    ]
    checked = 0
    for url in urls:
        if "download." in url:
            continue  # an attachment, not a page
        response = page.goto(live_server.path(url))
        assert response is not None
        if response.status != 200 or page.url.rstrip("/") != live_server.path(url).rstrip("/"):
            continue  # redirected (e.g. no code to confirm for a number already confirmed)
        welsh_check(page)
        checked += 1
    assert checked >= len(pages) - 2


def _submit(page: Page, form_selector: str = "main form") -> None:
    page.locator(f"{form_selector} [type=submit]").last.click()


def test_the_journey_in_welsh_publish_content_note_read_and_message(live_server, new_page, seeded):
    _, journey = seeded
    staff, _ = new_page(width=1280)
    sign_in(staff, live_server, journey.isva_email, journey.isva_totp)
    staff.goto(live_server.path(f"/caseworker/cases/{journey.case_id}/updates/new/charged"))
    expect(staff.get_by_test_id("victim-reads-welsh")).to_be_visible()
    today = london_today()
    for name in ("event_date", "learned_on"):
        staff.fill(f"#{name}-day", str(today.day))
        staff.fill(f"#{name}-month", str(today.month))
        staff.fill(f"#{name}-year", str(today.year))
    # Midnight: the earliest time today, so "learned" is in the past whenever the suite runs.
    staff.fill("#learned_time", "00:00")
    welsh = {
        "what_happened": "Mae'r un a amheuir wedi ei gyhuddo o ddau drosedd.",
        "what_it_means": "Bydd yr achos yn mynd i'r llys.",
        "what_happens_next": "Bydd gwrandawiad cyntaf yn y llys ynadon.",
        "who_to_contact": "Anfonwch neges at eich cynghorydd.",
        "your_rights": "Mae gennych chi hawl i gael gwybod am bob penderfyniad.",
    }
    for key, text in welsh.items():
        staff.fill(f"#cy_{key}", text)
    _submit(staff)
    staff.wait_for_url(f"**/caseworker/cases/{journey.case_id}/updates/*")
    expect(staff.get_by_test_id("phone-preview-cy")).to_contain_text(welsh["what_happened"])
    staff.locator("#publish form [type=submit]").click()
    expect(staff.locator(".govuk-notification-banner")).to_be_visible()
    with live_server.app.app_context():
        update_id = db.session.scalar(
            select(Update.id).where(Update.case_id == uuid.UUID(journey.case_id))
        )
        db.session.remove()

    victim, log = new_page(width=WIDTH)
    sign_in(victim, live_server, journey.victim_email)
    victim.goto(live_server.path("/my-case/"))
    welsh_check(victim)
    victim.locator(f"a[href$='/updates/{update_id}']").first.click()
    expect(victim.get_by_test_id("content-note")).to_be_visible()
    expect(victim.get_by_text(welsh["what_happened"])).to_have_count(0)
    welsh_check(victim)
    victim.locator("input[name=choice][value=read_now]").check()
    _submit(victim)
    text = victim.locator("p.wp-update__text[lang=cy]").first
    expect(text).to_have_text(welsh["what_happened"])
    expect(victim.get_by_test_id("english-note")).to_have_count(0)
    welsh_check(victim)

    victim.goto(live_server.path(f"/my-case/cases/{journey.case_id}/messages"))
    welsh_check(victim)
    victim.fill("textarea[name=body]", "Diolch, hoffwn siarad yfory.")
    _submit(victim, f"form[action$='/cases/{journey.case_id}/messages']")
    expect(victim.get_by_text("Diolch, hoffwn siarad yfory.")).to_be_visible()
    welsh_check(victim)
    assert log.hosts == {live_server.url.removeprefix("http://")}
