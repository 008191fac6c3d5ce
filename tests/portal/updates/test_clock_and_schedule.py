"""The Victims' Code clock across a bank holiday and a weekend, "no change yet" check-ins,
scheduled publishing (at the time, not before, never in quiet hours by default), the
``flask updates publish-due`` command, and the timeline's constant query count."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Role, Update, UpdateStatus
from portal.services.updates import queries as update_queries
from portal.services.updates import schedule as update_schedule
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import LONDON
from tests.portal.updates.conftest import (
    add_points,
    draft_update,
    publish_new,
    starter_draft,
    victim_notifications,
)
from tests.support.factories import make_case, make_org, make_user


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


# Thursday 2 April 2026, 10:00. Good Friday (3rd), the weekend and Easter Monday (6th) are not
# working days: a 1-working-day duty falls due at the end of Tuesday 7 April.
LEARNED = london(2026, 4, 2, 10, 0)


@pytest.mark.parametrize(
    ("published", "state", "late_by"),
    [
        (london(2026, 4, 2, 16, 0), "on_time", 0),
        (london(2026, 4, 7, 23, 30), "on_time", 0),
        (london(2026, 4, 8, 9, 0), "late", 1),
        (london(2026, 4, 10, 9, 0), "late", 3),
    ],
)
def test_deadline_across_a_bank_holiday_and_weekend(published, state, late_by):
    update = Update(
        event_key="charged",
        learned_at=LEARNED,
        published_at=published,
        status=UpdateStatus.PUBLISHED,
    )
    clock = update_queries.clock_for(update, published)
    assert clock.due.day == date(2026, 4, 7)
    assert (clock.state, clock.working_days_late) == (state, late_by)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        # Only Tuesday 7 April is a working day before the deadline ends: due soon already.
        (london(2026, 4, 2, 12, 0), "due_soon"),
        (london(2026, 4, 6, 12, 0), "due_soon"),
        (london(2026, 4, 8, 0, 1), "overdue"),
    ],
)
def test_unpublished_update_is_due_soon_then_overdue(now, state):
    update = Update(event_key="charged", learned_at=LEARNED, status=UpdateStatus.DRAFT)
    assert update_queries.clock_for(update, now).state == state


def test_a_longer_deadline_is_pending_at_first():
    update = Update(event_key="complaint", learned_at=LEARNED, status=UpdateStatus.DRAFT)
    clock = update_queries.clock_for(update, LEARNED)
    assert clock.due.day == date(2026, 4, 20)  # 10 working days; Good Friday and Easter Monday out
    assert clock.state == "pending"


def test_deadline_status_for_cases_lists_only_updates_with_a_deadline(world):
    publish_new(world, "charged")
    publish_new(world, "special_measures")  # no deadline
    clocks = update_queries.deadline_status_for_cases(world.session, [world.case.id], utcnow())
    assert [c.update.event_key for c in clocks] == ["charged"]
    assert clocks[0].state == "on_time"


def test_checkin_is_due_after_the_agreed_cadence(world):
    updates.set_cadence(world.session, world.case, world.isva, 2)
    publish_new(world, "investigation_update")
    now = utcnow()
    assert update_queries.checkins_due(world.session, [world.case.id], now) == []
    later = now + timedelta(weeks=2, minutes=1)
    due = update_queries.checkins_due(world.session, [world.case.id], later)
    assert [(c.case_id, c.weeks) for c in due] == [(world.case.id, 2)]
    with pytest.raises(updates.UpdateError):
        updates.set_cadence(world.session, world.case, world.isva, 0)


def _next_day_at(hour: int) -> datetime:
    day = (utcnow().astimezone(LONDON) + timedelta(days=2)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON).astimezone(UTC)


def test_scheduled_update_publishes_at_its_time_and_not_before(world):
    update = draft_update(world, "hearing_scheduled")
    when = _next_day_at(10)
    update_schedule.schedule(world.session, world.case, world.isva, update, when)
    assert update.status == UpdateStatus.SCHEDULED
    with time_machine.travel(when - timedelta(minutes=1), tick=False):
        assert update_schedule.publish_due(world.session) == 0
    assert update.status == UpdateStatus.SCHEDULED
    assert update_queries.timeline(world.session, world.case).total == 0
    assert victim_notifications(world.session, world.victim) == 0
    with time_machine.travel(when, tick=False):
        assert update_schedule.publish_due(world.session) == 1
    assert update.status == UpdateStatus.PUBLISHED
    assert update.published_at == when
    assert victim_notifications(world.session, world.victim) == 2
    with time_machine.travel(when + timedelta(minutes=1), tick=False):
        assert update_schedule.publish_due(world.session) == 0  # once only


def test_scheduling_inside_quiet_hours_is_refused_by_default(world):
    update = draft_update(world, "hearing_scheduled")
    with pytest.raises(updates.UpdateError, match="asked not to be contacted"):
        update_schedule.schedule(world.session, world.case, world.isva, update, _next_day_at(23))
    assert update.status == UpdateStatus.DRAFT
    update_schedule.schedule(
        world.session, world.case, world.isva, update, _next_day_at(23), override_quiet_hours=True
    )
    assert update.status == UpdateStatus.SCHEDULED


def test_scheduling_in_the_past_is_refused(world):
    update = draft_update(world, "hearing_scheduled")
    with pytest.raises(updates.UpdateError, match="future"):
        update_schedule.schedule(
            world.session, world.case, world.isva, update, utcnow() - timedelta(1)
        )


def test_publish_due_command_publishes_committed_schedules(make_app):
    app = make_app()
    with app.test_request_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA)
        victim = make_user(session, org, Role.VICTIM)
        add_points(session, victim)
        case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=1))
        update = updates.save_draft(session, case, isva, starter_draft("trial_date_set"))
        when = _next_day_at(11)
        update_schedule.schedule(session, case, isva, update, when)
        update_id = update.id
        session.commit()
        db.session.remove()
    runner = app.test_cli_runner()
    with time_machine.travel(when + timedelta(seconds=30), tick=False):
        result = runner.invoke(args=["updates", "publish-due"])
        assert result.exit_code == 0, result.output
        assert "published 1" in result.output
        result = runner.invoke(args=["updates", "publish-due"])
        assert "published 0" in result.output
    with app.app_context():
        stored = db.session.get(Update, update_id)
        assert stored.status == UpdateStatus.PUBLISHED
        db.session.remove()


@contextmanager
def count_statements():
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", listener)


def _add_published(world, n: int) -> None:
    body = starter_draft("hearing_scheduled")
    now = utcnow()
    for i in range(n):
        update = Update(
            case_id=world.case.id,
            author_id=world.isva.id,
            event_key="hearing_scheduled",
            source_agency="wcu",
            event_date=body.event_date,
            status=UpdateStatus.PUBLISHED,
            published_at=now - timedelta(minutes=i),
        )
        update.sections = body.sections
        world.session.add(update)
    world.session.flush()


def test_timeline_query_count_does_not_grow_with_updates(world, login_as, client_request):
    login_as(world.victim)
    counts = []
    for n in (5, 495):  # 5 updates, then 500
        _add_published(world, n)
        client_request.get("victim.timeline", case_id=world.case.id)  # warm up
        with count_statements() as statements:
            page = client_request.get("victim.timeline", case_id=world.case.id, page=2)
        counts.append(len(statements))
    assert len(page.select("ol.wp-timeline li")) == 10
    assert counts[0] == counts[1], counts


def test_timeline_last_page(world, login_as, client_request):
    _add_published(world, 25)
    login_as(world.victim)
    page = client_request.get("victim.timeline", case_id=world.case.id, page=3)
    assert len(page.select("ol.wp-timeline li")) == 5
    assert page.select_one(".govuk-pagination") is not None
