"""The delivery state machine under random event orders, on real rows (a lead and a row
coalesced into it): the worker's answers, Twilio's status callbacks out of order and replayed,
leases running out and reconciliation's answers, claims and graceful releases, all through the
real entry points (the worker, the signed webhook, the reconciler). After every event a status
has only climbed the ladder, by a move the table allows (a release only ever restores where
the claim found the row), a final status never changes, and the coalesced row shares its lead's
status; once the events settle, the notification and every attempt have ended, in exactly one
final state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import time_machine
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import notify
from notifications.claims import Job
from notifications.delivery import (
    ALLOWED,
    RECONCILING,
    SETTLING,
    STEP,
    check_ladder,
    position,
)
from notifications.models import DeliveryAttempt, Notification, Status
from notifications.providers.base import (
    FOUND,
    IN_DOUBT,
    NOT_SEEN,
    OPTED_OUT,
    PERMANENT,
    RETRY,
    SENT,
    UNKNOWN,
    Reconciled,
    RetryableError,
)
from notifications.reconcile import Reconciler
from notifications.recording import Outcome
from notifications.worker import Worker
from tests.notifications.conftest import make_victim
from tests.support.twilio_server import sign

BASE = "https://waypoint.example.org"
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # well outside quiet hours
# What the worker may learn of a send, with the code it would carry.
ANSWERS = [
    (SENT, None),
    (RETRY, "30003"),
    (PERMANENT, "30005"),
    (OPTED_OUT, "21610"),
    (IN_DOUBT, "timeout"),
    (NOT_SEEN, "lease"),
]
CALLBACKS = ["sent", "delivered", "undelivered", "failed"]
CODES = ["30003", "30005", "21610", ""]  # retry later, permanent, opted out, none given
RECONCILED = [FOUND, NOT_SEEN, UNKNOWN, "unreachable"]


class ScriptedSMS:
    """Twilio as reconciliation sees it, answering what the test says."""

    name = "twilio"
    channel = "sms"

    def __init__(self) -> None:
        self.answer = UNKNOWN

    def reconcile(self, message, started_at, known_ids) -> Reconciled:
        if self.answer == "unreachable":
            raise RetryableError("reconcile_unreachable")
        found = f"SMfound{message.attempt_id.hex}" if self.answer == FOUND else None
        return Reconciled(self.answer, found)

    def close(self) -> None:
        pass


@dataclass
class World:
    worker: Worker
    sms: ScriptedSMS
    reconciler: Reconciler
    client: FlaskClient
    session: Session


class Events(RuleBasedStateMachine):
    """One person's two coalesced notifications, and the world around them."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    @initialize()
    def queue_two_for_one_person(self) -> None:
        self.travel = time_machine.travel(NOON, tick=False)
        self.clock = self.travel.start()
        victim, self.sms_point, _ = make_victim(self.world.session)
        for n in range(2):
            notify(self.world.session, victim, "update", source_key=f"prop{n}")
        self.world.session.commit()
        self.recipient = victim.id
        self.jobs: list[Job] = []
        self.answered: set[int] = set()  # attempts the worker has answered or given up
        self.released: set[int] = set()  # attempts given back: Twilio never saw them
        self.ends: dict[int, set[str]] = {}  # how each attempt ended, as the row saw it
        self.callbacks: list[tuple[int, str, str]] = []
        self.finals: set[str] = set()
        self.lead_id = None
        self.before_claim = (0, STEP[Status.QUEUED])
        self.position = self.before_claim
        self.status = Status.QUEUED
        self.claim()

    # -- events ------------------------------------------------------------------------
    @precondition(lambda self: self.status in Status.DUE)
    @rule()
    def claim(self) -> None:
        self.clock.shift(timedelta(seconds=1))  # past any back-off (FAST_WORKER: 50 ms)
        self.before_claim = self.position
        jobs = self.world.worker._claim(50)
        (job,) = [j for j in jobs if j.contact_point_id == self.sms_point.id]
        assert self.lead_id in (None, job.notification_id)
        self.lead_id = job.notification_id
        assert len(job.follower_ids) == 1
        if self.jobs:
            self.answered.add(len(self.jobs) - 1)  # only the newest send is answered
        self.jobs.append(job)
        self.ends[len(self.jobs) - 1] = set()
        self.observe("claim")

    @precondition(lambda self: self._unanswered())
    @rule(answer=st.sampled_from(ANSWERS))
    def worker_answers(self, answer) -> None:
        kind, code = answer
        job = self.jobs[-1]
        self.answered.add(len(self.jobs) - 1)
        pid = f"SMsent{job.attempt_id.hex}" if kind == SENT else None
        self.world.worker._record([Outcome(job.notification_id, job.attempt_id, kind, pid, code)])
        self.observe("answer")

    @precondition(lambda self: len(self.jobs) > len(self.released))
    @rule(
        which=st.integers(min_value=0, max_value=5),
        status=st.sampled_from(CALLBACKS),
        code=st.sampled_from(CODES),
    )
    def callback(self, which, status, code) -> None:
        seen = [i for i in range(len(self.jobs)) if i not in self.released]
        event = (seen[which % len(seen)], status, code if status in CALLBACKS[2:] else "")
        self.callbacks.append(event)
        self._post(*event)
        self.observe("callback")

    @precondition(lambda self: self.callbacks)
    @rule(which=st.integers(min_value=0, max_value=20))
    def replay(self, which) -> None:
        self._post(*self.callbacks[which % len(self.callbacks)])
        self.observe("replay")

    @precondition(lambda self: self.status == Status.SENDING)
    @rule(answer=st.sampled_from(RECONCILED))
    def lease_runs_out(self, answer) -> None:
        self.answered.add(len(self.jobs) - 1)  # the worker died or timed out
        self.clock.shift(timedelta(seconds=self.world.worker.config.NOTIFY_LEASE_SECONDS + 1))
        self.world.sms.answer = answer
        self.world.reconciler.reconcile_expired()
        self.observe("reconcile")

    @precondition(lambda self: self._unanswered() and self.status == Status.SENDING)
    @rule()
    def graceful_stop(self) -> None:
        self.answered.add(len(self.jobs) - 1)
        self.released.add(len(self.jobs) - 1)
        self.world.worker._release([self.jobs[-1]])
        self.observe("release")

    # -- checks ------------------------------------------------------------------------
    def observe(self, event: str) -> None:
        with self.world.worker.sessions() as session:
            lead = session.get(Notification, self.lead_id)
            coalesced = session.scalars(
                select(Notification).where(Notification.coalesced_into_id == lead.id)
            ).all()
            attempts = session.scalars(
                select(DeliveryAttempt)
                .where(DeliveryAttempt.notification_id == lead.id)
                .order_by(DeliveryAttempt.number, DeliveryAttempt.started_at)
            ).all()
        now = position(lead.status, lead.attempts)
        current = len(self.jobs) - 1
        if event == "release" and now < self.position:
            assert now == self.before_claim, "a release restores where the claim found it"
            self.ends[current].add("released")
        else:
            assert now >= self.position, f"{event}: {self.status} -> {lead.status}"
        assert lead.status == self.status or lead.status in ALLOWED[self.status]
        if self.status in Status.FINAL:
            assert lead.status == self.status, "a final status never changes"
        assert [row.status for row in coalesced] == [lead.status], "shares its lead's fate"
        assert lead.attempts == len(attempts) - sum(a.status == "released" for a in attempts)
        assert all(a.status not in SETTLING for a in attempts[:-1]), "one attempt at a time"
        if lead.status in Status.FINAL:
            self.finals.add(lead.status)
        over = STEP[lead.status] >= STEP[Status.FAILED_RETRYABLE]
        if over and event != "release" and current not in self.released:
            self.ends[current].add(lead.status)  # this attempt is over
        self.position, self.status = now, lead.status

    def teardown(self) -> None:
        try:
            if self.lead_id is not None:
                self._settle()
        finally:
            self.travel.stop()

    # -- helpers -----------------------------------------------------------------------
    def _unanswered(self) -> bool:
        return bool(self.jobs) and len(self.jobs) - 1 not in self.answered

    def _post(self, index: int, status: str, code: str) -> None:
        job = self.jobs[index]
        path = f"/webhooks/twilio/status?n={job.notification_id}&a={job.attempt_id}"
        params = {"MessageSid": f"SM{index}", "MessageStatus": status}
        if code:
            params["ErrorCode"] = code
        headers = {"X-Twilio-Signature": sign(BASE + path, params)}
        assert self.world.client.post(path, data=params, headers=headers).status_code == 204

    def _settle(self) -> None:
        """Let the world finish: the worker answers, leases run out and are settled, and
        Twilio delivers what it has; then everything has ended, once."""
        if self._unanswered():
            self.worker_answers((SENT, None))
        for _ in range(20):
            if self.status in Status.FINAL:
                break
            if self.status == Status.SENDING:
                self.lease_runs_out(UNKNOWN)
            elif self.status == Status.SENT:
                self._post(len(self.jobs) - 1, "delivered", "")
                self.observe("callback")
            else:
                self.claim()
                self.worker_answers((SENT, None))
        assert self.status in Status.FINAL
        assert len(self.finals) == 1, f"ended in more than one final state: {self.finals}"
        with self.world.worker.sessions() as session:
            attempts = session.scalars(
                select(DeliveryAttempt.status).where(
                    DeliveryAttempt.notification_id == self.lead_id
                )
            ).all()
        assert attempts, "at least one attempt"
        # No reconciliation is left half done, and each attempt ended exactly one way. (An
        # attempt's own log may keep "sending" or "in_doubt" when a callback settled the
        # notification before the worker or reconciliation answered: as it does today.)
        assert RECONCILING not in attempts, attempts
        assert all(len(ends) == 1 for ends in self.ends.values()), self.ends


def test_random_event_orders_only_ever_move_a_status_up(notify_app, app_session):
    worker = Worker(notify_app, concurrency=1)
    sms = ScriptedSMS()
    reconciler = Reconciler(worker.sessions, {"sms": sms}, worker.config, worker.settings, "r")
    world = World(worker, sms, reconciler, notify_app.test_client(), app_session)
    run_state_machine_as_test(
        lambda: Events(world),
        settings=settings(
            max_examples=25,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_the_table_of_moves_refuses_a_move_down_the_ladder():
    from notifications.delivery import MOVES, Move

    check_ladder(MOVES)  # the real table climbs
    for down in (
        Move("late_sent", (Status.DELIVERED,), Status.SENT),
        Move("revive", (Status.FAILED_PERMANENT,), Status.QUEUED),
        Move("unsend", (Status.SENT,), Status.SENDING),
    ):
        try:
            check_ladder([*MOVES, down])
        except ValueError:
            continue
        raise AssertionError(f"{down.name} was allowed")
    assert all(not ALLOWED[final] for final in Status.FINAL), "nothing leaves a final state"
