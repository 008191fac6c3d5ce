"""notify(): consent, choices, quiet hours, dedupe, staff, in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from notifications import notify
from notifications.contacts import set_choices, set_quiet_hours
from notifications.models import Channel, Notification
from notifications.policy import quiet_hours_end
from portal.models import Role
from tests.notifications.conftest import add_point, make_victim, new_number
from tests.support.factories import make_org, make_user


def _count(session):
    return session.scalar(select(func.count()).select_from(Notification))


def test_a_verified_safe_contact_point_gets_one_row_per_channel(session):
    victim, _, _ = make_victim(session, email="ruth@example.org")
    before = _count(session)
    result = notify(session, victim, "update", source_key="update:1", category="court")
    assert result.decision == "queued"
    assert {n.channel for n in result.notifications} == {"sms", "email"}
    assert _count(session) == before + 2


def test_unverified_or_unsafe_or_disabled_or_opted_out_points_get_nothing(session):
    org = make_org(session)
    victim = make_user(session, org, Role.VICTIM)
    add_point(session, victim, Channel.SMS, new_number(), verified=False)
    add_point(session, victim, Channel.EMAIL, "a@example.org", safe=False)
    assert notify(session, victim, "update", source_key="u:2").decision == "no_contact_point"
    other = make_user(session, org, Role.VICTIM)
    point = add_point(session, other, Channel.SMS, new_number())
    point.opted_out_at = datetime.now(UTC)
    assert notify(session, other, "update", source_key="u:3").decision == "no_contact_point"
    third = make_user(session, org, Role.VICTIM)
    add_point(session, third, Channel.SMS, new_number(), enabled=False)
    assert notify(session, third, "update", source_key="u:4").decision == "no_contact_point"


def test_the_same_source_event_is_queued_once(session):
    victim, _, _ = make_victim(session)
    first = notify(session, victim, "update", source_key="update:dup")
    second = notify(session, victim, "update", source_key="update:dup")
    assert first.decision == "queued"
    assert second.decision == "duplicate"
    assert second.notifications == []


def test_category_choices_isva_first_and_dont_notify_send_nothing_to_the_victim(session):
    victim, _, _ = make_victim(session)
    set_choices(
        session,
        victim.id,
        {"decisions": "isva_first", "court": "dont_notify"},
        source="portal",
        actor_id=victim.id,
    )
    before = _count(session)
    assert notify(session, victim, "update", source_key="a", category="decisions").decision == (
        "isva_first"
    )
    assert notify(session, victim, "update", source_key="b", category="court").decision == (
        "dont_notify"
    )
    assert _count(session) == before
    assert notify(session, victim, "update", source_key="c", category="support").decision == (
        "queued"
    )


def test_quiet_hours_defer_to_eight_in_the_morning_london_time(session):
    victim, _, _ = make_victim(session, default_quiet_hours=True)
    with time_machine.travel(datetime(2026, 7, 1, 21, 30, tzinfo=UTC), tick=False):
        # 22:30 BST: quiet; sending waits until 08:00 BST = 07:00 UTC the next day.
        row = notify(session, victim, "update", source_key="q1").notifications[0]
    assert row.not_before == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
        row = notify(session, victim, "update", source_key="q2").notifications[0]
    assert row.not_before == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_quiet_hours_are_dst_correct_across_the_clock_changes():
    # Spring forward: Sat 28 Mar 2026 23:00 GMT -> 08:00 BST on Sun 29 Mar = 07:00 UTC.
    spring = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert quiet_hours_end(spring, 21 * 60, 8 * 60) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    # Fall back: Sat 24 Oct 2026 22:00 BST -> 08:00 GMT on Sun 25 Oct = 08:00 UTC.
    autumn = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert quiet_hours_end(autumn, 21 * 60, 8 * 60) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    # Just after midnight, still quiet; same-day end.
    assert quiet_hours_end(datetime(2026, 1, 5, 0, 30, tzinfo=UTC), 21 * 60, 8 * 60) == datetime(
        2026, 1, 5, 8, 0, tzinfo=UTC
    )


def test_victim_chosen_quiet_hours_apply(session):
    victim, _, _ = make_victim(session)
    set_quiet_hours(session, victim.id, 13 * 60, 14 * 60, source="portal", actor_id=victim.id)
    with time_machine.travel(datetime(2026, 12, 1, 13, 15, tzinfo=UTC), tick=False):
        row = notify(session, victim, "update", source_key="mine").notifications[0]
    assert row.not_before == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_staff_get_content_free_email_only_and_no_quiet_hours(session):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, email="sam.isva@example.org")
    with time_machine.travel(datetime(2026, 12, 1, 23, 0, tzinfo=UTC), tick=False):
        result = notify(session, isva, "message", source_key="msg:9")
    assert result.decision == "queued"
    (row,) = result.notifications
    assert row.channel == "email"
    assert row.kind == "staff_work"
    assert row.not_before == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def test_notify_never_commits(session):
    victim, _, _ = make_victim(session)
    notify(session, victim, "update", source_key="nc")
    assert session.in_transaction()
    session.rollback()
    assert session.scalar(select(Notification).where(Notification.source_key == "nc")) is None
