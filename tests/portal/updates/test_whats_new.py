"""Home shows everything new for the victim (``whats_new``): unread messages from the service,
new and changed updates, changed dates, answered call-backs and recent reminders; every victim
notification's promise ("You have a new update", "You have a reminder") is kept on the home
page; and the dashboard runs a fixed number of queries however much there is."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from notifications.models import Notification
from notifications.render import KIND_MESSAGE, KIND_REMINDER, KIND_UPDATE, VICTIM_KINDS
from portal.clock import utcnow
from portal.models import CallbackReason
from portal.services.messaging import callbacks
from portal.services.messaging import messages as messaging
from portal.services.updates import deadlines, reminders, whats_new
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import LONDON
from tests.portal.policy.test_query_counts import counting
from tests.portal.updates.conftest import publish_new, starter_draft
from tests.support.factories import make_case


def _new_list(client_request) -> str:
    page = client_request.get("victim.home")
    new = page.find(attrs={"data-testid": "new-updates"})
    return " ".join(new.get_text().split()) if new else ""


def test_an_unread_message_from_the_isva_shows_with_a_count_and_a_link(
    world, login_as, client_request
):
    for text in ("Hello Ruth", "Call me back when you can"):
        messaging.reply(
            world.session, world.case, world.isva, text, messaging.new_idempotency_key()
        )
    login_as(world.victim)
    page = client_request.get("victim.home")
    item = page.find(attrs={"data-testid": "new-messages"})
    assert item is not None
    assert "2 unread messages from your ISVA" in item.get_text()
    assert item.find("a")["href"] == f"/my-case/cases/{world.case.id}/messages"
    assert "You have read all your" not in page.get_text()

    client_request.get("victim.messages", case_id=world.case.id)  # reading them
    page = client_request.get("victim.home")
    assert page.find(attrs={"data-testid": "new-messages"}) is None
    assert "You have read all your updates and messages." in page.get_text()


def test_a_changed_date_is_picked_out(world, login_as, client_request):
    hearing = publish_new(world, "hearing_scheduled", event_date=date(2099, 5, 4))
    hearing.read_at = hearing.published_at
    login_as(world.victim)
    assert _new_list(client_request) == ""
    draft = starter_draft(
        "hearing_scheduled", event_date=date(2099, 6, 1), reason="The court moved it."
    )
    updates.edit_published(world.session, world.case, world.isva, hearing, draft)
    assert "Date changed A court date" in _new_list(client_request)


def test_an_answered_call_back_shows_for_a_week(world, login_as, client_request, time_machine):
    callback = callbacks.request_callback(
        world.session, world.case, world.victim, CallbackReason.ASKED, safe_times="Mornings"
    )
    callbacks.complete_callback(world.session, world.isva, callback, "Spoke")
    login_as(world.victim)
    assert "dealt with your request for a call" in _new_list(client_request)
    time_machine.move_to(callback.completed_at + timedelta(days=8))
    login_as(world.victim)
    assert "dealt with your request for a call" not in _new_list(client_request)


def _publish_plain(w):
    publish_new(w, "investigation_update")


def _publish_sensitive(w):
    publish_new(w, "charged")


def _edit_read_update(w):
    update = publish_new(w, "hearing_scheduled", event_date=date(2099, 5, 4))
    update.read_at = update.published_at
    draft = starter_draft(
        "hearing_scheduled", event_date=date(2099, 6, 1), reason="The court moved it."
    )
    updates.edit_published(w.session, w.case, w.isva, update, draft)


def _isva_message(w):
    messaging.reply(w.session, w.case, w.isva, "Hello", messaging.new_idempotency_key())


def _turn_on_reminders(w):
    reminders.save_settings(
        w.session, w.victim, court_dates=True, time_limits=True, calendar_words=False
    )


def _reminder(w):
    """A reminder about a hearing the victim has already read (so only the reminder is new)."""
    _turn_on_reminders(w)
    hearing = publish_new(
        w, "hearing_scheduled", event_date=deadlines.london_today() + timedelta(6)
    )
    hearing.read_at = utcnow()
    assert reminders.sweep(w.session) == 1


ACTIONS = {
    KIND_UPDATE: [_publish_plain, _publish_sensitive, _edit_read_update],
    KIND_MESSAGE: [_isva_message],
    KIND_REMINDER: [_reminder],
}


def test_the_promise_test_covers_every_victim_notification_kind():
    assert set(ACTIONS) == set(VICTIM_KINDS)


@pytest.mark.parametrize(
    ("kind", "action"), [(kind, a) for kind, actions in ACTIONS.items() for a in actions]
)
def test_every_victim_notification_finds_something_new_at_home(
    world, login_as, client_request, kind, action
):
    def sent() -> int:
        return world.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == world.victim.id, Notification.kind == kind)
        )

    before = sent()
    action(world)
    world.session.flush()
    assert sent() > before  # the victim was told "You have a new update" / "a reminder"
    assert whats_new.anything_new(world.session, world.case)
    login_as(world.victim)
    assert _new_list(client_request) != ""


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _reminder_items(client_request) -> list[tuple[str, str]]:
    page = client_request.get("victim.home")
    return [
        (" ".join(li.get_text().split()), li.find("a")["href"])
        for li in page.find_all(attrs={"data-testid": "new-reminder"})
    ]


def test_a_court_date_reminder_shows_at_home_until_the_date_passes(
    world, login_as, client_request, time_machine
):
    hearing_on = date(2027, 3, 19)
    time_machine.move_to(_at(date(2027, 3, 1)))
    _turn_on_reminders(world)
    hearing = publish_new(world, "hearing_scheduled", event_date=hearing_on)
    hearing.read_at = utcnow()
    login_as(world.victim)
    assert _reminder_items(client_request) == []
    assert (
        "You have read all your updates and messages."
        in client_request.get("victim.home").get_text()
    )

    time_machine.move_to(_at(hearing_on - timedelta(days=7)))
    reminders.sweep(world.session)
    login_as(world.victim)
    page = f"/my-case/cases/{world.case.id}/reminders"
    assert _reminder_items(client_request) == [("Reminder: a court date on 19 March 2027", page)]

    time_machine.move_to(_at(hearing_on + timedelta(days=1)))
    login_as(world.victim)
    assert _reminder_items(client_request) == []


def test_a_reminder_about_a_moved_date_no_longer_shows(
    world, login_as, client_request, time_machine
):
    hearing_on = date(2027, 3, 19)
    time_machine.move_to(_at(date(2027, 3, 1)))
    _turn_on_reminders(world)
    hearing = publish_new(world, "hearing_scheduled", event_date=hearing_on)
    hearing.read_at = utcnow()
    time_machine.move_to(_at(hearing_on - timedelta(days=1)))
    reminders.sweep(world.session)
    login_as(world.victim)
    assert len(_reminder_items(client_request)) == 1
    draft = starter_draft("hearing_scheduled", event_date=date(2027, 5, 4), reason="Moved")
    updates.edit_published(world.session, world.case, world.isva, hearing, draft)
    login_as(world.victim)
    assert _reminder_items(client_request) == []
    assert "Date changed" in _new_list(client_request)  # the change itself is what is new


def test_a_time_limit_reminder_names_the_scheme_only_once_the_decision_is_read(
    world, login_as, client_request, time_machine
):
    time_machine.move_to(_at(date(2027, 3, 1), 10))
    _turn_on_reminders(world)
    nfa = updates.save_draft(
        world.session,
        world.case,
        world.isva,
        starter_draft("police_nfa", event_date=date(2027, 3, 1)),
    )
    nfa = updates.publish(world.session, world.case, world.isva, nfa)
    nfa = updates.confirm_support(world.session, world.case, world.isva, nfa, "Spoke by phone")
    nfa.read_at = utcnow()
    time_machine.move_to(_at(date(2027, 6, 1) - timedelta(days=10)))
    assert reminders.sweep(world.session) == 1
    login_as(world.victim)
    expected = "Reminder: the last day to ask under the Victims' Right to Review is 1 June 2027"
    assert [text for text, _ in _reminder_items(client_request)] == [expected]

    # The service changes the decision update: until the victim chooses to read it again,
    # home says only that there is a new update, not what the reminder was about.
    draft = starter_draft("police_nfa", event_date=date(2027, 3, 1), reason="Corrected")
    updates.edit_published(world.session, world.case, world.isva, nfa, draft)
    login_as(world.victim)
    assert _reminder_items(client_request) == []
    assert "Right to Review" not in client_request.get("victim.home").get_text()
    nfa.read_at = utcnow()
    login_as(world.victim)
    assert [text for text, _ in _reminder_items(client_request)] == [expected]


def test_dashboard_queries_do_not_grow_with_updates_messages_call_backs_or_reminders(
    world, login_as, client_request
):
    _turn_on_reminders(world)
    counts, hearings = [], 0
    for more in (1, 12):
        hearings += more
        for i in range(more):
            hearing = publish_new(
                world, "hearing_scheduled", event_date=deadlines.london_today() + timedelta(6)
            )
            hearing.read_at = utcnow()
            publish_new(world, "investigation_update")
            publish_new(world, "charged")
            messaging.reply(
                world.session, world.case, world.isva, f"Note {i}", messaging.new_idempotency_key()
            )
            callback = callbacks.request_callback(
                world.session, world.case, world.victim, CallbackReason.ASKED
            )
            callbacks.complete_callback(world.session, world.isva, callback)
        reminders.sweep(world.session)
        world.session.flush()
        world.session.expire_all()
        login_as(world.victim)
        with counting() as statements:
            client_request.get("victim.dashboard", case_id=world.case.id)
        counts.append(len(statements))
        assert len(_reminder_items(client_request)) == hearings  # each one's reminder shows
    assert counts[0] == counts[1], counts


def test_with_two_open_cases_home_marks_the_one_with_something_new(world, login_as, client_request):
    other = make_case(world.session, world.org, world.victim, world.isva)
    messaging.reply(world.session, other, world.isva, "Hello", messaging.new_idempotency_key())
    login_as(world.victim)
    page = client_request.get("victim.home")
    marked = [
        a["href"]
        for p in page.select("main p")
        if p.find(attrs={"data-testid": "case-news"}) and (a := p.find("a"))
    ]
    assert marked == [f"/my-case/cases/{other.id}/dashboard"]
