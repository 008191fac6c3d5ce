"""The victim's reminders page: choices saved, the dates ahead, and a calendar file for each date
that says nothing about the case unless the victim chose so."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import time_machine

from notifications.render import denied_words
from portal.models import Role
from portal.services.updates import reminders
from portal.services.updates.deadlines import LONDON
from tests.portal.updates.conftest import publish_new
from tests.support.factories import make_case, make_user

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
HEARING = date(2027, 3, 19)


def test_the_victim_turns_reminders_on_and_sees_them_planned(world, login_as, client_request):
    with time_machine.travel(NOW, tick=False):
        publish_new(world, "hearing_scheduled", event_date=HEARING)
        login_as(world.victim)
        page = client_request.get("victim.reminders_page", case_id=world.case.id)
        assert "19 March 2027" in page.find(attrs={"data-testid": "dates"}).get_text()
        assert not page.find(attrs={"data-testid": "planned"})  # nothing until chosen
        assert not page.find("input", attrs={"name": "court_dates"}).has_attr("checked")
        client_request.post("victim.reminders_page", {"court_dates": "y"}, case_id=world.case.id)
        settings = reminders.settings_for(world.session, world.victim.id)
        assert (settings.court_dates, settings.time_limits) == (True, False)
        page = client_request.get("victim.reminders_page", case_id=world.case.id)
        planned = page.find(attrs={"data-testid": "planned"}).get_text(" ", strip=True)
        assert "12 March 2027: 7 days before 19 March 2027" in planned
        assert "18 March 2027: 1 day before 19 March 2027" in planned
        assert page.find("input", attrs={"name": "court_dates"}).has_attr("checked")


def test_the_calendar_file_is_neutral_by_default(world, login_as, client_request):
    with time_machine.travel(NOW, tick=False):
        update = publish_new(world, "hearing_scheduled", event_date=HEARING)
        login_as(world.victim)
        response = client_request.get_response(
            "victim.calendar_file", case_id=world.case.id, update_id=update.id, kind="court_date"
        )
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    # The UID is the update's random id (its hex can look like "abcd-12" to the reference
    # check); everything else in the file is checked for words about the case.
    assert str(event["UID"]).startswith(f"{update.id}-court_date@")
    assert denied_words(body.replace(str(event["UID"]), "")) == []
    assert str(event["SUMMARY"]) == "Reminder"
    assert event.decoded("DTSTART") == HEARING
    assert event.decoded("DTEND") == HEARING + timedelta(days=1)


def test_the_calendar_file_names_the_date_when_the_victim_chose(world, login_as, client_request):
    with time_machine.travel(NOW, tick=False):
        update = publish_new(world, "hearing_scheduled", event_date=HEARING)
        reminders.save_settings(
            world.session, world.victim, court_dates=False, time_limits=False, calendar_words=True
        )
        login_as(world.victim)
        response = client_request.get_response(
            "victim.calendar_file", case_id=world.case.id, update_id=update.id, kind="court_date"
        )
    [event] = icalendar.Calendar.from_ical(response.get_data()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "A court date"


def test_no_calendar_file_for_a_past_date_or_another_victims_case(world, login_as, client_request):
    with time_machine.travel(NOW, tick=False):
        update = publish_new(world, "hearing_scheduled", event_date=HEARING)
        other = make_user(world.session, world.org, Role.VICTIM)
        other_case = make_case(world.session, world.org, other, world.isva)
        login_as(world.victim)
        wrong_case = client_request.get_response(
            "victim.calendar_file", case_id=other_case.id, update_id=update.id, kind="court_date"
        )
        assert wrong_case.status_code == 404
        gone = publish_new(
            world,
            "hearing_scheduled",
            event_date=NOW.date() - timedelta(days=2),
            reason="The court brought the hearing forward.",
        )
        past = client_request.get_response(
            "victim.calendar_file", case_id=world.case.id, update_id=gone.id, kind="court_date"
        )
        assert past.status_code == 404


def test_reminders_are_reached_from_the_preferences_page(world, login_as, client_request):
    login_as(world.victim)
    page = client_request.get("victim.preferences")
    link = page.find("a", string="Reminders and check-ins")
    client_request.get(link["href"], _expected_status=302)
    assert client_request.response.headers["Location"].endswith(
        f"/my-case/cases/{world.case.id}/reminders"
    )
