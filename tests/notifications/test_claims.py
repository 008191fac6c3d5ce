"""The claim reads the queue from its front: the longest-waiting person first, never a row
that is not due or is folded into another send, and the same literal predicate as the
partial index it walks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from notifications import notify
from notifications.claims import claim
from notifications.config import build_providers
from notifications.models import QUEUE_PREDICATE, Notification, Status
from portal.clock import utcnow
from tests.notifications.conftest import make_victim


def test_queue_predicate_names_exactly_the_due_statuses():
    quoted = {part.strip(" '") for part in QUEUE_PREDICATE.split("(")[1].split(")")[0].split(",")}
    assert quoted == set(Status.DUE)
    assert "coalesced_into_id IS NULL" in QUEUE_PREDICATE


def test_claim_takes_the_longest_waiting_person_first_and_skips_what_is_not_due(
    notify_app, app_session
):
    now = utcnow()
    people = [make_victim(app_session)[0] for _ in range(3)]
    rows = {}
    for n, person in enumerate(people):
        (rows[n],) = notify(app_session, person, "update", source_key=f"q{n}").notifications
    # Person 2 has waited longest, person 0 next; person 1's send is not due for an hour.
    rows[2].not_before = now - timedelta(minutes=30)
    rows[0].not_before = now - timedelta(minutes=10)
    rows[1].not_before = now + timedelta(hours=1)
    app_session.commit()

    settings = notify_app.config["WAYPOINT_SETTINGS"]
    providers = build_providers(notify_app)
    first = claim(
        app_session,
        now=now,
        worker="test",
        limit=1,
        lease_seconds=300,
        providers=providers,
        settings=settings,
    )
    second = claim(
        app_session,
        now=now,
        worker="test",
        limit=5,
        lease_seconds=300,
        providers=providers,
        settings=settings,
    )
    app_session.commit()
    assert [job.notification_id for job in first] == [rows[2].id]
    assert [job.notification_id for job in second] == [rows[0].id]
    statuses = dict(app_session.execute(select(Notification.id, Notification.status)).all())
    assert statuses[rows[1].id] == Status.QUEUED
    assert statuses[rows[0].id] == statuses[rows[2].id] == Status.SENDING
