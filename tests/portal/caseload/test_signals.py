"""Each caseload signal appears exactly when it should and goes when the work is done, with a
frozen clock (Monday 1 March 2027, 10:00 London)."""

from __future__ import annotations

from datetime import date, timedelta

from notifications.models import Status
from portal.models import CallbackReason, Case, UpdateStatus
from portal.services.caseload import casework
from portal.services.caseload.listing import Signal
from portal.services.messaging import callbacks
from portal.services.messaging import messages as messaging
from portal.services.updates import writing as updates
from tests.portal.caseload.conftest import MONDAY, World, failed_notification, row_for
from tests.portal.updates.conftest import starter_draft


def _draft(w: World, key: str, **kwargs):
    return updates.save_draft(w.session, w.case, w.isva, starter_draft(key, **kwargs))


def _publish(w: World, key: str, **kwargs):
    return updates.publish(w.session, w.case, w.isva, _draft(w, key, **kwargs))


def test_a_new_case_needs_nothing(world: World):
    row = row_for(world)
    assert row.signals == set()
    assert row.urgency == 0


def test_unread_messages_appear_and_go_when_the_isva_reads_them(world: World):
    w = world
    messaging.send_from_victim(
        w.session, w.case, w.victim, "Hello", messaging.new_idempotency_key()
    )
    messaging.send_from_victim(
        w.session, w.case, w.victim, "Again", messaging.new_idempotency_key()
    )
    assert row_for(w).unread == 2
    # A supervisor's look does not count as read: nobody who answers has seen it.
    messaging.mark_read_by_service(w.session, w.case, w.supervisor)
    assert Signal.UNREAD in row_for(w).signals
    messaging.mark_read_by_service(w.session, w.case, w.isva)
    assert Signal.UNREAD not in row_for(w).signals


def test_reply_overdue_after_the_target_in_working_days_and_gone_once_replied(
    world: World, time_machine
):
    w = world  # the organisation's target: 1 working day
    messaging.send_from_victim(w.session, w.case, w.victim, "Hi", messaging.new_idempotency_key())
    messaging.mark_read_by_service(w.session, w.case, w.isva)  # read, but not answered
    row = row_for(w)
    assert row.awaiting_since == MONDAY
    assert row.reply_due == date(2027, 3, 2)
    assert Signal.REPLY_OVERDUE not in row.signals
    time_machine.move_to(MONDAY + timedelta(days=1, hours=13), tick=False)  # Tuesday 23:00
    assert Signal.REPLY_OVERDUE not in row_for(w).signals
    time_machine.move_to(MONDAY + timedelta(days=1, hours=14), tick=False)  # Wednesday 00:00
    assert Signal.REPLY_OVERDUE in row_for(w).signals
    messaging.reply(w.session, w.case, w.isva, "Thanks", messaging.new_idempotency_key())
    row = row_for(w)
    assert Signal.REPLY_OVERDUE not in row.signals
    assert row.awaiting_since is None


def test_reply_target_follows_the_organisation_and_skips_the_weekend(world: World, time_machine):
    w = world
    w.org.reply_target_working_days = 2
    time_machine.move_to(MONDAY + timedelta(days=4), tick=False)  # Friday
    messaging.send_from_victim(w.session, w.case, w.victim, "Hi", messaging.new_idempotency_key())
    assert row_for(w).reply_due == date(2027, 3, 9)  # Tuesday
    time_machine.move_to(MONDAY + timedelta(days=8, hours=13), tick=False)  # Tuesday 23:00
    assert Signal.REPLY_OVERDUE not in row_for(w).signals
    time_machine.move_to(MONDAY + timedelta(days=9), tick=False)
    assert Signal.REPLY_OVERDUE in row_for(w).signals


def test_callback_request_appears_and_goes_when_done(world: World):
    w = world
    callback = callbacks.request_callback(w.session, w.case, w.victim, CallbackReason.ASKED)
    row = row_for(w)
    assert row.callbacks == 1
    assert row.waiting_since == MONDAY
    callbacks.complete_callback(w.session, w.isva, callback, "Called at 14:10")
    assert Signal.CALLBACKS not in row_for(w).signals


def test_held_update_appears_and_goes_when_support_is_confirmed(world: World):
    w = world
    update = _publish(w, "police_nfa")  # ISVA first in the catalogue
    assert update.status == UpdateStatus.HELD_ISVA_FIRST
    assert row_for(w).held == 1
    updates.confirm_support(w.session, w.case, w.isva, update, "Spoke by phone at 14:10")
    assert Signal.HELD not in row_for(w).signals


