"""A small service for the messaging tests: a victim whose case Sam is assigned to, other
staff in every position, and a second victim."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session

from portal.models import Case, Organisation, Role, User

# The notification service's fixtures (local Twilio and SMTP servers, an app wired to them).
from tests.notifications.conftest import (  # noqa: F401
    app_session,
    notify_app,
    smtp_server,
    twilio_server,
)
from tests.support.factories import CASES_OPENED_AT, make_case, make_org, make_user


@dataclass
class World:
    org: Organisation
    victim: User
    other_victim: User
    isva: User
    cover: User
    unassigned_isva: User
    supervisor: User
    admin: User
    case: Case
    other_case: Case


@pytest.fixture
def world(session: Session) -> World:
    org = make_org(session)
    victim = make_user(session, org, Role.VICTIM, name="Ruth")
    other_victim = make_user(session, org, Role.VICTIM, name="Bea")
    isva = make_user(session, org, Role.ISVA, name="Sam Taylor")
    cover = make_user(session, org, Role.ISVA, name="Cara Jones")
    unassigned = make_user(session, org, Role.ISVA, name="Una Smith")
    supervisor = make_user(session, org, Role.SUPERVISOR, name="Pat Lead")
    admin = make_user(session, org, Role.ADMIN, name="Ada Admin")
    case = make_case(session, org, victim, isva, opened_at=CASES_OPENED_AT)
    other_case = make_case(session, org, other_victim, unassigned, opened_at=CASES_OPENED_AT)
    session.expire_all()
    return World(
        org, victim, other_victim, isva, cover, unassigned, supervisor, admin, case, other_case
    )


def form_values(page: BeautifulSoup, action_ends: str) -> dict[str, str]:
    """The hidden fields of the form whose action ends with ``action_ends``."""
    for form in page.find_all("form"):
        if (form.get("action") or "").endswith(action_ends):
            return {
                str(i["name"]): str(i.get("value", ""))
                for i in form.find_all("input")
                if i.get("type") == "hidden"
            }
    raise AssertionError(f"no form posting to {action_ends}")


def send_as_victim(client_request, case: Case, body: str, expected: int = 302) -> BeautifulSoup:
    page = client_request.get("victim.messages", case_id=case.id)
    values = form_values(page, "/messages")
    values["body"] = body
    return client_request.post(
        "victim.send_message", values, _expected_status=expected, case_id=case.id
    )


def reply_as_staff(client_request, case: Case, body: str, expected: int = 302) -> BeautifulSoup:
    page = client_request.get("caseworker.conversation", case_id=case.id)
    values = form_values(page, f"/caseworker/cases/{case.id}/messages")
    values["body"] = body
    return client_request.post(
        "caseworker.reply", values, _expected_status=expected, case_id=case.id
    )
