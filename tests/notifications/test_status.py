"""`flask notifications status`: what an operator (or a monitoring probe) sees of the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import update

from notifications import notify
from notifications.models import Notification, Status
from notifications.status import queue_status
from notifications.worker import Worker
from portal.clock import utcnow
from tests.notifications.conftest import make_victim

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # midday: outside anyone's quiet hours


def _status(app) -> dict:
    result = app.test_cli_runner().invoke(args=["notifications", "status", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_status_counts_waiting_in_doubt_and_failed_without_contents(
    notify_app, app_session, twilio_server
):
    with time_machine.travel(T0, tick=False):
        assert _status(notify_app) == {
            "queue_depth": 0,
            "due_now": 0,
            "oldest_due_seconds": None,
            "sending": 0,
            "in_doubt": 0,
            "failed_last_hour": 0,
        }
        people = [make_victim(app_session)[0] for _ in range(4)]
        for number, victim in enumerate(people):
            notify(app_session, victim, "update", source_key=f"u{number}")
        app_session.commit()
    rows = {n.recipient_id: n.id for n in app_session.query(Notification)}
    ids = [rows[v.id] for v in people]
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        now = utcnow()
        # One claimed by a worker (lease running), one whose lease ran out, one failed.
        app_session.execute(
            update(Notification)
            .where(Notification.id == ids[0])
            .values(status=Status.SENDING, lease_until=now + timedelta(minutes=1))
        )
        app_session.execute(
            update(Notification)
            .where(Notification.id == ids[1])
            .values(status=Status.SENDING, lease_until=now - timedelta(minutes=1))
        )
        app_session.execute(
            update(Notification)
            .where(Notification.id == ids[2])
            .values(status=Status.FAILED_PERMANENT, updated_at=now - timedelta(minutes=10))
        )
        app_session.commit()
        figures = _status(notify_app)
        assert figures == {
            "queue_depth": 1,
            "due_now": 1,
            "oldest_due_seconds": 300.0,
            "sending": 1,
            "in_doubt": 1,
            "failed_last_hour": 1,
        }
        text = notify_app.test_cli_runner().invoke(args=["notifications", "status"]).output
        assert "Oldest due send waiting        300 s" in text
        assert "+447700" not in text
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        assert _status(notify_app)["failed_last_hour"] == 0  # an hour is an hour


def test_a_send_not_yet_due_counts_as_waiting_but_not_due(notify_app, app_session):
    with time_machine.travel(T0, tick=False):
        victim, _, _ = make_victim(app_session)
        notify(app_session, victim, "update", source_key="later")
        app_session.execute(
            update(Notification).values(not_before=utcnow() + timedelta(hours=9))
        )  # as quiet hours would
        app_session.commit()
        figures = queue_status(app_session, utcnow())
    assert (figures.queue_depth, figures.due_now, figures.oldest_due_seconds) == (1, 0, None)


def test_a_worker_with_a_liveness_file_touches_it_while_working_and_removes_it_on_stop(
    notify_app, app_session, twilio_server, tmp_path
):
    from portal.liveness import Heartbeat, check

    victim, sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="alive")
    app_session.commit()
    seen: list[bool] = []
    path = tmp_path / "run" / "worker.alive"

    class Watching(Heartbeat):
        def __call__(self) -> None:
            super().__call__()
            seen.append(check(path, 60) is None)

    assert Worker(notify_app, heartbeat=Watching(path)).run(once=True) == 1
    assert seen
    assert all(seen)  # alive at every turn of the loop
    assert not path.exists()
    assert len(twilio_server.messages_to(sms.address)) == 1
