"""Sending safely: duplicate submits, long or unreadable text (kept in the form), the rate
limit, removing from view, notes to file and saved replies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.models.message import Message, MessageDirection, NoteToFile
from portal.services.messaging import messages as messaging
from tests.portal.messaging.conftest import form_values, reply_as_staff, send_as_victim


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Message)) or 0


def test_the_same_form_sent_twice_makes_one_message(world, session, client_request, login_as):
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    values = {**form_values(page, "/messages"), "body": "Are you there?"}
    for _ in range(3):  # double tap, then back and send again
        client_request.post("victim.send_message", dict(values), case_id=world.case.id)
    assert count(session) == 1
    # A new form (after the redirect) has a new key: a second message is a new message.
    send_as_victim(client_request, world.case, "Are you there?")
    assert count(session) == 2


def test_the_same_key_in_the_service_returns_the_first_message(world, session):
    key = messaging.new_idempotency_key()
    first = messaging.send_from_victim(session, world.case, world.victim, "One", key)
    again = messaging.send_from_victim(session, world.case, world.victim, "One", key)
    assert first.id == again.id
    assert count(session) == 1


def test_5001_characters_are_refused_and_the_text_is_kept(world, session, client_request, login_as):
    login_as(world.victim)
    text = "a" * 4990 + "\nlast words"  # 5,001 characters
    assert len(text) == 5001
    page = send_as_victim(client_request, world.case, text, expected=400)
    assert "must be 5,000 characters or fewer" in page.select_one(".govuk-error-summary").text
    assert page.select_one("textarea[name=body]").text.strip("\n") == text
    assert count(session) == 0
    send_as_victim(client_request, world.case, text[:5000])
    assert count(session) == 1


@pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "replacement \ufffd", "   \n  "])
def test_unreadable_or_empty_text_is_a_clear_error(bad, world, session, client_request, login_as):
    login_as(world.victim)
    page = send_as_victim(client_request, world.case, bad, expected=400)
    assert page.select_one(".govuk-error-summary")
    assert count(session) == 0


def test_the_rate_limit_is_kind_and_keeps_the_text(world, session, client_request, login_as):
    for n in range(messaging.RATE_LIMIT_PER_HOUR):
        messaging.send_from_victim(
            session, world.case, world.victim, f"m{n}", messaging.new_idempotency_key()
        )
    session.flush()
    login_as(world.victim)
    page = send_as_victim(client_request, world.case, "One more thing", expected=429)
    assert "Your message is still here" in page.select_one(".govuk-error-summary").text
    assert page.select_one("textarea[name=body]").text.strip() == "One more thing"
    assert count(session) == messaging.RATE_LIMIT_PER_HOUR
    # An hour later the oldest no longer count.
    for message in session.scalars(select(Message)):
        message.created_at = utcnow() - timedelta(hours=1, minutes=1)
    session.flush()
    send_as_victim(client_request, world.case, "One more thing")
    assert count(session) == messaging.RATE_LIMIT_PER_HOUR + 1


def test_removed_message_leaves_the_victims_view_but_not_the_record(
    world, session, client_request, login_as
):
    login_as(world.victim)
    send_as_victim(client_request, world.case, "Please forget this one")
    page = client_request.get("victim.messages", case_id=world.case.id)
    assert "The service keeps a copy" in page.text
    message_id = session.scalar(select(Message.id))
    client_request.post(
        "victim.remove_message",
        _form_url=f"/my-case/cases/{world.case.id}/messages",
        case_id=world.case.id,
        message_id=message_id,
    )
    page = client_request.get("victim.messages", case_id=world.case.id)
    assert "Please forget this one" not in page.text
    assert "The service still keeps it in its record" in page.text
    login_as(world.isva)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    item = page.select_one("li.wp-message--theirs")
    assert "Please forget this one" in item.text
    assert "Removed from the victim’s view" in item.text


def test_another_victim_cannot_remove_a_message(world, session, client_request, login_as):
    login_as(world.victim)
    send_as_victim(client_request, world.case, "Mine")
    message_id = session.scalar(select(Message.id))
    login_as(world.other_victim)
    client_request.post(
        f"/my-case/cases/{world.other_case.id}/messages/{message_id}/remove",
        _form_url=f"/my-case/cases/{world.other_case.id}/messages",
    )
    session.expire_all()
    assert session.scalar(select(Message.hidden_by_victim_at)) is None


def test_notes_to_file_are_staff_only(world, session, client_request, login_as):
    login_as(world.isva)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert "Only staff can see this." in page.text
    values = {**form_values(page, "/notes"), "note": "staff-only-marker-5521"}
    client_request.post("caseworker.add_note", values, case_id=world.case.id)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert "staff-only-marker-5521" in page.select_one(".wp-note").text
    assert session.scalar(select(func.count()).select_from(NoteToFile)) == 1
    assert count(session) == 0  # a note is never a message
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    assert "staff-only-marker-5521" not in client_request.response.get_data(as_text=True)
    for endpoint in ("victim.case_summary", "victim.call_me"):
        client_request.get(endpoint, case_id=world.case.id)
        assert "staff-only-marker-5521" not in client_request.response.get_data(as_text=True)


def test_saved_replies_fill_the_reply_without_javascript(world, session, client_request, login_as):
    login_as(world.supervisor)
    client_request.post(
        "caseworker.saved_replies",
        {"title": "Thanks", "body": "Thank you for your message.\nI will reply soon."},
    )
    login_as(world.isva)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    option = page.find("option", string="Thanks")
    values = {
        **form_values(page, f"/caseworker/cases/{world.case.id}/messages"),
        "saved_reply": option["value"],
        "use_saved": "Use this saved reply",
        "body": "",
    }
    page = client_request.post(
        "caseworker.reply", values, _expected_status=200, case_id=world.case.id
    )
    assert page.select_one("textarea[name=body]").text.strip("\n") == (
        "Thank you for your message.\nI will reply soon."
    )
    assert count(session) == 0  # nothing is sent until they press send
    values["body"] = page.select_one("textarea[name=body]").text.strip("\n")
    values.pop("use_saved")
    client_request.post("caseworker.reply", values, case_id=world.case.id)
    assert session.scalar(select(Message.direction)) == MessageDirection.TO_VICTIM


def test_isvas_cannot_manage_saved_replies(world, client_request, login_as):
    login_as(world.isva)
    client_request.get("caseworker.saved_replies", _expected_status=404)


def test_staff_reply_over_the_limit_keeps_the_text(world, session, client_request, login_as):
    login_as(world.isva)
    page = reply_as_staff(client_request, world.case, "b" * 5001, expected=400)
    assert page.select_one("textarea[name=body]").text.strip("\n") == "b" * 5001
    assert count(session) == 0


def test_a_mangled_form_key_is_an_error_and_sending_again_works(
    world, session, client_request, login_as
):
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    values = {**form_values(page, "/messages"), "body": "Keep me", "idempotency_key": "<x>"}
    page = client_request.post(
        "victim.send_message", values, _expected_status=400, case_id=world.case.id
    )
    assert "Press send again" in page.select_one(".govuk-error-summary").text
    assert page.select_one("textarea[name=body]").text.strip() == "Keep me"
    values = {**form_values(page, "/messages"), "body": "Keep me"}
    client_request.post("victim.send_message", values, case_id=world.case.id)
    assert count(session) == 1


def test_losing_a_write_race_is_retried_once_and_finds_the_first_message(
    world, session, client_request, login_as, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    real = messaging.send_from_victim
    calls: list[int] = []

    def racing(db_session, case, victim, body, key):
        calls.append(1)
        if len(calls) == 1:  # the other request wins the race and commits first
            real(session, case, victim, body, key)
            session.flush()
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real(db_session, case, victim, body, key)

    monkeypatch.setattr(messaging, "send_from_victim", racing)
    login_as(world.victim)
    send_as_victim(client_request, world.case, "Only once")
    assert len(calls) == 2
    assert count(session) == 1
