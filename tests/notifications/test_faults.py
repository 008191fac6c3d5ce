"""Fault injection with real worker processes: SIGKILL after claiming, while the provider call
is in flight, and after the provider answered but before recording. After a restart, every
notification must have reached the provider exactly once. Then several workers at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import notify
from notifications.models import DeliveryAttempt, Status
from portal.extensions import db
from tests.notifications.conftest import FAST_WORKER, make_victim, provider_settings
from tests.notifications.workers import (
    all_final,
    kill_leftovers,
    kill_worker,
    start_worker,
    status_counts,
    stop_worker,
    wait_for,
)
from tests.support.databases import is_postgres
from tests.support.factories import make_org

pytestmark = pytest.mark.slow

# Short leases so a restarted worker soon finds the dead one's sends in doubt; the provider
# timeout must stay well inside the lease (config.py refuses otherwise).
FAULT_WORKER = {**FAST_WORKER, "NOTIFY_LEASE_SECONDS": 4.0, "NOTIFY_PROVIDER_TIMEOUT": 1.0}


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test():
    """A test that fails before stopping its workers must not leave them running."""
    yield
    kill_leftovers()


def _seed(app, count: int) -> list[str]:
    """``count`` victims with one verified mobile each and one notification queued for each."""
    numbers = []
    with app.app_context():
        session = Session(bind=db.engine)
        org = make_org(session)
        for n in range(count):
            victim, sms, _ = make_victim(session, org)
            notify(session, victim, "update", source_key=f"fault:{n}")
            numbers.append(sms.address)
        session.commit()
        session.close()
    return numbers


def _assert_exactly_once(twilio_server, numbers):
    counts = twilio_server.count_by_number()
    assert [n for n in numbers if counts[n] != 1] == []
    assert sum(counts.values()) == len(numbers)


@pytest.fixture
def fault_app(make_app, twilio_server):
    return make_app(**provider_settings(twilio_server), **FAULT_WORKER)


def _reconciled(app) -> int:
    """Attempts settled by asking the provider (in doubt after a kill)."""
    with app.app_context():
        attempts = db.session.scalars(select(DeliveryAttempt)).all()
        db.session.remove()
    return sum(1 for a in attempts if "reconciling" in [h[0] for h in a.history])


def _finish(app, twilio_server, numbers):
    worker = start_worker(app)
    try:
        wait_for(lambda: all_final(app, len(numbers)), timeout=90)
    finally:
        assert stop_worker(worker) == 0
    assert status_counts(app) == {Status.SENT: len(numbers)}
    _assert_exactly_once(twilio_server, numbers)


def test_killed_after_claiming_nothing_is_lost_or_sent_twice(fault_app, twilio_server):
    numbers = _seed(fault_app, 12)
    worker = start_worker(fault_app, fault="after_claim")
    assert worker.wait(timeout=60) == 17
    assert status_counts(fault_app).get(Status.SENDING, 0) > 0
    assert sum(twilio_server.count_by_number().values()) == 0
    _finish(fault_app, twilio_server, numbers)
    assert _reconciled(fault_app) >= 1  # asked Twilio, which had not seen them: sent once


def test_killed_while_the_provider_call_is_in_flight(fault_app, twilio_server):
    numbers = _seed(fault_app, 12)
    for number in numbers:
        twilio_server.script(number, hang=3.0)  # Twilio has it, but has not answered yet
    worker = start_worker(fault_app)
    wait_for(lambda: sum(twilio_server.state.requests.values()) >= 4, timeout=60, interval=0.02)
    kill_worker(worker)
    for number in numbers:
        twilio_server.script(number)
    in_flight = sum(twilio_server.state.requests.values())
    assert 0 < in_flight < len(numbers)
    _finish(fault_app, twilio_server, numbers)
    assert _reconciled(fault_app) >= in_flight


def test_killed_after_the_provider_answered_before_recording(fault_app, twilio_server):
    numbers = _seed(fault_app, 12)
    worker = start_worker(fault_app, fault="after_provider", concurrency=1)
    assert worker.wait(timeout=60) == 17
    assert sum(twilio_server.count_by_number().values()) >= 1
    _finish(fault_app, twilio_server, numbers)
    assert _reconciled(fault_app) >= 1


def test_graceful_stop_finishes_in_flight_sends_and_releases_the_rest(fault_app, twilio_server):
    numbers = _seed(fault_app, 30)
    for number in numbers:
        twilio_server.script(number, hang=0.3)
    worker = start_worker(fault_app, concurrency=2)
    wait_for(lambda: sum(twilio_server.state.requests.values()) >= 2, timeout=60, interval=0.02)
    assert stop_worker(worker) == 0
    counts = status_counts(fault_app)
    assert counts.get(Status.SENDING, 0) == 0  # nothing left claimed
    assert counts.get(Status.SENT, 0) == sum(twilio_server.count_by_number().values())
    assert counts.get(Status.SENT, 0) < len(numbers)
    for number in numbers:
        twilio_server.script(number)
    _finish(fault_app, twilio_server, numbers)


@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_workers_send_each_notification_exactly_once(make_app, twilio_server, workers):
    app = make_app(**provider_settings(twilio_server), **FAST_WORKER)
    total = 2000 if is_postgres() else 400
    numbers = _seed(app, total)
    processes = [start_worker(app, concurrency=4) for _ in range(workers)]
    try:
        wait_for(lambda: all_final(app, total), timeout=240, interval=0.5)
    finally:
        codes = [stop_worker(p) for p in processes]
    assert codes == [0] * workers
    assert status_counts(app) == {Status.SENT: total}
    _assert_exactly_once(twilio_server, numbers)
