"""The ISVA's pages: compose from starter text, preview at phone width, publish, hold and
confirm, schedule, withdraw; the case page's tasks and clock; access for everyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.clock import utcnow
from portal.journey import event
from portal.models import Role, Update, UpdateStatus
from portal.services.updates import writing as updates
from tests.portal.updates.conftest import (
    draft_update,
    publish_new,
    starter_draft,
    victim_notifications,
)
from tests.support.factories import make_case, make_user


def _date(d):
    return [str(d.day), str(d.month), str(d.year)]


def compose_data(key: str, **overrides):
    ev = event(key)
    yesterday = (utcnow() - timedelta(days=1)).date()
    data = {
        "source_agency": ev.who_tells[0].value,
        "event_date": _date(yesterday),
        "learned_on": _date(yesterday),
        "learned_time": "10:30",
        "reason": "",
    }
    for section in (
        "what_happened",
        "what_it_means",
        "what_happens_next",
        "who_to_contact",
        "your_rights",
    ):
        data[section] = str(getattr(ev.starter, section))
    if ev.outcomes:
        data["outcome"] = ev.outcomes[0].key
    data.update(overrides)
    return data


def test_compose_opens_with_starter_text_and_saves_a_draft_with_preview(
    world, login_as, client_request
):
    login_as(world.isva)
    page = client_request.get("caseworker.choose_event", case_id=world.case.id)
    assert page.find("a", string="Hearing date, time and place")
    page = client_request.get(
        "caseworker.compose", case_id=world.case.id, event_key="hearing_scheduled"
    )
    starter = str(event("hearing_scheduled").starter.what_happened)
    assert page.find("textarea", attrs={"name": "what_happened"}).get_text() == starter
    client_request.post(
        "caseworker.compose",
        compose_data("hearing_scheduled"),
        case_id=world.case.id,
        event_key="hearing_scheduled",
    )
    update = world.session.scalar(select(Update).where(Update.case_id == world.case.id))
    assert update.status == UpdateStatus.DRAFT
    assert update.due_on is not None
    page = client_request.get("caseworker.show_update", case_id=world.case.id, update_id=update.id)
    frame = page.find(attrs={"data-testid": "phone-preview-en"})
    assert frame is not None
    assert "wp-phone-frame" in frame["class"]
    assert "What happens next" in frame.get_text()
    client_request.post(
        "caseworker.publish_update",
        {},
        case_id=world.case.id,
        update_id=update.id,
        _form_url=client_request.url(
            "caseworker.show_update", case_id=world.case.id, update_id=update.id
        ),
    )
    world.session.refresh(update)
    assert update.status == UpdateStatus.PUBLISHED
    assert victim_notifications(world.session, world.victim) == 2


def test_missing_section_is_a_form_error_not_a_crash(world, login_as, client_request):
    login_as(world.isva)
    page = client_request.post(
        "caseworker.compose",
        compose_data("hearing_scheduled", who_to_contact=""),
        case_id=world.case.id,
        event_key="hearing_scheduled",
        _expected_status=200,
    )
    assert "Enter who to contact" in page.find(class_="govuk-error-summary").get_text()
    assert world.session.scalar(select(Update.id)) is None


def test_publishing_a_date_change_without_a_reason_is_refused_with_a_clear_error(
    world, login_as, client_request
):
    login_as(world.isva)
    update = updates.save_draft(
        world.session, world.case, world.isva, starter_draft("trial_date_changed", reason="")
    )
    show = client_request.url("caseworker.show_update", case_id=world.case.id, update_id=update.id)
    page = client_request.post(
        "caseworker.publish_update",
        {},
        case_id=world.case.id,
        update_id=update.id,
        _form_url=show,
        _expected_status=200,
    )
    assert "reason the date changed" in page.find(class_="govuk-error-summary").get_text()
    world.session.refresh(update)
    assert update.status == UpdateStatus.DRAFT
    assert victim_notifications(world.session, world.victim) == 0


def test_held_update_is_a_task_until_support_is_confirmed(world, login_as, client_request):
    login_as(world.isva)
    update = publish_new(world, "cps_no_charge")
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    tasks = page.find(attrs={"data-testid": "update-tasks"}).get_text()
    assert "Confirm support is in place" in tasks
    page = client_request.post(
        "caseworker.confirm_support",
        {"note": ""},
        case_id=world.case.id,
        update_id=update.id,
        _expected_status=200,
    )
    assert page.find(class_="govuk-error-summary")
    client_request.post(
        "caseworker.confirm_support",
        {"note": "Spoke by phone at 14:10"},
        case_id=world.case.id,
        update_id=update.id,
    )
    world.session.refresh(update)
    assert update.status == UpdateStatus.PUBLISHED
    assert victim_notifications(world.session, world.victim) == 2


def test_withdraw_from_the_page(world, login_as, client_request):
    login_as(world.isva)
    update = publish_new(world, "hearing_scheduled")
    client_request.post(
        "caseworker.withdraw_update",
        {"reason": "Wrong case"},
        case_id=world.case.id,
        update_id=update.id,
    )
    world.session.refresh(update)
    assert update.status == UpdateStatus.WITHDRAWN


def test_schedule_refuses_quiet_hours_unless_overridden(world, login_as, client_request):
    login_as(world.isva)
    update = draft_update(world, "hearing_scheduled")
    tomorrow = (utcnow() + timedelta(days=2)).date()
    page = client_request.post(
        "caseworker.schedule_update",
        {"day": _date(tomorrow), "at": "22:30"},
        case_id=world.case.id,
        update_id=update.id,
        _expected_status=200,
    )
    assert (
        "hours the victim asked not to be contacted"
        in page.find(class_="govuk-error-summary").get_text()
    )
    client_request.post(
        "caseworker.schedule_update",
        {"day": _date(tomorrow), "at": "22:30", "override_quiet_hours": "y"},
        case_id=world.case.id,
        update_id=update.id,
    )
    world.session.refresh(update)
    assert update.status == UpdateStatus.SCHEDULED


def test_checkin_task_after_the_cadence_links_to_a_no_change_update(
    world, login_as, client_request
):
    login_as(world.isva)
    publish_new(world, "hearing_scheduled")
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    assert page.find(attrs={"data-testid": "update-tasks"}) is None
    with time_machine.travel(utcnow() + timedelta(weeks=4, hours=1), tick=False):
        login_as(world.isva)
        page = client_request.get("caseworker.case_page", case_id=world.case.id)
        link = page.find("a", string="Write a no-change update")
        assert link["href"].endswith("/updates/new/investigation_update")


def test_clock_on_the_case_page(world, login_as, client_request):
    login_as(world.isva)
    publish_new(world, "hearing_scheduled", learned_at=utcnow() - timedelta(days=10))
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    clock = page.find(attrs={"data-testid": "code-clock"}).get_text()
    assert "Late by" in clock


@pytest.mark.parametrize("who", ["other_isva", "admin", "victim"])
def test_others_get_404(world, login_as, client_request, who):
    update = draft_update(world, "hearing_scheduled")
    role = {"other_isva": Role.ISVA, "admin": Role.ADMIN, "victim": Role.VICTIM}[who]
    other = make_user(world.session, world.org, role)
    login_as(other)
    client_request.get(
        "caseworker.compose", case_id=world.case.id, event_key="charged", _expected_status=404
    )
    client_request.get(
        "caseworker.show_update", case_id=world.case.id, update_id=update.id, _expected_status=404
    )


def test_an_update_of_another_case_is_404(world, login_as, client_request):
    other_case = make_case(
        world.session, world.org, make_user(world.session, world.org), world.isva
    )
    update = draft_update(world, "hearing_scheduled")
    login_as(world.isva)
    client_request.get(
        "caseworker.show_update", case_id=other_case.id, update_id=update.id, _expected_status=404
    )
