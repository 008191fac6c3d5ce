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


def test_a_batch_of_sends_is_recorded_per_send_in_one_record(notify_app, app_session):
    """Several sends recorded in one transaction (as the worker does, a half batch at a time)
    each get their own provider id and attempt; a follower shares its own lead's fate only; a
    send whose "delivered" callback came first keeps it. Guards the record's set-based
    statements, which a change for speed is most likely to touch."""
    victims = [make_victim(app_session) for _ in range(3)]
    for n, (victim, _sms, _) in enumerate(victims):
        for m in range(2 if n == 0 else 1):
            notify(app_session, victim, "update", source_key=f"batch{n}.{m}")
    app_session.commit()
    worker = Worker(notify_app, concurrency=1)
    jobs = {job.message.to: job for job in worker._claim(10)}
    first, second, third = (jobs[sms.address] for _v, sms, _ in victims)
    assert len(first.follower_ids) == 1
    assert not second.follower_ids
    lead = app_session.get(Notification, third.notification_id)
    attempt = app_session.get(DeliveryAttempt, third.attempt_id)
    message = SimpleNamespace(sid="SMcallback3", to=victims[2][1].address)
    assert _callback(notify_app.test_client(), lead, attempt, message, "delivered").status_code
    app_session.commit()

    worker._record(
        [
            Outcome(j.notification_id, j.attempt_id, SENT, f"SMsend{n}")
            for n, j in enumerate(jobs.values())
        ]
    )

    app_session.expire_all()
    names = {j.notification_id: f"SMsend{n}" for n, j in enumerate(jobs.values())}
    for job, status in ((first, Status.SENT), (second, Status.SENT), (third, Status.DELIVERED)):
        pid = "SMcallback3" if job is third else names[job.notification_id]
        rows = [app_session.get(Notification, job.notification_id)] + [
            app_session.get(Notification, f) for f in job.follower_ids
        ]
        assert [(r.status, r.provider_id, r.secret) for r in rows] == [(status, pid, None)] * len(
            rows
        )
        assert rows[0].lease_until is None
        assert all(r.sent_at is not None for r in rows) == (job is not third)
        attempt = app_session.get(DeliveryAttempt, job.attempt_id)
        assert (attempt.status, attempt.provider_id) == (Status.SENT, pid)
        assert attempt.history[-1][0] == "sent"
        assert attempt.finished_at is not None
