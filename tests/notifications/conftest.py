"""Fixtures for the notification tests: the local Twilio and SMTP servers (whose received
bodies must all pass the denylist), an app wired to them on a committed database, and helpers
to make victims with usable contact points."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from notifications.contacts import address_lookup, ensure_preferences
from notifications.models import Channel, ContactPoint
from notifications.render import denied_words
from portal.clock import utcnow
from portal.extensions import db
from portal.models import Organisation, Role, User
from tests.support.factories import make_case, make_org, make_user
from tests.support.smtp_server import SMTPServer
from tests.support.twilio_server import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MESSAGING_SERVICE_SID,
    TwilioServer,
)

FAST_WORKER = {
    "NOTIFY_BATCH_SIZE": 20,
    "NOTIFY_POLL_SECONDS": 0.05,
    "NOTIFY_LEASE_SECONDS": 5.0,
    "NOTIFY_PROVIDER_TIMEOUT": 1.0,
    "NOTIFY_BACKOFF_BASE": 0.01,
    "NOTIFY_BACKOFF_CAP": 0.05,
    "NOTIFY_MAX_ATTEMPTS": 5,
    "NOTIFY_RECONCILE_DELAY": 0.2,
}


@pytest.fixture
def twilio_server() -> Iterator[TwilioServer]:
    server = TwilioServer().start()
    yield server
    server.stop()
    leaked = [body for body in server.state.bodies if denied_words(body)]
    assert not leaked, "an SMS body failed the denylist"


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()
    for received in server.received:
        for body in received.bodies():
            assert not denied_words(body), "an email failed the denylist"


def provider_settings(twilio: TwilioServer, smtp: SMTPServer | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
        "TWILIO_API_BASE_URL": twilio.url,
        "PUBLIC_BASE_URL": "https://waypoint.example.org",
    }
    if smtp is not None:
        values.update(
            EMAIL_PROVIDER="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=smtp.port,
            SMTP_STARTTLS=False,  # the loopback test server has no certificate
            MAIL_FROM="no-reply@waypoint.example.org",
        )
    return values


@pytest.fixture
def notify_app(
    make_app: Callable[..., Flask], twilio_server: TwilioServer, smtp_server: SMTPServer
) -> Flask:
    """The portal on a committed database, with Twilio and SMTP pointed at the local servers."""
    return make_app(**provider_settings(twilio_server, smtp_server), **FAST_WORKER)


@dataclass
class People:
    org: Organisation
    victim: User
    isva: User


def add_point(
    session: Session,
    user: User,
    channel: str,
    address: str,
    *,
    verified: bool = True,
    safe: bool = True,
    enabled: bool = True,
) -> ContactPoint:
    now = utcnow()
    point = ContactPoint(
        user_id=user.id,
        channel=channel,
        address=address,
        address_lookup=address_lookup(channel, address),
        verified_at=now if verified else None,
        safe_confirmed_at=now if safe else None,
        enabled=enabled,
    )
    session.add(point)
    session.flush()
    return point


_numbers = iter(range(900000, 999999))


def new_number() -> str:
    return f"+447700{next(_numbers)}"


def make_victim(
    session: Session,
    org: Organisation | None = None,
    *,
    sms: str | None = "new",
    email: str | None = None,
    default_quiet_hours: bool = False,
) -> tuple[User, ContactPoint | None, ContactPoint | None]:
    """A victim with an SMS (and/or email) contact point. Without ``default_quiet_hours`` they
    have no quiet hours, so a test that sends through a real worker (in this process or in
    another, whose clock no test can freeze) passes at any time of day: the default window
    (21:00-08:00 London) is tested at frozen times in test_decision.py and test_notify.py."""
    org = org or make_org(session)
    victim = make_user(session, org, Role.VICTIM)
    if not default_quiet_hours:
        preferences = ensure_preferences(session, victim.id)
        preferences.quiet_start_minute = preferences.quiet_end_minute = 0  # an empty window
        session.flush()
    sms_point = email_point = None
    if sms is not None:
        sms_point = add_point(session, victim, Channel.SMS, new_number() if sms == "new" else sms)
    if email is not None:
        email_point = add_point(session, victim, Channel.EMAIL, email)
    return victim, sms_point, email_point


@pytest.fixture
def app_session(notify_app: Flask) -> Iterator[Session]:
    """A plain session on the committed database of ``notify_app`` (tests commit)."""
    with notify_app.app_context():
        session = Session(bind=db.engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


def victim_with_case(session: Session, **kwargs: Any) -> tuple[User, Any, Any, Any]:
    org = make_org(session)
    victim, sms, email = make_victim(session, org, **kwargs)
    isva = make_user(session, org, Role.ISVA)
    case = make_case(session, org, victim, isva)
    return victim, sms, email, case
