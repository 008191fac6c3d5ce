""" "No change yet" check-ins: one click from the case page, or automatic where the organisation
allows it; once per due check-in; the victim sees the cadence and changes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import utcnow
from portal.journey import event
from portal.models import Update, UpdateStatus
from portal.services.updates import checkins
from portal.services.updates import queries as update_queries
from tests.portal.updates.conftest import publish_new, set_choice, victim_notifications


def _overdue(world, weeks: int = 5) -> None:
    world.case.opened_at = utcnow() - timedelta(weeks=weeks)
    world.session.flush()


def _published(world) -> list[Update]:
    return list(
        world.session.scalars(
            select(Update).where(
                Update.case_id == world.case.id, Update.status == UpdateStatus.PUBLISHED
            )
        )
    )


def test_one_click_sends_the_starter_text_once(world, login_as, client_request):
    _overdue(world)
    login_as(world.isva)
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    assert page.find(attrs={"data-testid": "send-checkin"})
    client_request.post(
        "caseworker.send_checkin",
        case_id=world.case.id,
        _form_url=client_request.url("caseworker.case_page", case_id=world.case.id),
    )
    [sent] = _published(world)
    starter = event("investigation_update").starter
    assert sent.sections["what_happened"] == str(starter.what_happened)
    assert sent.source_agency == "isva"
    assert victim_notifications(world.session, world.victim) == 2
    # No longer due: the task has gone, and a second click sends nothing more.
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    assert not page.find(attrs={"data-testid": "send-checkin"})
    client_request.post(
        "caseworker.send_checkin",
        case_id=world.case.id,
        _form_url=client_request.url("caseworker.case_page", case_id=world.case.id),
    )
    assert len(_published(world)) == 1


def test_a_double_click_on_the_same_due_check_in_sends_one(world):
    _overdue(world)
    assert checkins.send(world.session, world.case, world.isva) is not None
    # The same due moment (as a second tab would see it before the first published).
    world.session.execute(
        Update.__table__.update().values(published_at=None, status=UpdateStatus.DRAFT)
    )
    assert checkins.send(world.session, world.case, world.isva) is None


def test_not_due_is_refused(world):
    publish_new(world, "support_referral")
    with pytest.raises(checkins.CheckInError):
        checkins.send(world.session, world.case, world.isva)


def test_automatic_only_where_the_organisation_allows(world):
    _overdue(world)
    assert checkins.sweep(world.session) == 0
    assert _published(world) == []
    world.org.auto_checkins = True
    assert checkins.sweep(world.session) == 1
    assert [u.event_key for u in _published(world)] == ["investigation_update"]
    assert victim_notifications(world.session, world.victim) == 2
    assert checkins.sweep(world.session) == 0  # the cadence starts again


def test_automatic_follows_the_cadence(world):
    world.org.auto_checkins = True
    _overdue(world, weeks=3)
    assert checkins.sweep(world.session) == 0
    checkins.set_by_victim(world.session, world.case, world.victim, 2)
    assert checkins.sweep(world.session) == 1


def test_the_victims_isva_first_choice_holds_an_automatic_check_in(world):
    world.org.auto_checkins = True
    _overdue(world)
    set_choice(world.session, world.victim, "investigation", "isva_first")
    assert checkins.sweep(world.session) == 1
    assert _published(world) == []
    assert victim_notifications(world.session, world.victim) == 0
    assert checkins.sweep(world.session) == 0  # held, not sent again


def test_the_victim_sees_and_changes_the_cadence(world, login_as, client_request):
    login_as(world.victim)
    page = client_request.get("victim.reminders_page", case_id=world.case.id)
    assert "every 4 weeks" in page.find(attrs={"data-testid": "cadence"}).get_text()
    client_request.post(
        "victim.checkin_cadence",
        {"weeks": "2"},
        case_id=world.case.id,
        _form_url=client_request.url("victim.reminders_page", case_id=world.case.id),
    )
    assert update_queries.cadence_weeks(world.session, world.case) == 2
    page = client_request.get("victim.reminders_page", case_id=world.case.id)
    assert "every 2 weeks" in page.find(attrs={"data-testid": "cadence"}).get_text()
    page = client_request.post(
        "victim.checkin_cadence",
        {"weeks": "5"},
        case_id=world.case.id,
        _form_url=client_request.url("victim.reminders_page", case_id=world.case.id),
        _expected_status=200,
    )
    assert page.find(class_="govuk-error-summary")
    assert update_queries.cadence_weeks(world.session, world.case) == 2


def test_organisation_admin_turns_automatic_check_ins_on(world, login_as, client_request):
    from portal.models import Role
    from tests.support.factories import make_user

    admin = make_user(world.session, world.org, Role.ADMIN)
    login_as(admin)
    page = client_request.get("caseworker.organisation_settings")
    form = {
        field["name"]: field.get("value", "")
        for field in page.select("form input[name], form textarea[name]")
        if field.get("type") != "checkbox"
    }
    form["crisis_contacts"] = page.find("textarea", attrs={"name": "crisis_contacts"}).get_text()
    form["auto_checkins"] = "y"
    client_request.post("caseworker.organisation_settings", form)
    world.session.refresh(world.org)
    assert world.org.auto_checkins is True


def test_one_click_from_the_caseload(world, login_as, client_request):
    _overdue(world)
    login_as(world.isva)
    page = client_request.get("caseworker.home")
    assert page.find(attrs={"data-testid": "caseload-send-checkin"})
    client_request.post(
        "caseworker.send_checkin",
        {"back": "caseload"},
        case_id=world.case.id,
        _form_url=client_request.url("caseworker.home"),
    )
    assert client_request.response.headers["Location"].endswith(
        client_request.url("caseworker.home")
    )
    assert [u.event_key for u in _published(world)] == ["investigation_update"]
    page = client_request.get("caseworker.home")
    assert not page.find(attrs={"data-testid": "caseload-send-checkin"})
