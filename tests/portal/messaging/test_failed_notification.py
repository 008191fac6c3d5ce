"""TRAUMA_INFORMED.md rule 18: a message survives a failed notification. The real worker sends
to the local Twilio server, every channel fails for good, the message is still there and the
ISVA sees the failure as a task on the inbox and on the case's messages page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.models import Notification, Status
from notifications.worker import Worker
from portal.auth.loader import SESSION_KEY
from portal.models import Role
from portal.models.message import Message
from portal.services.accounts.sessions import SessionLimits, start
from portal.services.messaging import messages as messaging
from tests.notifications.conftest import make_victim
from tests.support.factories import make_case, make_org, make_user


def test_message_is_kept_and_the_failed_notification_becomes_a_task(
    notify_app, app_session: Session, twilio_server
):
    org = make_org(app_session)
    victim, sms, _ = make_victim(app_session, org)  # one channel: SMS
    isva = make_user(app_session, org, Role.ISVA, name="Sam Taylor")
    case = make_case(app_session, org, victim, isva)
    app_session.commit()
    twilio_server.script(sms.address, code=30005)  # unknown number: fails for good

    messaging.reply(
        app_session, case, isva, "Your appointment is confirmed.", messaging.new_idempotency_key()
    )
    app_session.commit()
    Worker(notify_app, concurrency=1).run(once=True)
    app_session.commit()

    [row] = app_session.scalars(select(Notification).where(Notification.recipient_id == victim.id))
    assert row.status == Status.FAILED_PERMANENT
    assert app_session.scalar(select(Message.body).where(Message.case_id == case.id)) == (
        "Your appointment is confirmed."
    )

    client = notify_app.test_client()
    token, _ = start(
        app_session, isva, SessionLimits.from_settings(notify_app.config["WAYPOINT_SETTINGS"])
    )
    app_session.commit()
    with client.session_transaction() as flask_session:
        flask_session[SESSION_KEY] = token
    inbox = client.get("/caseworker/messages").get_data(as_text=True)
    assert "Notification failed" in inbox
    page = client.get(f"/caseworker/cases/{case.id}/messages").get_data(as_text=True)
    assert "A notification could not be delivered" in page
    assert "The mobile number is not known to the network." in page
    assert "Your appointment is confirmed." in page


def test_a_message_is_kept_even_if_queuing_its_notification_fails(world, session, monkeypatch):
    from portal.services.messaging import messages as service

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(service, "notify", broken)
    message = service.send_from_victim(
        session, world.case, world.victim, "Still here", service.new_idempotency_key()
    )
    session.flush()
    session.expire_all()
    assert session.get(Message, message.id).body == "Still here"
