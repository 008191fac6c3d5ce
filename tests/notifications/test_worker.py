"""The worker against the local Twilio and SMTP servers: sends, coalescing, consent at claim
time, every Twilio error code, fallback, retries and ISVA tasks."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from notifications import failed_notifications_for_cases, notify
from notifications.contacts import set_enabled
from notifications.models import Consent, DeliveryAttempt, Notification, Status
from notifications.worker import Worker
from tests.notifications.conftest import make_victim, victim_with_case


def _work(app, **kwargs):
    return Worker(app, concurrency=kwargs.pop("concurrency", 2)).run(once=True)


def _work_until(app, done, timeout=15.0, **kwargs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _work(app, **kwargs)
        if done():
            return
        time.sleep(0.02)
    raise AssertionError("the worker did not finish in time")


def _rows(session, **where):
    session.commit()  # end the read snapshot: see what the worker committed
    session.expire_all()
    query = select(Notification)
    for key, value in where.items():
        query = query.where(getattr(Notification, key) == value)
    return list(session.scalars(query))


def test_a_notification_is_sent_once_with_provider_id_and_attempt_history(
    notify_app, app_session, twilio_server
):
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="u1")
    app_session.commit()
    _work(notify_app)
    _work(notify_app)  # a second run finds nothing to do
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert row.status == Status.SENT
    (message,) = twilio_server.messages_to(sms.address)
    assert row.provider_id == message.sid
    assert message.body.startswith("You have a new update from Waypoint.")
    (attempt,) = app_session.scalars(
        select(DeliveryAttempt).where(DeliveryAttempt.notification_id == row.id)
    )
    assert [h[0] for h in attempt.history] == ["sending", "sent"]
    assert f"a={attempt.id}" in (message.status_callback or "")


def test_several_pending_notifications_to_one_person_are_sent_as_one_message(
    notify_app, app_session, twilio_server
):
    victim, sms, _ = make_victim(app_session)
    for n in range(3):
        notify(app_session, victim, "update", source_key=f"c{n}")
    app_session.commit()
    _work(notify_app)
    assert len(twilio_server.messages_to(sms.address)) == 1
    rows = _rows(app_session, recipient_id=victim.id)
    assert {r.status for r in rows} == {Status.SENT}
    leads = [r for r in rows if r.coalesced_into_id is None]
    assert len(leads) == 1
    assert all(r.coalesced_into_id == leads[0].id for r in rows if r is not leads[0])


def test_opt_out_in_the_portal_after_queuing_is_respected_before_the_send(
    notify_app, app_session, twilio_server
):
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="o1")
    app_session.commit()
    set_enabled(app_session, sms, False, source="portal", actor_id=victim.id)
    app_session.commit()
    _work(notify_app)
    assert twilio_server.messages_to(sms.address) == []
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert row.status == Status.CANCELLED


def test_quiet_hours_at_claim_time_defer_the_send(notify_app, app_session, twilio_server):
    victim, sms, _ = make_victim(app_session, default_quiet_hours=True)
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
        notify(app_session, victim, "update", source_key="qh")
        app_session.commit()
    with time_machine.travel(datetime(2026, 12, 1, 22, 0, tzinfo=UTC)):
        _work(notify_app)
        assert twilio_server.messages_to(sms.address) == []
        (row,) = _rows(app_session, recipient_id=victim.id)
        assert row.status == Status.QUEUED
        assert row.not_before == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 12, 2, 8, 0, 1, tzinfo=UTC)):
        _work(notify_app)
    assert len(twilio_server.messages_to(sms.address)) == 1


def test_validity_period_stops_twilio_delivering_into_quiet_hours(
    notify_app, app_session, twilio_server, monkeypatch
):
    seen = {}
    from notifications.providers import twilio_sms

    original = twilio_sms.TwilioSMS.send

    def spy(self, message):
        seen["validity"] = message.validity_period
        return original(self, message)

    monkeypatch.setattr(twilio_sms.TwilioSMS, "send", spy)
    victim, _, _ = make_victim(app_session, default_quiet_hours=True)
    with time_machine.travel(datetime(2026, 12, 1, 20, 0, tzinfo=UTC)):
        notify(app_session, victim, "update", source_key="vp")
        app_session.commit()
        _work(notify_app)
    assert 3500 <= seen["validity"] <= 3600  # quiet hours begin at 21:00 GMT


@pytest.mark.parametrize(
    ("code", "status", "opted_out"),
    [
        (21610, Status.FAILED_PERMANENT, True),
        (21211, Status.FAILED_PERMANENT, False),
        (21614, Status.FAILED_PERMANENT, False),
        (30005, Status.FAILED_PERMANENT, False),
        (30006, Status.FAILED_PERMANENT, False),
        (30007, Status.FAILED_PERMANENT, False),
    ],
)
def test_permanent_twilio_codes_fail_once_become_isva_tasks_and_fall_back_to_email(
    notify_app, app_session, twilio_server, smtp_server, code, status, opted_out
):
    victim, sms, email, case = victim_with_case(app_session, email="fallback@example.org")
    email.enabled = False  # only SMS at first, so the fallback is the email channel
    app_session.commit()
    notify(app_session, victim, "update", source_key=f"p{code}", case_id=case.id)
    email.enabled = True
    app_session.commit()
    twilio_server.script(sms.address, code=code)
    _work(notify_app)
    _work(notify_app)
    assert twilio_server.state.requests[sms.address] == 1  # never retried
    rows = _rows(app_session, recipient_id=victim.id)
    failed = [r for r in rows if r.channel == "sms"]
    assert [r.status for r in failed] == [status]
    assert failed[0].last_error_code == str(code)
    assert [n.id for n in failed_notifications_for_cases(app_session, [case.id])] == [failed[0].id]
    fallback = [r for r in rows if r.channel == "email"]
    assert [r.status for r in fallback] == [Status.SENT]
    assert len(smtp_server.to("fallback@example.org")) == 1
    app_session.refresh(sms)
    assert (sms.opted_out_at is not None) is opted_out
    if opted_out:
        log = app_session.scalars(select(Consent).where(Consent.contact_point_id == sms.id)).all()
        assert [(c.field, c.source) for c in log] == [("sms.opted_out", "provider")]


@pytest.mark.parametrize("code", [30003, 20429, 20500])
def test_retryable_codes_are_retried_with_backoff_then_delivered(
    notify_app, app_session, twilio_server, code
):
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key=f"r{code}")
    app_session.commit()
    twilio_server.script(sms.address, code=code, times=2)
    _work_until(notify_app, lambda: twilio_server.messages_to(sms.address))
    assert len(twilio_server.messages_to(sms.address)) == 1
    assert twilio_server.state.requests[sms.address] == 3
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert row.status == Status.SENT
    assert row.attempts == 3


def test_retries_stop_at_max_attempts_and_become_a_task(notify_app, app_session, twilio_server):
    victim, sms, _, case = victim_with_case(app_session)
    notify(app_session, victim, "update", source_key="max", case_id=case.id)
    app_session.commit()
    twilio_server.script(sms.address, code=20500)
    _work_until(
        notify_app,
        lambda: _rows(app_session, recipient_id=victim.id)[0].status == Status.FAILED_PERMANENT,
    )
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert row.status == Status.FAILED_PERMANENT
    assert row.last_error_code == "max_attempts:20500"
    assert twilio_server.state.requests[sms.address] == 5
    assert failed_notifications_for_cases(app_session, [case.id])[0].id == row.id


def test_email_is_sent_with_stored_message_id_and_unsubscribe_headers(
    notify_app, app_session, smtp_server
):
    victim, _, _ = make_victim(app_session, sms=None, email="ruth@example.org")
    notify(app_session, victim, "update", source_key="e1")
    app_session.commit()
    _work(notify_app)
    (row,) = _rows(app_session, recipient_id=victim.id)
    (received,) = smtp_server.to("ruth@example.org")
    assert row.status == Status.SENT
    assert received.message_id == row.message_id
    assert received.message["Subject"] == "You have a new update"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.message["List-Unsubscribe"].startswith(
        "<https://waypoint.example.org/unsubscribe/"
    )


def test_smtp_4xx_is_retried_and_5xx_is_permanent(notify_app, app_session, smtp_server):
    soft, _, _ = make_victim(app_session, sms=None, email="soft@example.org")
    hard, _, _ = make_victim(app_session, sms=None, email="hard@example.org")
    smtp_server.script("soft@example.org", "451 4.3.0 Try again later", times=1)
    smtp_server.script("hard@example.org", "550 5.1.1 No such user")
    notify(app_session, soft, "update", source_key="s1")
    notify(app_session, hard, "update", source_key="h1")
    app_session.commit()
    _work_until(notify_app, lambda: smtp_server.to("soft@example.org"))
    assert len(smtp_server.to("soft@example.org")) == 1
    assert _rows(app_session, recipient_id=soft.id)[0].status == Status.SENT
    (failed,) = _rows(app_session, recipient_id=hard.id)
    assert (failed.status, failed.last_error_code) == (Status.FAILED_PERMANENT, "smtp_550")


def test_staff_email_says_only_that_there_is_new_work(notify_app, app_session, smtp_server):
    from portal.models import Role
    from tests.support.factories import make_org, make_user

    isva = make_user(app_session, make_org(app_session), Role.ISVA, email="isva1@example.org")
    notify(app_session, isva, "message", source_key="m1")
    app_session.commit()
    _work(notify_app)
    (received,) = smtp_server.to("isva1@example.org")
    assert received.message["Subject"] == "You have new work"


def test_a_staff_invitation_emails_only_the_newest_link_and_forgets_it_once_sent(
    notify_app, app_session, smtp_server
):
    from portal.models import Invitation, InvitationPurpose, Role
    from portal.services.accounts import invitations
    from tests.support.factories import make_org, make_user

    org = make_org(app_session)
    admin = make_user(app_session, org, Role.ADMIN)
    new = make_user(app_session, org, Role.ISVA, email="new.isva@example.org")
    new.password_hash = None
    older = invitations.issue(app_session, admin, new, InvitationPurpose.STAFF)
    invitations.email_invitation(app_session, new, older)
    newer = invitations.issue(app_session, admin, new, InvitationPurpose.STAFF)  # revokes older
    invitations.email_invitation(app_session, new, newer)
    app_session.commit()
    _work(notify_app)
    (received,) = smtp_server.to("new.isva@example.org")
    assert received.message["Subject"] == "Set up your account"
    body = received.message.get_body(("plain",)).get_content()
    assert f"https://waypoint.example.org/invitation/{newer.token}" in body
    assert older.token not in body
    rows = {r.source_key: r for r in _rows(app_session)}
    assert rows[f"invitation:{newer.invitation.id}"].status == Status.SENT
    assert rows[f"invitation:{older.invitation.id}"].last_error_code == "superseded"
    assert all(r.secret is None for r in rows.values())  # the token is not kept
    assert app_session.get(Invitation, older.invitation.id).revoked_at is not None


def test_provider_failing_for_a_while_then_recovering_delivers_everything(
    notify_app, app_session, twilio_server
):
    victims = [make_victim(app_session) for _ in range(30)]
    for n, (victim, sms, _) in enumerate(victims):
        twilio_server.script(sms.address, code=20500 if n % 2 else 20429, times=3)
        notify(app_session, victim, "update", source_key=f"outage{n}")
    app_session.commit()
    _work_until(
        notify_app, lambda: sum(twilio_server.count_by_number().values()) == 30, concurrency=4
    )
    counts = twilio_server.count_by_number()
    assert all(counts[sms.address] == 1 for _, sms, _ in victims)
    assert {r.status for r in _rows(app_session)} == {Status.SENT}
