"""Home shows everything new for the victim (``whats_new``): unread messages from the service,
new and changed updates, changed dates and answered call-backs; every victim notification's
promise ("You have a new update") is kept on the home page; and the dashboard runs a fixed
number of queries however much there is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from notifications.models import Notification
from portal.models import CallbackReason
from portal.services import callbacks, messaging, updates, whats_new
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
    draft = starter_draft("hearing_scheduled", event_date=date(2099, 6, 1))
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
    draft = starter_draft("hearing_scheduled", event_date=date(2099, 6, 1))
    updates.edit_published(w.session, w.case, w.isva, update, draft)


def _isva_message(w):
    messaging.reply(w.session, w.case, w.isva, "Hello", messaging.new_idempotency_key())


@pytest.mark.parametrize(
    "action", [_publish_plain, _publish_sensitive, _edit_read_update, _isva_message]
)
def test_every_victim_notification_finds_something_new_at_home(
    world, login_as, client_request, action
):
    def sent() -> int:
        return world.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == world.victim.id)
        )

    before = sent()
    action(world)
    world.session.flush()
    assert sent() > before  # the victim was told "You have a new update"
    assert whats_new.anything_new(world.session, world.case)
    login_as(world.victim)
    assert _new_list(client_request) != ""


def test_dashboard_queries_do_not_grow_with_updates_messages_or_call_backs(
    world, login_as, client_request
):
    counts = []
    for more in (1, 12):
        for i in range(more):
            publish_new(world, "investigation_update")
            publish_new(world, "charged")
            messaging.reply(
                world.session, world.case, world.isva, f"Note {i}", messaging.new_idempotency_key()
            )
            callback = callbacks.request_callback(
                world.session, world.case, world.victim, CallbackReason.ASKED
            )
            callbacks.complete_callback(world.session, world.isva, callback)
        world.session.flush()
        world.session.expire_all()
        login_as(world.victim)
        with counting() as statements:
            client_request.get("victim.dashboard", case_id=world.case.id)
        counts.append(len(statements))
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
