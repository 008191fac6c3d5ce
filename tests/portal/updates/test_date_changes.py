"""A date the victim plans around never moves without a reason: a new update or an edit that
changes it is refused without one, and the victim's page shows the date and "was ..."."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.clock import utcnow
from portal.models import Update, UpdateStatus
from portal.services.updates import writing as updates
from tests.portal.updates.conftest import draft_update, publish_new, starter_draft
from tests.portal.updates.test_caseworker_views import _date, compose_data

FIRST = date(2027, 3, 1)
SECOND = date(2027, 4, 12)


def _victim_text(world, login_as, client_request, update: Update) -> str:
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    return " ".join(page.find("article").get_text().split())


def test_a_new_hearing_date_needs_a_reason_and_the_victim_sees_both_dates(
    world, login_as, client_request
):
    publish_new(world, "hearing_scheduled", event_date=FIRST)
    with pytest.raises(updates.UpdateError) as refused:
        draft_update(world, "hearing_scheduled", event_date=SECOND)
    assert "reason the date changed" in refused.value.errors["reason"]

    moved = publish_new(
        world, "hearing_scheduled", event_date=SECOND, reason="The court had no judge free"
    )
    assert moved.previous_event_date == FIRST
    text = _victim_text(world, login_as, client_request, moved)
    assert "Hearing date: Monday 12 April 2027 (was Monday 1 March 2027)" in text
    assert "Why this changed The court had no judge free" in text


def test_the_same_date_again_needs_no_reason_and_shows_no_earlier_date(
    world, login_as, client_request
):
    publish_new(world, "hearing_scheduled", event_date=FIRST)
    again = publish_new(world, "hearing_scheduled", event_date=FIRST)
    assert again.previous_event_date is None
    text = _victim_text(world, login_as, client_request, again)
    assert "Hearing date: Monday 1 March 2027" in text
    assert "was" not in text.split("Hearing date:")[1][:40]


def test_trial_date_changed_compares_with_the_trial_date_set(world):
    publish_new(world, "trial_date_set", event_date=FIRST)
    moved = publish_new(world, "trial_date_changed", event_date=SECOND, reason="Court list")
    assert moved.previous_event_date == FIRST


def test_a_draft_saved_before_the_earlier_date_was_published_is_checked_at_publish(world):
    waiting = draft_update(world, "hearing_scheduled", event_date=SECOND)
    publish_new(world, "hearing_scheduled", event_date=FIRST)
    with pytest.raises(updates.UpdateError) as refused:
        updates.publish(world.session, world.case, world.isva, waiting)
    assert "reason" in refused.value.errors
    assert waiting.status == UpdateStatus.DRAFT


@pytest.mark.parametrize("key", ["suspect_bailed", "sentence"])
def test_other_dated_events_follow_the_same_rule(world, key):
    first = publish_new(world, key, event_date=FIRST)
    if first.status == UpdateStatus.HELD_ISVA_FIRST:
        updates.confirm_support(world.session, world.case, world.isva, first, "Spoke at 10:00")
    with pytest.raises(updates.UpdateError):
        draft_update(world, key, event_date=SECOND)


def test_editing_a_published_date_needs_a_new_reason(world, login_as, client_request):
    update = publish_new(world, "trial_date_changed", event_date=FIRST, reason="Court list")
    draft = starter_draft("trial_date_changed", event_date=SECOND, reason="Court list")
    with pytest.raises(updates.UpdateError) as refused:
        updates.edit_published(world.session, world.case, world.isva, update, draft)
    assert "the date changed this time" in refused.value.errors["reason"]

    draft.reason = "The defence barrister is ill"
    updates.edit_published(world.session, world.case, world.isva, update, draft)
    assert (update.event_date, update.previous_event_date) == (SECOND, FIRST)
    text = _victim_text(world, login_as, client_request, update)
    assert "Trial date: Monday 12 April 2027 (was Monday 1 March 2027)" in text
    assert "The defence barrister is ill" in text


def test_the_compose_form_refuses_a_moved_date_without_a_reason(world, login_as, client_request):
    publish_new(world, "hearing_scheduled", event_date=FIRST)
    login_as(world.isva)
    page = client_request.get(
        "caseworker.compose", case_id=world.case.id, event_key="hearing_scheduled"
    )
    assert "The victim was last told 1 March 2027" in page.get_text()
    page = client_request.post(
        "caseworker.compose",
        compose_data("hearing_scheduled", event_date=_date(SECOND)),
        _expected_status=200,
        case_id=world.case.id,
        event_key="hearing_scheduled",
    )
    summary = page.find(class_="govuk-error-summary")
    assert summary is not None
    assert "Enter the reason the date changed" in summary.get_text()
    assert page.find("a", href="#reason") is not None
    count = world.session.scalar(
        select(Update).where(Update.case_id == world.case.id, Update.status == "draft")
    )
    assert count is None


def test_editing_a_published_update_in_the_form_needs_a_new_reason(world, login_as, client_request):
    update = publish_new(world, "hearing_scheduled", event_date=FIRST)
    login_as(world.isva)
    page = client_request.post(
        "caseworker.edit_update",
        compose_data("hearing_scheduled", event_date=_date(SECOND)),
        _expected_status=200,
        case_id=world.case.id,
        update_id=update.id,
    )
    assert "Enter the reason the date changed" in page.find(class_="govuk-error-summary").get_text()
    assert update.event_date == FIRST


def test_save_asks_for_when_the_agency_learned_of_it(world, login_as, client_request):
    login_as(world.isva)
    page = client_request.post(
        "caseworker.compose",
        compose_data("hearing_scheduled", learned_on=["", "", ""], learned_time=""),
        _expected_status=200,
        case_id=world.case.id,
        event_key="hearing_scheduled",
    )
    summary = page.find(class_="govuk-error-summary").get_text()
    assert "Enter the date the agency learned of this" in summary
    # An event with no Victims' Code deadline saves without it.
    client_request.post(
        "caseworker.compose",
        compose_data("investigation_update", learned_on=["", "", ""], learned_time=""),
        case_id=world.case.id,
        event_key="investigation_update",
    )
    saved = world.session.scalar(select(Update).where(Update.case_id == world.case.id))
    assert saved.event_key == "investigation_update"
    assert saved.learned_at is None
    assert utcnow() - timedelta(days=1) < saved.created_at
