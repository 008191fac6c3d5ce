"""Fixtures for the partner API: a service with an admin, an ISVA and a victim with two usable
contact points, their case, a police partner with a live key, and a link from the police's own
reference to the case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from portal.clock import utcnow
from portal.models import Case, Organisation, Role, Update, User
from portal.models.partner import Partner, PartnerEvent
from portal.services.partners import systems as partners
from tests.portal.updates.conftest import add_points
from tests.support.factories import make_case, make_org, make_user

POLICE_REFERENCE = "43/12345/26"


@dataclass
class ApiWorld:
    session: Session
    org: Organisation
    admin: User
    isva: User
    victim: User
    case: Case
    partner: Partner
    key: str


def new_partner(
    app: Flask, session: Session, admin: User, agency: str = "police", name: str = "Police"
) -> tuple[Partner, str]:
    with app.test_request_context():
        partner = partners.create_partner(session, admin, name, agency)
        issued = partners.issue_key(session, admin, partner)
    return partner, issued.raw


def link(app: Flask, session: Session, admin: User, partner: Partner, case: Case, ref: str) -> None:
    with app.test_request_context():
        partners.link_case(session, admin, partner, case.reference, ref)


@pytest.fixture
def api(app: Flask, session: Session) -> ApiWorld:
    org = make_org(session)
    admin = make_user(session, org, Role.ADMIN)
    isva = make_user(session, org, Role.ISVA, name="Priya Shah")
    victim = make_user(session, org, Role.VICTIM, name="Ruth")
    add_points(session, victim)
    case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=3))
    partner, key = new_partner(app, session, admin)
    link(app, session, admin, partner, case, POLICE_REFERENCE)
    return ApiWorld(session, org, admin, isva, victim, case, partner, key)


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner_event_id": "evt-0001",
        "case_reference": POLICE_REFERENCE,
        "event": "investigation_update",
        "agency": "police",
        "event_date": (utcnow() - timedelta(days=1)).date().isoformat(),
        "learned_at": (utcnow() - timedelta(hours=2)).isoformat(),
        "sections": {"what_happened": "The officer has taken two more statements."},
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def post(client: FlaskClient) -> Callable[..., TestResponse]:
    def send(key: str | None, body: Any = None, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        headers.update(kwargs.pop("headers", {}))
        if "data" in kwargs:
            return client.post("/api/v1/case-events", headers=headers, **kwargs)
        return client.post(
            "/api/v1/case-events", json=payload() if body is None else body, headers=headers
        )

    return send


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def updates_made(session: Session) -> int:
    return count(session, Update)


def events_recorded(session: Session) -> int:
    return count(session, PartnerEvent)
