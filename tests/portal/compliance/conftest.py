"""Fixtures for the compliance report: a service with two ISVAs, a supervisor, two cases, a
frozen clock (Tuesday 5 May 2026, after April and its Easter bank holidays), and builders for
updates and messages at chosen London times."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy.orm import Session

from portal.journey import event
from portal.models import Case, Organisation, Role, Update, UpdateStatus, User
from portal.models.message import Message, MessageDirection
from portal.services.updates import deadlines
from tests.support.factories import make_case, make_org, make_user

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 5, 5, 11, 0, tzinfo=UTC)
_seq = itertools.count(1)


def london(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@dataclass
class Service:
    session: Session
    org: Organisation
    supervisor: User
    priya: User
    sam: User
    case: Case  # Priya's
    other: Case  # Sam's


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(session: Session, frozen: None) -> Service:
    org = make_org(session)
    supervisor = make_user(session, org, Role.SUPERVISOR, name="Sue Visor")
    priya = make_user(session, org, Role.ISVA, name="Priya Shah")
    sam = make_user(session, org, Role.ISVA, name="Sam Jones")
    opened = london(2026, 3, 1)
    case = make_case(session, org, make_user(session, org), priya, opened_at=opened)
    other = make_case(session, org, make_user(session, org), sam, opened_at=opened)
    return Service(session, org, supervisor, priya, sam, case, other)


def add_update(
    s: Service,
    key: str,
    learned_at: datetime,
    published_at: datetime | None = None,
    *,
    agency: str | None = None,
    case: Case | None = None,
    status: UpdateStatus | None = None,
) -> Update:
    case = case or s.case
    due = deadlines.due_by(key, learned_at)
    update = Update(
        case_id=case.id,
        author_id=s.priya.id,
        event_key=key,
        source_agency=agency or event(key).who_tells[0].value,
        event_date=learned_at.date(),
        learned_at=learned_at,
        status=status or (UpdateStatus.PUBLISHED if published_at else UpdateStatus.DRAFT),
        published_at=published_at,
        due_on=due.day if due else None,
    )
    update.sections = {"what_happened": "x"}
    s.session.add(update)
    s.session.flush()
    return update


def add_message(
    s: Service, case: Case, direction: MessageDirection, at: datetime, author: User | None = None
) -> Message:
    message = Message(
        case_id=case.id,
        seq=next(_seq),
        author_id=author.id if author else case.victim_id,
        author_role="isva" if direction == MessageDirection.TO_VICTIM else "victim",
        direction=direction,
        body="hello",
        idempotency_key=uuid.uuid4().hex,
        created_at=at,
    )
    s.session.add(message)
    s.session.flush()
    return message