def test_victims_code_clock_due_soon_then_overdue_and_gone_when_published(
    world: World, time_machine
):
    w = world  # support_referral: 2 working days, learned Monday 10:00, due Wednesday
    update = _draft(w, "support_referral", learned_at=MONDAY - timedelta(minutes=1))
    assert update.due_on == date(2027, 3, 3)
    row = row_for(w)
    assert not row.signals & {Signal.CODE_DUE_SOON, Signal.CODE_OVERDUE}
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)  # Tuesday
    assert row_for(w).code_due_soon == 1
    time_machine.move_to(MONDAY + timedelta(days=2, hours=13), tick=False)  # Wednesday 23:00
    assert row_for(w).signals & {Signal.CODE_DUE_SOON, Signal.CODE_OVERDUE} == {
        Signal.CODE_DUE_SOON
    }
    time_machine.move_to(MONDAY + timedelta(days=3), tick=False)  # Thursday
    row = row_for(w)
    assert row.code_overdue == 1
    assert Signal.CODE_DUE_SOON not in row.signals
    updates.publish(w.session, w.case, w.isva, update)
    assert not row_for(w).signals & {Signal.CODE_DUE_SOON, Signal.CODE_OVERDUE}


def test_update_published_on_time_never_shows_on_the_clock(world: World, time_machine):
    w = world
    _publish(w, "support_referral", learned_at=MONDAY - timedelta(minutes=1))
    time_machine.move_to(MONDAY + timedelta(days=10), tick=False)
    assert not row_for(w).signals & {Signal.CODE_DUE_SOON, Signal.CODE_OVERDUE}


def test_checkin_due_after_the_cadence_and_gone_when_an_update_is_written(
    world: World, time_machine
):
    w = world  # default cadence 4 weeks from opening (Monday 10:00)
    time_machine.move_to(MONDAY + timedelta(weeks=4) - timedelta(minutes=1), tick=False)
    assert Signal.CHECKIN not in row_for(w).signals
    time_machine.move_to(MONDAY + timedelta(weeks=4), tick=False)
    assert Signal.CHECKIN in row_for(w).signals
    _publish(w, "investigation_update")
    assert Signal.CHECKIN not in row_for(w).signals


def test_failed_notification_appears_and_goes_when_dealt_with(world: World):
    w = world
    failed_notification(w, Status.QUEUED)
    failed_notification(w, Status.FAILED_RETRYABLE)  # will be retried: not a task yet
    assert Signal.FAILED not in row_for(w).signals
    failed = failed_notification(w)
    assert row_for(w).failed == 1
    casework.acknowledge_failed(w.session, w.case, w.isva, failed.id)
    assert Signal.FAILED not in row_for(w).signals


def test_hearing_in_the_next_14_days_from_published_updates_only(world: World, time_machine):
    w = world
    _draft(w, "trial_date_set", event_date=date(2027, 3, 5))  # a draft: not known to the victim
    assert Signal.HEARING not in row_for(w).signals
    _publish(w, "hearing_scheduled", event_date=date(2027, 3, 16))  # 15 days ahead
    assert Signal.HEARING not in row_for(w).signals
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)  # now 14 days ahead
    assert row_for(w).next_hearing == date(2027, 3, 16)
    time_machine.move_to(MONDAY + timedelta(days=15), tick=False)  # the day itself
    assert row_for(w).next_hearing == date(2027, 3, 16)
    time_machine.move_to(MONDAY + timedelta(days=16), tick=False)  # it has passed
    assert Signal.HEARING not in row_for(w).signals


def test_a_changed_trial_date_replaces_the_earlier_one(world: World, time_machine):
    w = world
    _publish(w, "trial_date_set", event_date=date(2027, 3, 10))
    assert row_for(w).next_hearing == date(2027, 3, 10)
    time_machine.move_to(MONDAY + timedelta(hours=1), tick=False)
    _publish(w, "trial_date_changed", event_date=date(2027, 6, 1), reason="Court list")
    assert Signal.HEARING not in row_for(w).signals
    time_machine.move_to(MONDAY + timedelta(hours=2), tick=False)
    _publish(w, "trial_date_changed", event_date=date(2027, 3, 8), reason="Brought forward")
    assert row_for(w).next_hearing == date(2027, 3, 8)


def test_window_closing_within_14_days_then_gone_once_closed(world: World, time_machine):
    w = world  # Unduly Lenient Sentence: 28 calendar days after the sentence
    update = _publish(w, "sentence", event_date=date(2027, 2, 10))
    assert update.window_closes_on == date(2027, 3, 10)
    assert row_for(w).window_closes == date(2027, 3, 10)
    time_machine.move_to(MONDAY + timedelta(days=9), tick=False)  # the closing day
    assert Signal.WINDOW in row_for(w).signals
    time_machine.move_to(MONDAY + timedelta(days=10), tick=False)
    assert Signal.WINDOW not in row_for(w).signals


def test_window_further_than_14_days_away_is_not_yet_a_signal(world: World):
    w = world
    _publish(w, "sentence", event_date=date(2027, 2, 28))  # closes 28 March
    assert Signal.WINDOW not in row_for(w).signals


def test_withdrawn_or_closed_cases_leave_the_caseload(world: World):
    w = world
    casework.close_case(w.session, w.case, w.isva, "You can contact us again at any time.")
    w.session.expire_all()
    from portal.services.caseload.listing import Scope, rows_for

    assert rows_for(w.session, w.isva, Scope.MINE) == []
    assert w.session.get(Case, w.case.id).closed_at == MONDAY
