"""Who is told, and who may answer: out of office with cover, handover, coalescing of
several messages into one notification, and call-back requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from notifications.models import Channel, ContactPoint, Notification
from portal.clock import utcnow
from portal.models import CallbackReason, CallbackStatus, Role
from portal.models.message import Message, MessageDirection
from portal.rules import Action, can
from portal.services.caseload import assignment as cases
from portal.services.messaging import availability
from portal.services.messaging import messages as messaging
from portal.services.messaging.callbacks import open_callbacks
from tests.portal.messaging.conftest import form_values, reply_as_staff, send_as_victim
from tests.support.factories import make_org, make_user


def notified(session, user) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.recipient_id == user.id)))


def give_victim_sms(session, victim) -> None:
    now = utcnow()
    session.add(
        ContactPoint(
            user_id=victim.id,
            channel=Channel.SMS,
            address="+447700900123",
            address_lookup="lookup-" + str(victim.id),
            verified_at=now,
            safe_confirmed_at=now,
            enabled=True,
        )
    )
    session.flush()


def away(session, world, days: int = 3):
    today = availability.london_day()
    return availability.set_absence(
        session, world.isva, world.isva, world.cover, today, today + timedelta(days=days)
    )


def test_away_isva_routes_to_cover_and_supervisor_and_cover_can_reply(
    world, session, client_request, login_as
):
    away(session, world)
    session.flush()
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    assert "Sam is out of office until" in page.text
    assert "Cara is covering and will read your message." in page.text
    send_as_victim(client_request, world.case, "Is anyone there?")
    assert [n.kind for n in notified(session, world.cover)] == ["staff_work"]
    assert [n.kind for n in notified(session, world.supervisor)] == ["staff_work"]
    assert notified(session, world.isva) == []

    login_as(world.cover)
    page = client_request.get("caseworker.inbox")
    row = page.find("tr", attrs={"data-case": str(world.case.id)})
    assert row is not None
    assert "Covering" in row.text
    assert (
        "Is anyone there?"
        in client_request.get("caseworker.conversation", case_id=world.case.id).text
    )
    reply_as_staff(client_request, world.case, "I am covering for Sam this week.")
    session.expire_all()
    reply = session.scalar(select(Message).where(Message.direction == MessageDirection.TO_VICTIM))
    assert reply.author_id == world.cover.id
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    assert "Read by Cara at" in page.select_one("li.wp-message--mine").text
    assert "Cara wrote" in page.text


def test_cover_loses_access_when_the_absence_ends(world, session, client_request, login_as):
    absence = away(session, world, days=0)
    session.flush()
    assert can(world.cover, Action.SEND_MESSAGE, world.case)
    assert not can(world.cover, Action.PUBLISH_UPDATE, world.case)
    tomorrow = utcnow() + timedelta(days=1)
    assert not can(world.cover, Action.VIEW_MESSAGES, world.case, at=tomorrow)
    availability.end_absence(session, world.isva, absence)  # back early
    session.flush()
    login_as(world.cover)
    client_request.get("caseworker.conversation", _expected_status=404, case_id=world.case.id)
    login_as(world.victim)
    send_as_victim(client_request, world.case, "Back to normal")
    assert notified(session, world.cover) == []
    assert [n.kind for n in notified(session, world.isva)] == ["staff_work"]


def test_isva_sets_out_of_office_through_the_form(world, session, client_request, login_as):
    login_as(world.isva)
    today = availability.london_day()
    end = today + timedelta(days=2)
    client_request.post(
        "caseworker.out_of_office",
        {
            "person": str(world.isva.id),
            "cover": str(world.cover.id),
            "starts_on": [today.day, today.month, today.year],
            "ends_on": [end.day, end.month, end.year],
        },
    )
    assert availability.active_absence(session, world.isva.id).cover_id == world.cover.id
    page = client_request.post(
        "caseworker.out_of_office",
        {
            "person": str(world.isva.id),
            "cover": str(world.isva.id),
            "starts_on": [today.day, today.month, today.year],
            "ends_on": [end.day, end.month, end.year],
        },
        _expected_status=400,
    )
    assert "Choose another ISVA" in page.select_one(".govuk-error-summary").text
    # Half a date is an error on the form, never a crash.
    page = client_request.post(
        "caseworker.out_of_office",
        {"person": str(world.isva.id), "cover": str(world.cover.id), "starts_on": ["31"]},
        _expected_status=400,
    )
    assert page.select_one(".govuk-error-summary")


def test_handover_keeps_history_adds_a_system_line_and_tells_the_victim(
    world, session, client_request, login_as
):
    give_victim_sms(session, world.victim)
    messaging.send_from_victim(
        session, world.case, world.victim, "Before the handover", messaging.new_idempotency_key()
    )
    cases.assign(session, world.case, world.cover.id, world.supervisor)
    session.flush()
    assert [n.kind for n in notified(session, world.victim)] == ["message"]
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=world.case.id)
    assert "Before the handover" in page.text
    assert "Your ISVA is now Cara" in page.select_one("li.wp-message--system").text
    assert "Your message will be read by Cara, your ISVA." in page.text
    login_as(world.cover)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert "Before the handover" in page.text
    login_as(world.isva)
    client_request.get("caseworker.conversation", _expected_status=404, case_id=world.case.id)


def test_three_replies_in_a_row_make_one_notification(world, session):
    give_victim_sms(session, world.victim)
    for n in range(3):
        messaging.reply(
            session, world.case, world.isva, f"Part {n}", messaging.new_idempotency_key()
        )
    session.flush()
    assert len(notified(session, world.victim)) == 1
    # Once the victim has read them, the next reply is news again.
    messaging.mark_read_by_victim(session, world.case, world.victim)
    messaging.reply(session, world.case, world.isva, "Later", messaging.new_idempotency_key())
    session.flush()
    rows = notified(session, world.victim)
    assert len(rows) == 2
    assert all(r.kind == "message" and r.category == "messages" for r in rows)


def test_three_victim_messages_make_one_email_to_the_isva(world, session):
    for n in range(3):
        messaging.send_from_victim(
            session, world.case, world.victim, f"Part {n}", messaging.new_idempotency_key()
        )
    session.flush()
    assert len(notified(session, world.isva)) == 1


def test_victim_asks_for_a_call_and_the_isva_marks_it_done(
    world, session, client_request, login_as
):
    login_as(world.victim)
    page = client_request.get("victim.call_me", case_id=world.case.id)
    assert page.find("input", attrs={"name": "voicemail", "value": "no"}).has_attr("checked")
    client_request.post(
        "victim.call_me",
        {"safe_times": "Weekdays 10 to 12", "voicemail": "no"},
        case_id=world.case.id,
    )
    [callback] = open_callbacks(session, [world.case.id])
    assert callback.reason == CallbackReason.ASKED
    assert (callback.safe_times, callback.voicemail_ok) == ("Weekdays 10 to 12", False)

    login_as(world.isva)
    page = client_request.get("caseworker.inbox")
    assert "1 call-back request" in page.find("tr", attrs={"data-case": str(world.case.id)}).text
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    assert "Weekdays 10 to 12" in page.text
    assert "Do not leave a voicemail" in page.text
    values = {
        **form_values(page, f"/callbacks/{callback.id}/done"),
        "outcome": "Spoke at 10:30",
    }
    client_request.post(
        "caseworker.callback_done", values, case_id=world.case.id, callback_id=callback.id
    )
    session.expire_all()
    assert open_callbacks(session, [world.case.id]) == []
    session.refresh(callback)
    assert callback.status == CallbackStatus.DONE
    assert callback.outcome_note == "Spoke at 10:30"


def test_inbox_shows_unread_and_overdue_in_working_days(world, session, client_request, login_as):
    message = messaging.send_from_victim(
        session, world.case, world.victim, "Hello?", messaging.new_idempotency_key()
    )
    message.created_at = utcnow() - timedelta(days=7)  # at least 3 working days ago
    session.flush()
    login_as(world.isva)
    row = client_request.get("caseworker.inbox").find("tr", attrs={"data-case": str(world.case.id)})
    cells = row.find_all("td")
    assert cells[1].text.strip() == "1"
    assert "Reply overdue" in cells[2].text
    reply_as_staff(client_request, world.case, "Sorry for the wait")
    row = client_request.get("caseworker.inbox").find("tr", attrs={"data-case": str(world.case.id)})
    cells = row.find_all("td")
    assert cells[1].text.strip() == "0"
    assert "Reply overdue" not in cells[2].text


def test_supervisor_inbox_covers_the_organisation(world, session, client_request, login_as):
    messaging.send_from_victim(
        session, world.other_case, world.other_victim, "Hi", messaging.new_idempotency_key()
    )
    session.flush()
    login_as(world.supervisor)
    page = client_request.get("caseworker.inbox")
    assert page.find("tr", attrs={"data-case": str(world.case.id)})
    assert page.find("tr", attrs={"data-case": str(world.other_case.id)})
    login_as(world.isva)
    page = client_request.get("caseworker.inbox")
    assert page.find("tr", attrs={"data-case": str(world.other_case.id)}) is None


def test_cover_is_only_for_the_cases_of_the_isva_who_is_away(world, session):
    today = availability.london_day()
    # Una (assigned to the other case) is away with Cara covering: Cara gets Una's case only.
    availability.set_absence(
        session, world.supervisor, world.unassigned_isva, world.cover, today, today
    )
    session.flush()
    assert can(world.cover, Action.SEND_MESSAGE, world.other_case)
    assert not can(world.cover, Action.VIEW_MESSAGES, world.case)
    assert not can(world.cover, Action.VIEW_CASE_CONTENT, world.other_case)


def test_who_may_set_an_absence(world, session):
    today = availability.london_day()
    with pytest.raises(availability.AbsenceError):  # an ISVA for someone else
        availability.set_absence(session, world.cover, world.isva, world.cover, today, today)
    with pytest.raises(availability.AbsenceError):  # covering for yourself
        availability.set_absence(session, world.isva, world.isva, world.isva, today, today)
    with pytest.raises(availability.AbsenceError):  # the end before the start
        availability.set_absence(
            session, world.isva, world.isva, world.cover, today, today - timedelta(days=1)
        )
    other_org = make_org(session)
    outsider = make_user(session, other_org, Role.ISVA)
    with pytest.raises(availability.AbsenceError):  # cover from another organisation
        availability.set_absence(session, world.isva, world.isva, outsider, today, today)
    assert availability.active_absence(session, world.isva.id) is None


def test_victim_is_not_told_in_quiet_hours_and_not_at_all_when_they_chose_not(world, session):
    from datetime import UTC, datetime

    import time_machine

    from notifications.models import NotificationPreference

    give_victim_sms(session, world.victim)
    with time_machine.travel(datetime(2027, 1, 13, 22, 30, tzinfo=UTC), tick=False):
        messaging.reply(session, world.case, world.isva, "Late", messaging.new_idempotency_key())
        session.flush()
    [row] = notified(session, world.victim)
    assert row.not_before == datetime(2027, 1, 14, 8, 0, tzinfo=UTC)  # 08:00 London (GMT)

    session.add(
        NotificationPreference(user_id=world.victim.id, choices={"messages": "dont_notify"})
    )
    messaging.mark_read_by_victim(session, world.case, world.victim)
    messaging.reply(session, world.case, world.isva, "Again", messaging.new_idempotency_key())
    session.flush()
    assert len(notified(session, world.victim)) == 1  # nothing new queued


def test_reply_target_counts_working_days_from_the_clock_start(world, session):
    from datetime import UTC, datetime

    import time_machine

    from portal.services.messaging.inbox import inbox

    # Friday 18:00 London: the clock starts on Monday, so a 1-day target is due on Tuesday.
    with time_machine.travel(datetime(2027, 1, 15, 18, 0, tzinfo=UTC), tick=False):
        messaging.send_from_victim(
            session, world.case, world.victim, "Weekend?", messaging.new_idempotency_key()
        )
        session.flush()
    for day, overdue in ((18, False), (19, False), (20, True)):  # Mon, Tue, Wed
        with time_machine.travel(datetime(2027, 1, day, 12, 0, tzinfo=UTC), tick=False):
            [row] = inbox(session, world.isva, 1)
            assert str(row.reply_due) == "2027-01-19"
            assert row.overdue is overdue, day


def test_without_an_isva_the_supervisors_are_told(world, session, client_request, login_as):
    from tests.support.factories import make_case as new_case

    unassigned = new_case(session, world.org, world.victim)
    login_as(world.victim)
    page = client_request.get("victim.messages", case_id=unassigned.id)
    assert "You do not have an ISVA at the moment" in page.text
    send_as_victim(client_request, unassigned, "Is anyone there?")
    assert [n.case_id for n in notified(session, world.supervisor)] == [unassigned.id]
