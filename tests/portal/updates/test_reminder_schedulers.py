"""Two schedulers at once, on a real committed database: each reminder and each automatic
check-in is sent exactly once. Two threads, each with its own session and transaction, both
past their reads before either claims (a barrier), as two ``publish-due`` processes would be."""

from __future__ import annotations

import contextlib
import threading
import uuid
from datetime import date, datetime, time, timedelta

import time_machine
from sqlalchemy import func, select

from notifications.models import Notification
from notifications.render import KIND_REMINDER
from portal import cli_updates
from portal.extensions import db
from portal.models import CheckInSent, ReminderSent, Role, Update, UpdateStatus
from portal.services.updates import checkins, reminders
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import LONDON
from tests.portal.updates.conftest import add_points, starter_draft
from tests.support.factories import make_case, make_org, make_user

START = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
HEARING = date(2027, 3, 19)


def _race(app, monkeypatch, job_name: str, claim_module, moment: datetime) -> list[int]:
    """Run the scheduler's job twice at once; both wait at the claim for the other."""
    barrier = threading.Barrier(2, timeout=3)
    real_claim = claim_module._claim

    def claim(session, values):
        # SQLite: BEGIN IMMEDIATE already made the other wait for this one (barrier broken).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return real_claim(session, values)

    monkeypatch.setattr(claim_module, "_claim", claim)
    results: list[int] = []
    errors: list[BaseException] = []
    job = getattr(claim_module, job_name)

    def run() -> None:
        try:
            with app.app_context():
                results.append(cli_updates._in_transaction(job))
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    with time_machine.travel(moment, tick=True):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    return sorted(results)


def _victim_with_a_hearing(app) -> uuid.UUID:
    """A victim with reminders on and a published hearing, committed; their id."""
    with time_machine.travel(START, tick=False), app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA)
        victim = make_user(session, org, Role.VICTIM)
        add_points(session, victim)
        case = make_case(session, org, victim, isva, opened_at=START - timedelta(days=2))
        reminders.save_settings(
            session, victim, court_dates=True, time_limits=False, calendar_words=False
        )
        draft = starter_draft("hearing_scheduled", event_date=HEARING)
        updates.publish(session, case, isva, updates.save_draft(session, case, isva, draft))
        session.commit()
        victim_id = victim.id
        db.session.remove()
    return victim_id


def test_two_schedulers_send_one_reminder(make_app, monkeypatch):
    app = make_app()
    victim_id = _victim_with_a_hearing(app)
    moment = datetime.combine(HEARING - timedelta(days=7), time(9, 0, 5), tzinfo=LONDON)
    assert _race(app, monkeypatch, "sweep", reminders, moment) == [0, 1]
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 1
        sent = session.scalars(
            select(Notification.channel).where(
                Notification.recipient_id == victim_id, Notification.kind == KIND_REMINDER
            )
        ).all()
        assert sorted(sent) == ["email", "sms"]
        db.session.remove()


def test_two_schedulers_send_one_automatic_checkin(make_app, monkeypatch):
    app = make_app()
    with time_machine.travel(START, tick=False), app.test_request_context():
        session = db.session()
        org = make_org(session)
        org.auto_checkins = True
        isva = make_user(session, org, Role.ISVA)
        victim = make_user(session, org, Role.VICTIM)
        add_points(session, victim)
        case = make_case(session, org, victim, isva, opened_at=START - timedelta(weeks=5))
        session.commit()
        case_id = case.id
        db.session.remove()
    assert _race(app, monkeypatch, "sweep", checkins, START + timedelta(minutes=1)) == [0, 1]
    with app.app_context():
        session = db.session()
        published = session.scalars(
            select(Update).where(Update.case_id == case_id, Update.status == UpdateStatus.PUBLISHED)
        ).all()
        assert [u.event_key for u in published] == ["investigation_update"]
        assert session.scalar(select(func.count()).select_from(CheckInSent)) == 1
        db.session.remove()


def test_the_publish_due_command_sends_due_reminders(make_app):
    app = make_app()
    _victim_with_a_hearing(app)
    runner = app.test_cli_runner()
    moment = datetime.combine(HEARING - timedelta(days=1), time(9, 1), tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        result = runner.invoke(args=["updates", "publish-due"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(ReminderSent.days_before)) == 1
        db.session.remove()
