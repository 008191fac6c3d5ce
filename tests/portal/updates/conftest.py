"""Fixtures for case updates: a service with an ISVA, a victim with two usable contact points
(SMS and email), their case, and a helper to write a complete draft from the starter text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifications.contacts import address_lookup
from notifications.models import Channel, ContactPoint, Notification, NotificationPreference
from portal.clock import utcnow
from portal.journey import event
from portal.models import Case, Organisation, Role, Update, User
from portal.models.update import SECTION_KEYS
from portal.services.updates import writing as updates
from tests.support.factories import CASES_OPENED_AT, make_case, make_org, make_user


@dataclass
class World:
    session: Session
    org: Organisation
    isva: User
    victim: User
    case: Case


def add_points(session: Session, user: User) -> None:
    now = utcnow()
    for channel, address in ((Channel.SMS, "+447700900123"), (Channel.EMAIL, "r@example.org")):
        session.add(
            ContactPoint(
                user_id=user.id,
                channel=channel,
                address=address,
                address_lookup=address_lookup(channel, address),
                verified_at=now,
                safe_confirmed_at=now,
                enabled=True,
            )
        )
    session.flush()


def set_choice(session: Session, user: User, category: str, choice: str) -> None:
    pref = session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    if pref is None:
        pref = NotificationPreference(user_id=user.id, choices={})
        session.add(pref)
    pref.choices = {**(pref.choices or {}), category: choice}
    session.flush()


@pytest.fixture
def world(session: Session) -> World:
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, name="Priya Shah")
    victim = make_user(session, org, Role.VICTIM, name="Ruth")
    victim.safety_info_seen_at = utcnow()
    add_points(session, victim)
    case = make_case(session, org, victim, isva, opened_at=CASES_OPENED_AT)
    return World(session, org, isva, victim, case)


def starter_draft(
    key: str,
    *,
    event_date: date | None = None,
    learned_at: datetime | None = None,
    reason: str | None = None,
    outcome: str | None = None,
) -> updates.Draft:
    ev = event(key)
    return updates.Draft(
        event_key=key,
        source_agency=ev.who_tells[0].value,
        event_date=event_date or (utcnow() - timedelta(days=1)).date(),
        learned_at=learned_at or utcnow() - timedelta(hours=1),
        sections={k: str(getattr(ev.starter, k)) for k in SECTION_KEYS},
        reason=reason if reason is not None else ("Court list" if ev.requires_reason else None),
        outcome=outcome if outcome is not None else (ev.outcomes[0].key if ev.outcomes else None),
    )


def draft_update(w: World, key: str, **kwargs) -> Update:
    return updates.save_draft(w.session, w.case, w.isva, starter_draft(key, **kwargs))


def publish_new(w: World, key: str, **kwargs) -> Update:
    return updates.publish(w.session, w.case, w.isva, draft_update(w, key, **kwargs))


def victim_notifications(session: Session, victim: User) -> int:
    return session.scalar(
        select(func.count()).select_from(Notification).where(Notification.recipient_id == victim.id)
    )
