"""Escaped everywhere, shown as text: the XSS corpus and Unicode tricks on both sides; and
the conversation page's queries do not grow with its length (5 vs 500), with pagination."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models.message import Message, MessageDirection
from portal.services.messaging import messages as messaging
from portal.victim.messages import message_text
from tests.portal.messaging.conftest import send_as_victim

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "[a](javascript:x)",
    "https://example.org/looks-like-a-link",
    "\"'><svg onload=alert(1)>",
]


@pytest.mark.parametrize("body", XSS_CORPUS)
def test_markup_in_a_message_is_shown_as_text_on_both_sides(
    body, world, session, client_request, login_as
):
    login_as(world.victim)
    send_as_victim(client_request, world.case, body)
    for who, endpoint in (
        (world.victim, "victim.messages"),
        (world.isva, "caseworker.conversation"),
    ):
        login_as(who)
        page = client_request.get(endpoint, case_id=world.case.id)
        shown = page.select_one(".wp-message__body")
        assert shown.text == body  # the text, exactly as typed
        assert shown.find_all(True) == []  # and no element made from it
        assert not page.select(".wp-message__body a, .wp-message__body script")


def test_bidi_overrides_and_zero_width_characters_are_shown_not_obeyed(
    world, session, client_request, login_as
):
    body = "invoice\u202egnp.exe and zero\u200bwidth\u2066isolate\u2069 \u200d kept"
    login_as(world.victim)
    send_as_victim(client_request, world.case, body)
    page = client_request.get("victim.messages", case_id=world.case.id)
    shown = page.select_one(".wp-message__body")
    assert shown["dir"] == "auto"
    assert shown.text == (
        "invoice[U+202E]gnp.exe and zero[U+200B]width[U+2066]isolate[U+2069] \u200d kept"
    )
    # The record keeps exactly what was written.
    assert session.query(Message.body).scalar() == body


def test_message_text_filter_escapes_before_marking():
    assert str(message_text("<b>\u202e</b>")) == "&lt;b&gt;[U+202E]&lt;/b&gt;"


def test_staff_notification_email_for_a_message_carries_no_content(world, session):
    from notifications.models import Notification
    from notifications.render import template_for

    messaging.send_from_victim(
        session,
        world.case,
        world.victim,
        "<script>secret words</script>",
        messaging.new_idempotency_key(),
    )
    session.flush()
    row = session.query(Notification).filter_by(recipient_id=world.isva.id).one()
    template = template_for(row.kind)
    assert "secret" not in template.text
    assert "secret" not in template.subject
    assert row.source_key.startswith(f"message-burst:{world.case.id}:")


@contextmanager
def counting_queries(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_messages(session, case, victim, isva, n: int) -> None:
    for i in range(n):
        direction = MessageDirection.TO_SERVICE if i % 2 == 0 else MessageDirection.TO_VICTIM
        session.add(
            Message(
                case_id=case.id,
                seq=i + 1,
                author_id=victim.id if i % 2 == 0 else isva.id,
                author_role="victim" if i % 2 == 0 else "isva",
                direction=direction,
                body=f"message number {i + 1}",
                idempotency_key=messaging.new_idempotency_key(),
            )
        )
    session.flush()


def page_queries(app, client_request, endpoint, case) -> int:
    client_request.get(endpoint, case_id=case.id)  # warm: first read marks as read
    with counting_queries(app) as statements:
        client_request.get(endpoint, case_id=case.id)
    return len(statements)


@pytest.mark.parametrize("side", ["victim", "isva"])
def test_conversation_queries_do_not_grow_with_length(
    side, app, world, session, client_request, login_as
):
    from portal.models import Case
    from tests.support.factories import make_case

    short = world.case
    long = make_case(session, world.org, world.victim, world.isva)
    add_messages(session, short, world.victim, world.isva, 5)
    add_messages(session, long, world.victim, world.isva, 500)
    session.expire_all()
    endpoint = "victim.messages" if side == "victim" else "caseworker.conversation"
    login_as(world.victim if side == "victim" else world.isva)
    few = page_queries(app, client_request, endpoint, short)
    many = page_queries(app, client_request, endpoint, session.get(Case, long.id))
    assert few == many, (few, many)


def test_long_conversations_paginate_newest_at_the_bottom(world, session, client_request, login_as):
    add_messages(session, world.case, world.victim, world.isva, 120)
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    bodies = [b.text for b in page.select(".wp-message__body")]
    assert len(bodies) == messaging.PAGE_SIZE
    assert bodies[-1] == "message number 120"
    assert bodies[0] == "message number 71"
    older = page.find("a", string="Show older messages")["href"]
    page = client_request.get(older)
    bodies = [b.text for b in page.select(".wp-message__body")]
    assert (bodies[0], bodies[-1]) == ("message number 21", "message number 70")
    page = client_request.get(page.find("a", string="Show older messages")["href"])
    bodies = [b.text for b in page.select(".wp-message__body")]
    assert (bodies[0], bodies[-1]) == ("message number 1", "message number 20")
    assert page.find("a", string="Show older messages") is None
