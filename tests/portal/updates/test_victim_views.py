"""The victim's pages: every event reads as five sections, staged disclosure records every
choice and marks read only on reading, windows count down, and nobody else gets in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.clock import utcnow
from portal.journey import EVENTS, SECTIONS
from portal.models import (
    CallbackReason,
    CallbackRequest,
    Disclosure,
    DisclosureChoice,
    Role,
    UpdateStatus,
)
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.portal.updates.conftest import publish_new
from tests.support.factories import make_case, make_user


def _confirm_if_held(world, update):
    if update.status == UpdateStatus.HELD_ISVA_FIRST:
        updates.confirm_support(world.session, world.case, world.isva, update, "Spoke at 10:00")
    return update


@pytest.mark.parametrize("key", [e.key for e in EVENTS])
def test_every_catalogue_event_renders_the_five_sections(world, login_as, client_request, key):
    update = _confirm_if_held(world, publish_new(world, key))
    update.read_at = update.published_at  # past the content note, if any
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    headings = [h.get_text(strip=True) for h in page.select("article h2")]
    for _, label in SECTIONS:
        assert str(label) in headings
    text = page.find("article").get_text()
    for body in update.sections.values():
        assert " ".join(body.split())[:40] in " ".join(text.split())


def test_glossary_terms_and_info_pages_are_linked(world, login_as, client_request):
    update = publish_new(world, "hearing_scheduled")
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    hrefs = [a["href"] for a in page.select("article a")]
    assert any(h.startswith("/information/glossary#term-") for h in hrefs)
    assert "/information/going-to-court" in hrefs


def test_staged_disclosure_records_choices_and_marks_read_only_on_reading(
    world, login_as, client_request
):
    update = publish_new(world, "charged")
    login_as(world.victim)
    url = client_request.url("victim.update_page", case_id=world.case.id, update_id=update.id)
    page = client_request.get(url)
    note = page.find(attrs={"data-testid": "content-note"}).get_text()
    assert "This update is about a decision in your case." in note
    assert "A decision about charges" not in page.get_text()  # the title waits too
    assert "somewhere private or with someone you trust" in note
    assert page.find("article") is None  # the words are not on the page yet

    client_request.post(url, {"choice": "not_now"})
    assert client_request.response.location.endswith(f"/cases/{world.case.id}/dashboard")
    world.session.refresh(update)
    assert update.read_at is None

    client_request.post(url, {"choice": "isva_first"})
    ask = client_request.response.location
    assert ask.endswith("/ask-isva-first")
    client_request.post(ask, {"safe_times": "Weekdays after 10", "voicemail_ok": "no"})
    callback = world.session.scalar(
        select(CallbackRequest).where(CallbackRequest.related_id == update.id)
    )
    assert callback.reason == CallbackReason.BEFORE_UPDATE
    assert callback.safe_times == "Weekdays after 10"
    assert callback.voicemail_ok is False
    world.session.refresh(update)
    assert update.read_at is None

    client_request.post(url, {"choice": "read_now"})
    world.session.refresh(update)
    assert update.read_at is not None
    page = client_request.get(url)
    assert page.find("article") is not None
    choices = world.session.scalars(
        select(DisclosureChoice.choice)
        .where(DisclosureChoice.update_id == update.id)
        .order_by(DisclosureChoice.at)
    ).all()
    assert choices == [Disclosure.NOT_NOW, Disclosure.ISVA_FIRST, Disclosure.READ_NOW]


def test_no_choice_is_an_error_not_a_crash(world, login_as, client_request):
    update = publish_new(world, "charged")
    login_as(world.victim)
    page = client_request.post(
        "victim.update_page", {}, case_id=world.case.id, update_id=update.id, _expected_status=200
    )
    assert "Choose what you would like to do" in page.find(class_="govuk-error-summary").get_text()


def test_plain_update_is_marked_read_when_viewed(world, login_as, client_request):
    update = publish_new(world, "hearing_scheduled")
    login_as(world.victim)
    client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    world.session.refresh(update)
    assert update.read_at is not None


def test_held_update_is_invisible_to_the_victim(world, login_as, client_request):
    update = publish_new(world, "police_nfa")
    login_as(world.victim)
    client_request.get(
        "victim.update_page", case_id=world.case.id, update_id=update.id, _expected_status=404
    )
    page = client_request.get("victim.timeline", case_id=world.case.id)
    assert page.find(attrs={"data-testid": "timeline"}) is None


def test_changed_and_withdrawn_updates_are_told_plainly(world, login_as, client_request):
    from tests.portal.updates.conftest import starter_draft

    changed = publish_new(world, "hearing_scheduled")
    draft = starter_draft("hearing_scheduled")
    draft.sections["what_happened"] = "The hearing is now at 2pm."
    updates.edit_published(world.session, world.case, world.isva, changed, draft)
    gone = publish_new(world, "file_to_cps")
    updates.withdraw(world.session, world.case, world.isva, gone, "Sent in error")
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=changed.id)
    assert "This update was changed on" in page.get_text()
    assert "The hearing is now at 2pm." in page.get_text()
    timeline = page = client_request.get("victim.timeline", case_id=world.case.id)
    text = " ".join(timeline.get_text().split())
    assert "was withdrawn by your ISVA: Sent in error" in text


def test_sentence_window_counts_down_on_dashboard_and_update(world, login_as, client_request):
    today = london_today()
    update = publish_new(world, "sentence", event_date=today)
    update.read_at = update.published_at
    closes = today + timedelta(days=28)
    login_as(world.victim)
    page = client_request.get("victim.dashboard", case_id=world.case.id)
    text = " ".join(page.get_text().split())
    assert "28 days left." in text
    assert f"It closes on {closes:%A} {closes.day} {closes:%B %Y}." in text
    ask = page.find("a", string="Ask my ISVA about this")
    assert ask is not None
    with time_machine.travel(utcnow() + timedelta(days=27), tick=False):
        login_as(world.victim)
        page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
        assert "1 day left." in " ".join(page.get_text().split())
    with time_machine.travel(utcnow() + timedelta(days=29, hours=1), tick=False):
        login_as(world.victim)
        page = client_request.get("victim.dashboard", case_id=world.case.id)
        assert "days left" not in page.get_text()
        assert "Today is the last day" not in page.get_text()
    login_as(world.victim)
    client_request.post(ask["href"], {"safe_times": "Evenings", "voicemail_ok": "yes"})
    callback = world.session.scalar(
        select(CallbackRequest).where(CallbackRequest.reason == CallbackReason.WINDOW)
    )
    assert callback.voicemail_ok is True


def test_dashboard_shows_stage_next_date_new_updates_and_never_the_offence(
    world, login_as, client_request
):
    publish_new(world, "charged")
    hearing = publish_new(world, "hearing_scheduled", event_date=date(2099, 5, 4))
    login_as(world.victim)
    page = client_request.get("victim.home")
    items = [" ".join(li.get_text().split()) for li in page.select("ol.wp-stages li")]
    assert items[0] == "Reported (completed)"
    assert items[3].startswith("Court")
    assert "(current stage)" in items[3]
    assert items[4] == "Outcome (not started)"
    assert page.select_one("li[aria-current=step]") is not None
    assert "Monday 4 May 2099" in page.find(attrs={"data-testid": "next-date"}).get_text()
    new = page.find(attrs={"data-testid": "new-updates"}).get_text()
    assert "There is a new update. Read it when you are ready." in new
    assert "A decision about charges" not in new  # not until the victim chooses to read it
    assert page.select_one("main a.govuk-button")["href"].endswith(
        f"/my-case/cases/{world.case.id}/messages"
    )
    choices = page.find("a", string="Choose how you hear about each kind of update")
    assert choices["href"] == "/my-case/preferences/what-we-tell-you"
    for word in ("rape", "sexual", "assault", "offence"):
        assert word not in page.find("main").get_text().lower()
    assert hearing.id  # the dashboard linked it
    assert page.find("a", href=f"/my-case/cases/{world.case.id}/updates/{hearing.id}")


@pytest.mark.parametrize("who", ["other_victim", "unassigned_isva", "admin"])
def test_victim_pages_are_404_for_everyone_else(world, login_as, client_request, who):
    update = publish_new(world, "hearing_scheduled")
    if who == "other_victim":
        other = make_user(world.session, world.org, Role.VICTIM)
        make_case(world.session, world.org, other)
    elif who == "unassigned_isva":
        other = make_user(world.session, world.org, Role.ISVA)
    else:
        other = make_user(world.session, world.org, Role.ADMIN)
    login_as(other)
    for endpoint, values in (
        ("victim.dashboard", {}),
        ("victim.timeline", {}),
        ("victim.update_page", {"update_id": update.id}),
        ("victim.ask_isva_first", {"update_id": update.id}),
    ):
        client_request.get(endpoint, case_id=world.case.id, _expected_status=404, **values)
