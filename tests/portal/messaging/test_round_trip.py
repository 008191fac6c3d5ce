"""The round trip victim -> ISVA -> victim, with read receipts, audit and encryption."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select, text

from portal.models import AuditEvent
from portal.models.message import Message, MessageDirection
from tests.portal.messaging.conftest import reply_as_staff, send_as_victim


def test_victim_writes_isva_reads_and_replies_victim_sees_reply_and_read_mark(
    world, session, client_request, login_as
):
    # 13:05 and 14:10 British Summer Time.
    with time_machine.travel(datetime(2027, 6, 9, 12, 5, tzinfo=UTC), tick=False):
        login_as(world.victim)
        send_as_victim(client_request, world.case, "Hello\nCan we talk about court?")
        page = client_request.get("victim.messages", case_id=world.case.id)
        mine = page.select("li.wp-message--mine")
        assert len(mine) == 1
        assert "Hello\nCan we talk about court?" in mine[0].select_one(".wp-pre-wrap").text
        assert "Not read yet" in mine[0].text
        # Before sending: who reads it and when to expect a reply.
        assert "Your message will be read by Sam, your ISVA." in page.text, page.select_one(
            ".govuk-inset-text"
        )
        assert "usually replies within 1 working day" in page.text
        assert "If you are in danger now, call 999" in page.text

    with time_machine.travel(datetime(2027, 6, 9, 13, 10, tzinfo=UTC), tick=False):
        login_as(world.isva)
        page = client_request.get("caseworker.conversation", case_id=world.case.id)
        assert "Can we talk about court?" in page.text
        reads = session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == world.case.id,
                AuditEvent.action == "case.view_messages",
                AuditEvent.actor_id == world.isva.id,
            )
        ).all()
        assert len(reads) == 1
        reply_as_staff(client_request, world.case, "Yes. I can call you tomorrow at 10.")

    with time_machine.travel(datetime(2027, 6, 9, 15, 0, tzinfo=UTC), tick=False):
        login_as(world.victim)
        page = client_request.get("victim.messages", case_id=world.case.id)
        theirs = page.select("li.wp-message--theirs")
        assert len(theirs) == 1
        assert "Sam wrote" in theirs[0].text
        assert "I can call you tomorrow at 10." in theirs[0].text
        assert "Read by Sam at 14:10" in page.select_one("li.wp-message--mine").text

    session.expire_all()
    messages = session.scalars(
        select(Message).where(Message.case_id == world.case.id).order_by(Message.seq)
    ).all()
    assert [m.direction for m in messages] == [
        MessageDirection.TO_SERVICE,
        MessageDirection.TO_VICTIM,
    ]
    assert messages[0].read_by_service_id == world.isva.id
    assert messages[1].read_by_victim_at is not None


def test_bodies_are_encrypted_at_rest(world, session, client_request, login_as):
    login_as(world.victim)
    send_as_victim(client_request, world.case, "a-distinctive-marker-8841")
    raw = session.execute(text("SELECT body FROM messages")).scalars().all()
    assert raw
    assert all(b"a-distinctive-marker-8841" not in bytes(value) for value in raw)


def test_the_case_pages_link_to_the_conversation(world, client_request, login_as):
    login_as(world.victim)
    page = client_request.get("victim.case_summary", case_id=world.case.id)
    assert page.find("a", string="Messages with your ISVA")
    login_as(world.isva)
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    assert page.find("a", string="Messages with the victim")
    page = client_request.get("caseworker.home")
    assert page.find("a", string="Messages inbox")["href"] == "/caseworker/messages"


def test_the_conversation_shows_the_case_updates_beside_it_for_the_assigned_isva(
    world, session, client_request, login_as
):
    from portal.services.messaging import availability

    login_as(world.isva)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert page.find("h2", id="updates")
    today = availability.london_day()
    availability.set_absence(session, world.isva, world.isva, world.cover, today, today)
    session.flush()
    login_as(world.cover)  # cover answers messages; updates stay with the assigned ISVA
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert page.find("h2", id="updates") is None
