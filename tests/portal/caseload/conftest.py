"""A service for the caseload tests: an ISVA with one case, a supervisor, another ISVA, a
victim with usable contact points, and helpers to make each kind of work appear."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from notifications.models import Channel, ContactPoint, Notification, Status
from portal.models import Case, Organisation, Role, User
from portal.services.caseload import listing as caseload
from tests.portal.updates.conftest import add_points
from tests.support.factories import make_case, make_org, make_user

# A Monday with no bank holiday near it (Europe/London is on GMT: UTC == London).
MONDAY = datetime.fromisoformat("2027-03-01T10:00:00+00:00")


@dataclass
class World:
    session: Session
    org: Organisation
    isva: User
    other_isva: User
    supervisor: User
    victim: User
    case: Case


@pytest.fixture
def world(session: Session, time_machine) -> World:
    time_machine.move_to(MONDAY, tick=False)
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, name="Priya Shah")
    other = make_user(session, org, Role.ISVA, name="Omar Reid")
    supervisor = make_user(session, org, Role.SUPERVISOR, name="Sam Lead")
    victim = make_user(session, org, Role.VICTIM, name="Ruth Example")
    add_points(session, victim)
    case = make_case(session, org, victim, isva, reference="RASSO-0001", opened_at=MONDAY)
    return World(session, org, isva, other, supervisor, victim, case)


def row_for(w: World, case: Case | None = None, user: User | None = None) -> caseload.Row:
    """The caseload row of ``case`` (the world's case by default) as ``user`` sees it."""
    w.session.flush()
    w.session.expire_all()
    user = user or w.isva
    scope = caseload.Scope.TEAM if user.role == Role.SUPERVISOR else caseload.Scope.MINE
    rows = {r.case_id: r for r in caseload.rows_for(w.session, user, scope)}
    return rows[(case or w.case).id]


def failed_notification(w: World, status: str = Status.FAILED_PERMANENT) -> Notification:
    point = w.session.query(ContactPoint).filter_by(user_id=w.victim.id, channel=Channel.SMS).one()
    notification = Notification(
        recipient_id=w.victim.id,
        channel=Channel.SMS,
        contact_point_id=point.id,
        kind="update",
        case_id=w.case.id,
        template="update_sms",
        template_version=1,
        source_key=f"test:{uuid.uuid4()}",
        dedupe_key=uuid.uuid4().hex,
        status=status,
        last_error_code="30005" if status == Status.FAILED_PERMANENT else None,
    )
    w.session.add(notification)
    w.session.flush()
    return notification
