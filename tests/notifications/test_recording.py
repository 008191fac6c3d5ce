"""Recording a send the worker made, when the provider's "delivered" callback got there first:
the worker's record must not move anything backwards, and every row coalesced into the send
still shares its fate."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from notifications import notify
from notifications.models import DeliveryAttempt, Notification, Status
from notifications.providers.base import SENT
from notifications.recording import Outcome
from notifications.worker import Worker
from tests.notifications.conftest import make_victim
from tests.notifications.test_webhooks import _callback


def test_a_delivered_callback_before_the_record_is_kept_and_shared_by_the_coalesced_rows(
    notify_app, app_session
):
    victim, sms, _ = make_victim(app_session)
    for n in range(2):
        notify(app_session, victim, "update", source_key=f"early{n}")
    app_session.commit()
    worker = Worker(notify_app, concurrency=1)
    (job,) = worker._claim(10)  # claimed and committed; the send is "at the provider"
    assert len(job.follower_ids) == 1

    lead = app_session.get(Notification, job.notification_id)
    attempt = app_session.get(DeliveryAttempt, job.attempt_id)
    message = SimpleNamespace(sid="SMfromthecallback", to=sms.address)
    response = _callback(notify_app.test_client(), lead, attempt, message, "delivered")
    assert response.status_code == 204

    worker._record([Outcome(job.notification_id, job.attempt_id, SENT, "SMfromthesend")])

    app_session.commit()
    app_session.expire_all()
    rows = list(
        app_session.scalars(select(Notification).where(Notification.recipient_id == victim.id))
    )
    assert {r.status for r in rows} == {Status.DELIVERED}
    assert {r.provider_id for r in rows} == {"SMfromthecallback"}
    lead = app_session.get(Notification, job.notification_id)
    assert lead.lease_until is None
    attempt = app_session.get(DeliveryAttempt, job.attempt_id)
    assert attempt.status == Status.SENT
    assert [h[0] for h in attempt.history] == ["sending", "callback:delivered", "sent"]
    assert attempt.provider_id == "SMfromthecallback"
    assert attempt.finished_at is not None
