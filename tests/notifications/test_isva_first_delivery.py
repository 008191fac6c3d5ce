"""A victim who chose "my ISVA tells me first" is still sent the news once the ISVA has told
them: the worker asks the same decision as publish, with the same "ISVA has told" answer that
was true when the news was queued."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from notifications import notify
from notifications.contacts import set_choices
from notifications.models import Notification, Status
from notifications.render import KIND_REMINDER
from notifications.worker import Worker
from portal.models import UpdateStatus
from portal.services.updates import writing as updates
from tests.notifications.conftest import victim_with_case
from tests.portal.updates.conftest import starter_draft

MIDDAY = datetime(2026, 7, 1, 11, 0, tzinfo=UTC)  # 12:00 BST: outside quiet hours


def _rows(session, victim_id) -> list[Notification]:
    session.commit()
    session.expire_all()
    return list(session.scalars(select(Notification).where(Notification.recipient_id == victim_id)))


def _statuses(session, victim_id) -> list[tuple[str, str | None]]:
    return sorted((r.status, r.last_error_code) for r in _rows(session, victim_id))


def _isva_first_victim(session):
    victim, sms, _email, case = victim_with_case(session)
    set_choices(session, victim.id, {"court": "isva_first"}, source="portal", actor_id=victim.id)
    return victim, sms, case


def test_a_held_update_is_sent_once_the_isva_confirms_they_told_the_victim(
    notify_app, app_session, twilio_server
):
    with time_machine.travel(MIDDAY, tick=True), notify_app.test_request_context():
        victim, sms, case = _isva_first_victim(app_session)
        isva = case.active_assignment().isva
        update = updates.save_draft(app_session, case, isva, starter_draft("hearing_scheduled"))
        updates.publish(app_session, case, isva, update)
        assert update.status == UpdateStatus.HELD_ISVA_FIRST
        app_session.commit()
        Worker(notify_app, concurrency=1).run(once=True)
        assert _statuses(app_session, victim.id) == []
        assert twilio_server.messages_to(sms.address) == []

        updates.confirm_support(app_session, case, isva, update, "Told her by phone at 11:50")
        app_session.commit()
        Worker(notify_app, concurrency=1).run(once=True)
    assert _statuses(app_session, victim.id) == [(Status.SENT, None)]
    assert len(twilio_server.messages_to(sms.address)) == 1


def test_a_reminder_of_news_the_isva_already_gave_is_sent(notify_app, app_session, twilio_server):
    with time_machine.travel(MIDDAY, tick=True):
        victim, sms, case = _isva_first_victim(app_session)
        result = notify(
            app_session,
            victim,
            KIND_REMINDER,
            source_key="reminder:court:1",
            category="court",
            case_id=case.id,
            isva_has_told=True,
        )
        assert result.decision == "queued"
        app_session.commit()
        Worker(notify_app, concurrency=1).run(once=True)
    assert _statuses(app_session, victim.id) == [(Status.SENT, None)]
    assert len(twilio_server.messages_to(sms.address)) == 1


def test_news_queued_before_the_victim_chose_isva_first_is_still_cancelled(
    notify_app, app_session, twilio_server
):
    with time_machine.travel(MIDDAY, tick=True):
        victim, sms, case = _isva_first_victim(app_session)
        set_choices(
            app_session, victim.id, {"court": "tell_me"}, source="portal", actor_id=victim.id
        )
        notify(app_session, victim, "update", source_key="u:1", category="court", case_id=case.id)
        set_choices(
            app_session, victim.id, {"court": "isva_first"}, source="portal", actor_id=victim.id
        )
        app_session.commit()
        Worker(notify_app, concurrency=1).run(once=True)
    assert _statuses(app_session, victim.id) == [(Status.CANCELLED, "choice_changed")]
    assert twilio_server.messages_to(sms.address) == []


def test_the_other_channel_fallback_keeps_the_isva_told(
    notify_app, app_session, twilio_server, smtp_server
):
    with time_machine.travel(MIDDAY, tick=True):
        victim, sms, email, case = victim_with_case(app_session, email="told@example.org")
        set_choices(
            app_session, victim.id, {"court": "isva_first"}, source="portal", actor_id=victim.id
        )
        email.enabled = False  # only SMS at first, so the fallback is the email channel
        app_session.commit()
        notify(
            app_session,
            victim,
            "update",
            source_key="u:told",
            category="court",
            case_id=case.id,
            isva_has_told=True,
        )
        email.enabled = True
        app_session.commit()
        twilio_server.script(sms.address, code=30005)  # unknown handset: fails for good
        Worker(notify_app, concurrency=1).run(once=True)
        Worker(notify_app, concurrency=1).run(once=True)
    by_channel = {r.channel: r for r in _rows(app_session, victim.id)}
    assert by_channel["sms"].status == Status.FAILED_PERMANENT
    assert by_channel["email"].status == Status.SENT
    assert len(smtp_server.to("told@example.org")) == 1
