"""Twilio webhooks: signatures (good, bad, missing, wrong URL, replay), one-way statuses, and
inbound STOP / START / HELP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from notifications import notify
from notifications.models import Consent, DeliveryAttempt, Notification, Status
from notifications.worker import Worker
from tests.notifications.conftest import make_victim
from tests.support.twilio_server import sign

BASE = "https://waypoint.example.org"


@pytest.fixture
def sent(notify_app, app_session, twilio_server):
    """One SMS notification, sent through the worker; returns (row, attempt, message)."""
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="wh")
    app_session.commit()
    Worker(notify_app, concurrency=1).run(once=True)
    row = app_session.scalar(select(Notification).where(Notification.recipient_id == victim.id))
    attempt = app_session.scalar(
        select(DeliveryAttempt).where(DeliveryAttempt.notification_id == row.id)
    )
    (message,) = twilio_server.messages_to(sms.address)
    return row, attempt, message


def _callback(client, row, attempt, message, status, *, signature=None, url_base=BASE, **extra):
    path = f"/webhooks/twilio/status?n={row.id}&a={attempt.id}"
    params = {"MessageSid": message.sid, "MessageStatus": status, "To": message.to, **extra}
    headers = {}
    if signature is None:
        headers["X-Twilio-Signature"] = sign(url_base + path, params)
    elif signature:
        headers["X-Twilio-Signature"] = signature
    return client.post(path, data=params, headers=headers)


def _status(session, row):
    session.commit()
    session.expire_all()
    return session.get(Notification, row.id).status


def test_a_signed_delivered_callback_marks_delivered_and_replays_are_harmless(
    notify_app, app_session, sent
):
    row, attempt, message = sent
    client = notify_app.test_client()
    assert _callback(client, row, attempt, message, "delivered").status_code == 204
    assert _status(app_session, row) == Status.DELIVERED
    assert _callback(client, row, attempt, message, "delivered").status_code == 204
    # A late "sent" never overwrites "delivered".
    assert _callback(client, row, attempt, message, "sent").status_code == 204
    assert _status(app_session, row) == Status.DELIVERED
    app_session.refresh(attempt)
    callbacks = [h[0] for h in attempt.history if h[0].startswith("callback:")]
    assert callbacks == ["callback:delivered", "callback:sent"]


@pytest.mark.parametrize(
    "signature", ["", "bm90IGEgc2lnbmF0dXJl", "wrong-url"], ids=["missing", "bad", "wrong-url"]
)
def test_missing_or_bad_signature_is_refused_and_changes_nothing(
    notify_app, app_session, sent, signature
):
    row, attempt, message = sent
    client = notify_app.test_client()
    if signature == "wrong-url":
        # Signed for the URL the app happens to see, not the configured public one.
        response = _callback(
            client, row, attempt, message, "delivered", url_base="http://localhost"
        )
    else:
        response = _callback(client, row, attempt, message, "delivered", signature=signature)
    assert response.status_code == 403
    assert _status(app_session, row) == Status.SENT


def test_a_signature_for_other_parameters_is_refused(notify_app, app_session, sent):
    row, attempt, message = sent
    path = f"/webhooks/twilio/status?n={row.id}&a={attempt.id}"
    good = sign(BASE + path, {"MessageSid": message.sid, "MessageStatus": "sent"})
    response = notify_app.test_client().post(
        path,
        data={"MessageSid": message.sid, "MessageStatus": "undelivered", "ErrorCode": "30006"},
        headers={"X-Twilio-Signature": good},
    )
    assert response.status_code == 403
    assert _status(app_session, row) == Status.SENT


def test_undelivered_with_a_permanent_code_fails_and_with_a_retryable_code_retries(
    notify_app, app_session, sent
):
    row, attempt, message = sent
    client = notify_app.test_client()
    _callback(client, row, attempt, message, "undelivered", ErrorCode="30003")
    assert _status(app_session, row) == Status.FAILED_RETRYABLE
    # The retry is a new attempt; an old attempt's callback no longer moves the row.
    _callback(client, row, attempt, message, "failed", ErrorCode="30006")
    assert _status(app_session, row) == Status.FAILED_RETRYABLE


def test_undelivered_with_a_permanent_code_is_a_task(notify_app, app_session, sent):
    row, attempt, message = sent
    _callback(notify_app.test_client(), row, attempt, message, "failed", ErrorCode="30006")
    assert _status(app_session, row) == Status.FAILED_PERMANENT
    assert app_session.get(Notification, row.id).last_error_code == "30006"


def _inbound(client, number, body, signature=True):
    path = "/webhooks/twilio/inbound"
    params = {"From": number, "To": "+447700900000", "Body": body, "MessageSid": "SM" + "1" * 32}
    headers = {"X-Twilio-Signature": sign(BASE + path, params)} if signature else {}
    return client.post(path, data=params, headers=headers)


@pytest.mark.parametrize(
    "word",
    ["STOP", " stop ", "Unsubscribe", "END", "quit", "STOPALL", "revoke", "OptOut", "cancel"],
)
def test_stop_words_opt_out_before_the_next_send(notify_app, app_session, twilio_server, word):
    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="before-stop")
    app_session.commit()
    response = _inbound(notify_app.test_client(), sms.address, word)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    Worker(notify_app, concurrency=1).run(once=True)
    assert twilio_server.messages_to(sms.address) == []
    app_session.commit()
    app_session.expire_all()
    app_session.refresh(sms)
    assert sms.opted_out_at is not None
    log = app_session.scalars(select(Consent).where(Consent.contact_point_id == sms.id)).all()
    assert [(c.field, c.new_value, c.source) for c in log] == [
        ("sms.opted_out", "yes", "sms_keyword")
    ]
    assert notify(app_session, victim, "update", source_key="after-stop").decision == (
        "no_contact_point"
    )


def test_start_opts_back_in_and_help_gets_a_neutral_reply(notify_app, app_session):
    _, sms, _ = make_victim(app_session)
    app_session.commit()
    client = notify_app.test_client()
    _inbound(client, sms.address, "STOP")
    _inbound(client, sms.address, "start")
    app_session.commit()
    app_session.expire_all()
    app_session.refresh(sms)
    assert sms.opted_out_at is None
    help_reply = _inbound(client, sms.address, "HELP").get_data(as_text=True)
    assert "<Message>" in help_reply
    assert "STOP" in help_reply


def test_other_inbound_text_is_not_stored_and_gets_a_pointer_to_the_portal(notify_app, app_session):
    _, sms, _ = make_victim(app_session)
    app_session.commit()
    before = app_session.scalar(select(func.count()).select_from(Consent))
    reply = _inbound(notify_app.test_client(), sms.address, "please call me tomorrow")
    assert reply.status_code == 200
    assert "sign in" in reply.get_data(as_text=True)
    app_session.commit()
    assert app_session.scalar(select(func.count()).select_from(Consent)) == before


def test_unsigned_inbound_stop_is_refused(notify_app, app_session):
    _, sms, _ = make_victim(app_session)
    app_session.commit()
    assert (
        _inbound(notify_app.test_client(), sms.address, "STOP", signature=False).status_code == 403
    )
    app_session.refresh(sms)
    assert sms.opted_out_at is None


def test_signed_callbacks_from_the_provider_reach_the_portal_over_http(make_app, twilio_server):
    """The local Twilio server POSTs signed status callbacks to the portal, served for real."""
    import socket
    import threading

    from sqlalchemy.orm import Session
    from werkzeug.serving import make_server

    from portal.extensions import db
    from tests.notifications.conftest import FAST_WORKER, provider_settings
    from tests.notifications.workers import wait_for

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {**provider_settings(twilio_server), "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    app = make_app(**settings, **FAST_WORKER)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    twilio_server.state.callbacks = True
    try:
        with app.app_context():
            session = Session(bind=db.engine, expire_on_commit=False)
            victim, _, _ = make_victim(session)
            notify(session, victim, "update", source_key="live-callback")
            session.commit()
            Worker(app, concurrency=1).run(once=True)

            def delivered() -> bool:
                session.commit()
                session.expire_all()
                row = session.scalar(
                    select(Notification).where(Notification.recipient_id == victim.id)
                )
                return row.status == Status.DELIVERED

            wait_for(delivered, timeout=20)
            session.close()
    finally:
        server.shutdown()


def test_a_late_sent_callback_does_not_undo_a_failure(notify_app, app_session, sent):
    row, attempt, message = sent
    client = notify_app.test_client()
    _callback(client, row, attempt, message, "undelivered", ErrorCode="30003")
    _callback(client, row, attempt, message, "sent")
    _callback(client, row, attempt, message, "delivered")
    assert _status(app_session, row) == Status.FAILED_RETRYABLE
