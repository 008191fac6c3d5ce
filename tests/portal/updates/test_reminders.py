"""Reminders the victim chooses: each offset at 09:00 London, once; quiet hours; a changed date
cancels what was waiting and gets its own reminders; a used or unread time limit sends none."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from notifications.models import Notification, NotificationPreference, Status
from notifications.render import KIND_REMINDER, render
from portal.clock import utcnow
from portal.models import ReminderSent, UpdateStatus
from portal.services.updates import reminders
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import LONDON
from tests.portal.updates.conftest import publish_new, starter_draft

START = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)  # a Monday, before the clocks change


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def reminders_for(w) -> list[Notification]:
    return list(
        w.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == w.victim.id, Notification.kind == KIND_REMINDER)
            .order_by(Notification.created_at, Notification.channel)
        )
    )


def turn_on(w, **choices: bool) -> None:
    values = {"court_dates": True, "time_limits": True, "calendar_words": False, **choices}
    reminders.save_settings(w.session, w.victim, **values)


def sweep_at(w, moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return reminders.sweep(w.session)


def read(update) -> None:
    update.read_at = utcnow()


def publish_nfa(w, decided_on: date):
    update = updates.save_draft(
        w.session, w.case, w.isva, starter_draft("police_nfa", event_date=decided_on)
    )
    update = updates.publish(w.session, w.case, w.isva, update)
    assert update.status == UpdateStatus.HELD_ISVA_FIRST
    return updates.confirm_support(w.session, w.case, w.isva, update, "Spoke by phone")


def test_the_reminder_text_is_neutral_and_fits_one_sms():
    rendered = render(KIND_REMINDER, service="Waypoint", url="https://portal.example")
    assert (
        rendered.sms
        == "You have a reminder from Waypoint. Sign in to see it: https://portal.example"
    )
    assert rendered.subject == "You have a reminder"


def test_court_date_reminders_7_and_1_days_before_once_each(world):
    hearing = date(2027, 3, 19)
    with time_machine.travel(START, tick=False):
        turn_on(world)
        publish_new(world, "hearing_scheduled", event_date=hearing)
    assert sweep_at(world, at(hearing - timedelta(days=7), 8, 59)) == 0
    assert reminders_for(world) == []
    assert sweep_at(world, at(hearing - timedelta(days=7))) == 1
    first = reminders_for(world)
    assert {n.channel for n in first} == {"sms", "email"}  # one per usable contact point
    assert all(n.category == "court" for n in first)
    assert sweep_at(world, at(hearing - timedelta(days=7), 9, 1)) == 0  # once only
    assert sweep_at(world, at(hearing - timedelta(days=2), 18)) == 0
    assert sweep_at(world, at(hearing - timedelta(days=1))) == 1
    assert len(reminders_for(world)) == 4
    assert sweep_at(world, at(hearing, 0, 1)) == 0  # nothing on the day itself
    sent = world.session.scalars(select(ReminderSent).order_by(ReminderSent.days_before)).all()
    assert [(r.days_before, r.target_on, r.decision) for r in sent] == [
        (1, hearing, "queued"),
        (7, hearing, "queued"),
    ]


@pytest.mark.parametrize(
    ("key", "decided_on", "closes_on"),
    [
        ("police_nfa", date(2027, 3, 1), date(2027, 6, 1)),  # Right to Review: 3 months
        ("sentence", date(2027, 3, 1), date(2027, 3, 29)),  # Unduly Lenient: 28 days
    ],
)
def test_time_limit_reminders_10_and_3_days_before_it_closes(world, key, decided_on, closes_on):
    with time_machine.travel(START, tick=False):
        turn_on(world)
        if key == "police_nfa":
            update = publish_nfa(world, decided_on)
        else:
            update = publish_new(world, key, event_date=decided_on)
        read(update)
    assert update.window_closes_on == closes_on
    assert sweep_at(world, at(closes_on - timedelta(days=10), 8, 30)) == 0
    assert sweep_at(world, at(closes_on - timedelta(days=10))) == 1
    assert sweep_at(world, at(closes_on - timedelta(days=4))) == 0
    assert sweep_at(world, at(closes_on - timedelta(days=3))) == 1
    assert len(reminders_for(world)) == 4
    assert {n.category for n in reminders_for(world)} == {update.category}


def test_nothing_is_sent_unless_the_victim_turned_reminders_on(world):
    hearing = date(2027, 3, 19)
    with time_machine.travel(START, tick=False):
        publish_new(world, "hearing_scheduled", event_date=hearing)
    assert sweep_at(world, at(hearing - timedelta(days=1))) == 0
    with time_machine.travel(START, tick=False):
        turn_on(world, court_dates=False)
    assert sweep_at(world, at(hearing - timedelta(days=1))) == 0
    assert reminders_for(world) == []


def test_turning_on_late_sends_only_the_nearest_reminder(world):
    hearing = date(2027, 3, 19)
    with time_machine.travel(START, tick=False):
        publish_new(world, "hearing_scheduled", event_date=hearing)
    with time_machine.travel(at(hearing - timedelta(days=1), 15), tick=False):
        turn_on(world)
        assert reminders.sweep(world.session) == 1
    assert world.session.scalar(select(ReminderSent.days_before)) == 1


def test_a_reminder_waits_for_the_end_of_quiet_hours(world):
    hearing = date(2027, 3, 19)
    with time_machine.travel(START, tick=False):
        turn_on(world)
        publish_new(world, "hearing_scheduled", event_date=hearing)
        world.session.add(
            NotificationPreference(
                user_id=world.victim.id,
                choices={},
                quiet_start_minute=7 * 60,
                quiet_end_minute=12 * 60,
            )
        )
        world.session.flush()
    assert sweep_at(world, at(hearing - timedelta(days=7))) == 1
    waiting = reminders_for(world)
    assert waiting
    assert all(n.not_before == at(hearing - timedelta(days=7), 12) for n in waiting)


def test_dont_notify_for_the_category_is_respected(world):
    from tests.portal.updates.conftest import set_choice

    hearing = date(2027, 3, 19)
    with time_machine.travel(START, tick=False):
        turn_on(world)
        set_choice(world.session, world.victim, "court", "dont_notify")
        publish_new(world, "hearing_scheduled", event_date=hearing)
    assert sweep_at(world, at(hearing - timedelta(days=7))) == 1
    assert reminders_for(world) == []
    assert world.session.scalar(select(ReminderSent.decision)) == "dont_notify"
    assert sweep_at(world, at(hearing - timedelta(days=7), 10)) == 0  # decided once


def test_a_date_change_cancels_the_waiting_reminder_and_reschedules(world):
    old, new = date(2027, 3, 19), date(2027, 4, 16)
    with time_machine.travel(START, tick=False):
        turn_on(world)
        hearing = publish_new(world, "hearing_scheduled", event_date=old)
        world.session.add(
            NotificationPreference(
                user_id=world.victim.id,
                choices={},
                quiet_start_minute=7 * 60,
                quiet_end_minute=12 * 60,
            )
        )
        world.session.flush()
    assert sweep_at(world, at(old - timedelta(days=7))) == 1  # queued until 12:00
    with time_machine.travel(at(old - timedelta(days=7), 10), tick=False):
        draft = starter_draft("hearing_scheduled", event_date=new)
        draft.reason = "The court moved the hearing"
        updates.edit_published(world.session, world.case, world.isva, hearing, draft)
        reminders.sweep(world.session)
    statuses = {n.status for n in reminders_for(world)}
    assert statuses == {Status.CANCELLED}
    # The old date's 1-day reminder never comes; the new date's come at their time.
    assert sweep_at(world, at(old - timedelta(days=1))) == 0
    assert sweep_at(world, at(new - timedelta(days=7))) == 1
    live = [n for n in reminders_for(world) if n.status == Status.QUEUED]
    assert len(live) == 2
    assert all(new.isoformat() in n.source_key for n in live)


def test_a_new_trial_date_replaces_the_old_one(world):
    first, moved = date(2027, 3, 19), date(2027, 5, 10)
    with time_machine.travel(START, tick=False):
        turn_on(world)
        publish_new(world, "trial_date_set", event_date=first)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        publish_new(world, "trial_date_changed", event_date=moved)
        assert [d.on for d in reminders.known_dates(world.session, world.case)] == [moved]
    assert sweep_at(world, at(first - timedelta(days=7))) == 0
    assert sweep_at(world, at(moved - timedelta(days=7))) == 1


def test_asking_for_a_review_stops_the_time_limit_reminders(world):
    with time_machine.travel(START, tick=False):
        turn_on(world)
        read(publish_nfa(world, date(2027, 3, 1)))
        assert len(reminders.known_dates(world.session, world.case)) == 1
    with time_machine.travel(START + timedelta(days=5), tick=False):
        publish_new(world, "vrr_requested", event_date=date(2027, 3, 5))
        assert reminders.known_dates(world.session, world.case) == []
    assert sweep_at(world, at(date(2027, 6, 1) - timedelta(days=10))) == 0


def test_an_unread_sensitive_update_gives_no_time_limit(world):
    with time_machine.travel(START, tick=False):
        turn_on(world)
        publish_nfa(world, date(2027, 3, 1))  # not read yet
        assert reminders.known_dates(world.session, world.case) == []
    assert sweep_at(world, at(date(2027, 6, 1) - timedelta(days=10))) == 0


def test_a_withdrawn_date_sends_nothing(world):
    hearing = date(2027, 3, 19)
    with time_machine.travel(START, tick=False):
        turn_on(world)
        update = publish_new(world, "hearing_scheduled", event_date=hearing)
        updates.withdraw(world.session, world.case, world.isva, update, "Sent in error")
    assert sweep_at(world, at(hearing - timedelta(days=7))) == 0


def test_planned_lists_the_reminders_still_to_come(world):
    hearing = date(2027, 3, 19)
    with time_machine.travel(at(hearing - timedelta(days=3)), tick=False):
        turn_on(world)
        publish_new(world, "hearing_scheduled", event_date=hearing)
        settings = reminders.settings_for(world.session, world.victim.id)
        planned = reminders.planned(world.session, world.case, settings)
    assert [(p.days_before, p.at) for p in planned] == [(1, at(hearing - timedelta(days=1)))]
    assert world.session.scalar(select(func.count()).select_from(ReminderSent)) == 0
