"""Edges of delivery: verification codes, timeouts and in-doubt sends, the test-only fault hook,
the SDK ignoring TWILIO_REGION/EDGE, and the development outbox."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select, update

from notifications import notify
from notifications.contacts import VerificationError, send_code, set_address
from notifications.models import Channel, DeliveryAttempt, Notification, Status
from notifications.worker import Worker
from portal.config import ConfigError
from tests.notifications.conftest import make_victim
from tests.notifications.test_worker import _rows, _work, _work_until
from tests.support.factories import make_org, make_user


def test_a_verification_code_is_sent_even_in_quiet_hours_and_never_logged(
    notify_app, app_session, twilio_server, caplog
):
    caplog.set_level(logging.DEBUG)
    victim = make_user(app_session, make_org(app_session))
    number = "+447123456780"
    point = set_address(
        app_session, victim, Channel.SMS, number, safe_confirmed=True, source="portal", actor=victim
    )
    with time_machine.travel(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)):
        send_code(app_session, victim, point)
        app_session.commit()
        code = _rows(app_session, recipient_id=victim.id)[0].secret
        _work(notify_app)
    (message,) = twilio_server.messages_to(number)
    assert code in message.body
    assert code not in caplog.text
    assert number not in caplog.text
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert row.status == Status.SENT
    assert row.secret is None  # the code is not kept once sent
    # Nothing but the code goes to an unverified contact point.
    assert notify(app_session, victim, "update", source_key="x").decision == "no_contact_point"


def test_no_code_is_sent_to_a_contact_point_not_confirmed_safe(app_session):
    victim = make_user(app_session, make_org(app_session))
    point = set_address(
        app_session,
        victim,
        Channel.SMS,
        "+447123456781",
        safe_confirmed=False,
        source="portal",
        actor=victim,
    )
    with pytest.raises(VerificationError):
        send_code(app_session, victim, point)


@pytest.mark.parametrize("twilio_saw_it", [True, False])
def test_a_timeout_is_in_doubt_and_reconciled_before_any_retry(
    notify_app, app_session, twilio_server, twilio_saw_it
):
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="timeout")
    app_session.commit()
    # Longer than the provider timeout (1 s in these tests).
    twilio_server.script(sms.address, hang=1.5, record_before_hang=twilio_saw_it)
    _work(notify_app)
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert row.status == Status.SENDING  # in doubt: not failed, not retried
    twilio_server.script(sms.address)
    _work_until(notify_app, lambda: _rows(app_session, recipient_id=victim.id)[0].status == "sent")
    assert len(twilio_server.messages_to(sms.address)) == 1
    attempts = app_session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.notification_id == row.id)
        .order_by(DeliveryAttempt.number)
    ).all()
    histories = [[h[0] for h in a.history] for a in attempts]
    if twilio_saw_it:
        assert histories == [["sending", "in_doubt", "reconciling", "sent"]]
    else:
        # Twilio never saw it: reconciled as not seen, and only then sent again. On a busy
        # machine a retry may itself time out; it is settled the same way before the next.
        unseen = ["sending", "in_doubt", "reconciling", "not_seen"]
        assert len(histories) >= 2
        assert histories[:-1] == [unseen] * (len(histories) - 1)
        assert histories[-1] == ["sending", "sent"]


def test_an_in_doubt_email_is_not_resent_but_becomes_a_task(notify_app, app_session, smtp_server):
    victim, _, _ = make_victim(app_session, sms=None, email="doubt@example.org")
    notify(app_session, victim, "update", source_key="doubt")
    app_session.commit()
    worker = Worker(notify_app, concurrency=1)
    assert len(worker._claim(10)) == 1  # claimed, then the worker "dies"
    app_session.execute(
        update(Notification)
        .where(Notification.recipient_id == victim.id)
        .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    app_session.commit()
    _work(notify_app)
    (row,) = _rows(app_session, recipient_id=victim.id)
    assert (row.status, row.last_error_code) == (Status.FAILED_PERMANENT, "in_doubt")
    assert smtp_server.to("doubt@example.org") == []


def test_the_fault_hook_cannot_be_enabled_outside_tests(make_app):
    with pytest.raises(ConfigError, match="test-only"):
        make_app(WAYPOINT_ENV="development", WAYPOINT_FAULT="after_claim")


def test_twilio_region_and_edge_in_the_environment_cannot_reroute_the_sdk(
    notify_app, app_session, twilio_server, monkeypatch
):
    monkeypatch.setenv("TWILIO_REGION", "au1")
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="region")
    app_session.commit()
    _work(notify_app)
    assert len(twilio_server.messages_to(sms.address)) == 1


def test_the_development_outbox_exists_only_in_development_or_debug(app, make_app, monkeypatch):
    assert "dev_outbox.outbox" not in app.view_functions  # WAYPOINT_ENV=test
    # `make run`: development, not debug.
    assert "dev_outbox.outbox" in make_app(WAYPOINT_ENV="development").view_functions
    monkeypatch.setenv("FLASK_DEBUG", "1")
    debug_app = make_app()
    assert "dev_outbox.outbox" in debug_app.view_functions


def test_the_console_provider_keeps_messages_on_this_machine(make_app):
    from notifications.providers.console import read_outbox
    from portal.extensions import db

    app = make_app()  # SMS_PROVIDER and EMAIL_PROVIDER default to console
    with app.app_context():
        session = db.session()
        victim, sms, _ = make_victim(session)
        notify(session, victim, "update", source_key="console")
        session.commit()
        address = sms.address
    Worker(app, concurrency=1).run(once=True)
    outbox = read_outbox(Path(app.config["WAYPOINT_SETTINGS"].INSTANCE_PATH) / "dev-outbox.jsonl")
    assert [m["to"] for m in outbox] == [address]
    assert outbox[0]["body"].startswith("You have a new update")


def test_a_service_name_that_would_name_the_purpose_is_refused_at_start(make_app):
    with pytest.raises(ConfigError, match="neutral"):
        make_app(SERVICE_NAME="Rape Support Portal")


def test_a_send_whose_lease_is_nearly_over_is_given_back_not_started(
    notify_app, app_session, twilio_server
):
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="late")
    app_session.commit()
    worker = Worker(notify_app, concurrency=1)
    (job,) = worker._claim(10)
    job.lease_until = datetime.now(UTC) + timedelta(seconds=1)  # less than the send margin
    outcome = worker._send(job)
    assert (outcome.kind, outcome.code) == ("not_seen", "lease")
    assert twilio_server.messages_to(sms.address) == []
    worker._record([outcome])
    _work(notify_app)
    assert len(twilio_server.messages_to(sms.address)) == 1


def test_a_lease_shorter_than_a_send_can_take_is_refused(make_app):
    with pytest.raises(ConfigError, match="NOTIFY_LEASE_SECONDS"):
        make_app(NOTIFY_LEASE_SECONDS=5, NOTIFY_PROVIDER_TIMEOUT=10)


def test_a_resent_code_replaces_the_last_and_only_the_newest_is_sent(
    notify_app, app_session, twilio_server
):
    victim = make_user(app_session, make_org(app_session))
    number = "+447123456782"
    point = set_address(
        app_session, victim, Channel.SMS, number, safe_confirmed=True, source="portal", actor=victim
    )
    send_code(app_session, victim, point)
    app_session.commit()
    send_code(app_session, victim, point)
    app_session.commit()
    rows = sorted(_rows(app_session, recipient_id=victim.id), key=lambda r: r.created_at)
    newest = rows[-1].secret
    _work(notify_app)
    (message,) = twilio_server.messages_to(number)
    assert newest in message.body
    rows = sorted(_rows(app_session, recipient_id=victim.id), key=lambda r: r.created_at)
    assert [(r.status, r.last_error_code) for r in rows] == [
        (Status.CANCELLED, "superseded"),
        (Status.SENT, None),
    ]
