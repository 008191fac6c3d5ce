"""Access through the case policy only: another victim, an unassigned ISVA and an admin get
404 on every messaging route; supervisors read but do not send; staff reads are audited."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, AuditOutcome
from portal.models.message import Message
from tests.portal.messaging.conftest import send_as_victim

VICTIM_GETS = ["victim.messages", "victim.call_me"]
STAFF_GETS = ["caseworker.conversation"]


def _posts(case_id, message_id):
    return [
        f"/my-case/cases/{case_id}/messages",
        f"/my-case/cases/{case_id}/messages/{message_id}/remove",
        f"/my-case/cases/{case_id}/call-me",
        f"/caseworker/cases/{case_id}/messages",
        f"/caseworker/cases/{case_id}/notes",
        f"/caseworker/cases/{case_id}/callbacks/{uuid.uuid4()}/done",
    ]


@pytest.mark.parametrize("who", ["other_victim", "unassigned_isva", "admin"])
def test_outsiders_get_404_on_every_messaging_route(
    who, world, session, app, client, client_request, login_as
):
    login_as(world.victim)
    send_as_victim(client_request, world.case, "Only for my ISVA")
    message_id = session.scalar(select(Message.id).where(Message.case_id == world.case.id))
    login_as(getattr(world, who))
    for endpoint in [*VICTIM_GETS, *STAFF_GETS]:
        client_request.get(endpoint, _expected_status=404, case_id=world.case.id)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        for path in _posts(world.case.id, message_id):
            response = client.post(path, data={"body": "x", "idempotency_key": "a" * 32})
            assert response.status_code == 404, path
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert session.scalar(select(Message.body).where(Message.id == message_id)) == (
        "Only for my ISVA"
    )
    assert len(session.scalars(select(Message)).all()) == 1


def test_admin_gets_404_on_the_inbox_and_settings(world, client_request, login_as):
    login_as(world.admin)
    for endpoint in ("caseworker.inbox", "caseworker.out_of_office", "caseworker.saved_replies"):
        client_request.get(endpoint, _expected_status=404)


def test_victims_get_404_on_staff_pages_and_staff_on_victim_pages(world, client_request, login_as):
    login_as(world.victim)
    client_request.get("caseworker.conversation", _expected_status=404, case_id=world.case.id)
    client_request.get("caseworker.inbox", _expected_status=404)
    login_as(world.isva)
    client_request.get("victim.messages", _expected_status=404, case_id=world.case.id)


def test_supervisor_reads_without_marking_read_and_cannot_send(
    world, session, client_request, login_as
):
    login_as(world.victim)
    send_as_victim(client_request, world.case, "Hello")
    login_as(world.supervisor)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert "Hello" in page.text
    assert page.find("form", action=f"/caseworker/cases/{world.case.id}/messages") is None
    session.expire_all()
    assert session.scalar(select(Message.read_by_service_at)) is None
    client_request.post(
        "caseworker.reply",
        {"body": "x", "idempotency_key": "b" * 32},
        _expected_status=404,
        _form_url=f"/caseworker/cases/{world.case.id}/messages",
        case_id=world.case.id,
    )


def test_refused_look_is_audited(world, session, client_request, login_as):
    login_as(world.unassigned_isva)
    client_request.get("caseworker.conversation", _expected_status=404, case_id=world.case.id)
    denied = session.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_id == world.unassigned_isva.id,
            AuditEvent.outcome == AuditOutcome.DENIED,
        )
    ).all()
    assert [e.action for e in denied] == ["case.view_messages"]


def test_post_without_csrf_token_is_refused(world, session, client, login_as):
    login_as(world.victim)
    response = client.post(
        f"/my-case/cases/{world.case.id}/messages",
        data={"body": "No token", "idempotency_key": "c" * 32},
    )
    assert response.status_code == 400
    assert session.scalars(select(Message)).all() == []
