"""The one decision of whether and when a person is told (notifications/decision.py), as a
table: pure inputs, no database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from notifications import decision
from notifications.decision import (
    DONT_NOTIFY,
    HOLD_FOR_ISVA,
    NO_CONTACT_POINT,
    TELL_LATER,
    TELL_NOW,
    Decision,
)
from notifications.models import Choice
from notifications.policy import PreferenceSnapshot
from notifications.render import (
    KIND_MESSAGE,
    KIND_REMINDER,
    KIND_STAFF_INVITATION,
    KIND_STAFF_WORK,
    KIND_UPDATE,
    KIND_VERIFICATION,
)

MIDDAY = datetime(2026, 7, 1, 11, 0, tzinfo=UTC)  # 12:00 BST: nobody's default quiet hours
LATE = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)  # 22:30 BST: inside the default 21:00-08:00
NEXT_MORNING = datetime(2026, 7, 2, 7, 0, tzinfo=UTC)  # 08:00 BST


def prefs(choices: dict[str, str] | None = None, start: int = 21 * 60, end: int = 8 * 60):
    return PreferenceSnapshot(choices or {}, start, end)


def victim(pref: PreferenceSnapshot | None, category: str | None = "court", **kw) -> Decision:
    kw.setdefault("now", MIDDAY)
    kw.setdefault("reachable", True)
    kw.setdefault("kind", KIND_UPDATE)
    return decision.decide(pref, is_staff=False, category=category, **kw)


# --- whether -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pref", [None, prefs(), prefs({"court": Choice.TELL_ME})])
def test_nothing_chosen_or_tell_me_tells_now_outside_quiet_hours(pref):
    assert victim(pref) == Decision(TELL_NOW, MIDDAY)


def test_no_usable_contact_point_tells_nobody():
    assert victim(None, reachable=False) == Decision(NO_CONTACT_POINT)


def test_dont_notify_is_answered_before_the_contact_points_and_even_once_the_isva_has_told():
    pref = prefs({"court": Choice.DONT_NOTIFY})
    assert victim(pref) == Decision(DONT_NOTIFY)
    assert victim(pref, reachable=False) == Decision(DONT_NOTIFY)
    assert victim(pref, isva_has_told=True) == Decision(DONT_NOTIFY)
    assert victim(pref, category="support") == Decision(TELL_NOW, MIDDAY)  # other news: told


def test_the_victims_isva_first_choice_holds_until_the_isva_has_told_them():
    pref = prefs({"court": Choice.ISVA_FIRST})
    held = victim(pref)
    assert held == Decision(HOLD_FOR_ISVA)
    assert held.holds
    assert not held.tells
    # Held whether or not they can be reached: publishing hides the update either way.
    assert victim(pref, reachable=False).holds
    told = victim(pref, isva_has_told=True)
    assert told == Decision(TELL_NOW, MIDDAY)
    assert not told.holds
    assert victim(pref, isva_has_told=True, reachable=False) == Decision(NO_CONTACT_POINT)


@pytest.mark.parametrize(
    ("choice", "after_told"),
    [(Choice.TELL_ME, TELL_NOW), (Choice.ISVA_FIRST, TELL_NOW), (Choice.DONT_NOTIFY, DONT_NOTIFY)],
)
def test_an_isva_first_event_holds_whatever_the_choice_until_the_isva_has_told(choice, after_told):
    pref = prefs({"court": choice})
    assert victim(pref, event_isva_first=True) == Decision(HOLD_FOR_ISVA)
    assert victim(pref, event_isva_first=True, isva_has_told=True).outcome == after_told


def test_isva_first_means_nothing_for_messages_from_the_isva():
    pref = prefs({"messages": Choice.ISVA_FIRST})
    assert victim(pref, category="messages", kind=KIND_MESSAGE) == Decision(TELL_NOW, MIDDAY)


def test_a_stored_choice_that_is_not_a_choice_means_tell_me():
    assert victim(prefs({"court": "shout_it"})) == Decision(TELL_NOW, MIDDAY)


def test_news_with_no_category_follows_no_category_choice():
    pref = prefs({"court": Choice.DONT_NOTIFY})
    assert victim(pref, category=None, kind=KIND_REMINDER) == Decision(TELL_NOW, MIDDAY)


# --- when --------------------------------------------------------------------------------------


def test_quiet_hours_across_midnight_wait_until_the_morning_london_time():
    assert victim(None, now=LATE) == Decision(TELL_LATER, NEXT_MORNING)
    after_midnight = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 BST on 2 July
    assert victim(None, now=after_midnight) == Decision(TELL_LATER, NEXT_MORNING)
    last_quiet_minute = datetime(2026, 7, 2, 6, 59, tzinfo=UTC)
    assert victim(None, now=last_quiet_minute) == Decision(TELL_LATER, NEXT_MORNING)
    assert victim(None, now=NEXT_MORNING) == Decision(TELL_NOW, NEXT_MORNING)
    before_quiet = datetime(2026, 7, 1, 19, 59, tzinfo=UTC)  # 20:59 BST
    assert victim(None, now=before_quiet) == Decision(TELL_NOW, before_quiet)


def test_quiet_hours_follow_greenwich_time_in_winter():
    winter_night = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)  # 00:30 GMT
    assert victim(None, now=winter_night) == Decision(
        TELL_LATER, datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    )


def test_the_victims_own_quiet_hours_apply_and_an_empty_window_means_none():
    lunch = prefs(start=13 * 60, end=14 * 60)
    at_lunch = datetime(2026, 7, 1, 12, 15, tzinfo=UTC)  # 13:15 BST
    assert victim(lunch, now=at_lunch) == Decision(
        TELL_LATER, datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    )
    assert victim(lunch, now=LATE) == Decision(TELL_NOW, LATE)
    assert victim(prefs(start=0, end=0), now=LATE) == Decision(TELL_NOW, LATE)


def test_an_isva_first_update_told_at_night_still_waits_for_the_morning():
    pref = prefs({"court": Choice.ISVA_FIRST})
    assert victim(pref, now=LATE, isva_has_told=True) == Decision(TELL_LATER, NEXT_MORNING)


# --- who the rules are for ---------------------------------------------------------------------


def test_a_verification_code_ignores_quiet_hours_and_choices():
    pref = prefs({"court": Choice.DONT_NOTIFY}, start=0, end=23 * 60 + 59)
    code = victim(pref, kind=KIND_VERIFICATION, now=LATE)
    assert code == Decision(TELL_NOW, LATE)
    assert victim(pref, kind=KIND_VERIFICATION, reachable=False) == Decision(NO_CONTACT_POINT)


@pytest.mark.parametrize("kind", [KIND_STAFF_WORK, KIND_STAFF_INVITATION, KIND_UPDATE])
def test_staff_ignore_quiet_hours_and_choices(kind):
    pref = prefs({"court": Choice.ISVA_FIRST})
    answer = decision.decide(
        pref, kind=kind, is_staff=True, category="court", now=LATE, reachable=True
    )
    assert answer == Decision(TELL_NOW, LATE)
    unreachable = decision.decide(
        pref, kind=kind, is_staff=True, category="court", now=LATE, reachable=False
    )
    assert unreachable == Decision(NO_CONTACT_POINT)


def test_follows_preferences_only_for_a_victims_news():
    assert decision.follows_preferences(KIND_UPDATE, is_staff=False)
    assert decision.follows_preferences(KIND_REMINDER, is_staff=False)
    assert not decision.follows_preferences(KIND_UPDATE, is_staff=True)
    assert not decision.follows_preferences(KIND_VERIFICATION, is_staff=False)
    assert not decision.follows_preferences(KIND_STAFF_WORK, is_staff=False)


# --- the helpers the worker asks ---------------------------------------------------------------


@dataclass
class Point:
    enabled: bool = True
    verified_at: datetime | None = MIDDAY
    safe_confirmed_at: datetime | None = MIDDAY
    opted_out_at: datetime | None = None


@pytest.mark.parametrize(
    ("point", "for_news", "for_code"),
    [
        (Point(), True, True),
        (Point(verified_at=None), False, True),  # a code is how a point gets verified
        (Point(safe_confirmed_at=None), False, False),
        (Point(enabled=False), False, False),
        (Point(opted_out_at=MIDDAY), False, False),
    ],
)
def test_can_reach(point, for_news, for_code):
    assert decision.can_reach(point, KIND_UPDATE) is for_news
    assert decision.can_reach(point, KIND_VERIFICATION) is for_code


def test_tell_at_is_now_or_the_end_of_quiet_hours():
    assert decision.tell_at(None, MIDDAY) == MIDDAY
    assert decision.tell_at(None, LATE) == NEXT_MORNING


def test_is_quiet_is_true_exactly_when_news_would_wait():
    assert decision.is_quiet(None, LATE)
    assert not decision.is_quiet(None, MIDDAY)
    assert not decision.is_quiet(None, NEXT_MORNING)  # the window's end is not quiet


def test_deliver_by_is_the_next_quiet_start_for_a_victims_news_only():
    evening = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)  # 21:00 BST
    assert decision.deliver_by(None, MIDDAY, KIND_UPDATE, is_staff=False) == evening
    assert decision.deliver_by(None, MIDDAY, KIND_UPDATE, is_staff=True) is None
    assert decision.deliver_by(None, MIDDAY, KIND_VERIFICATION, is_staff=False) is None
    assert decision.deliver_by(prefs(start=0, end=0), MIDDAY, KIND_UPDATE, is_staff=False) is None
