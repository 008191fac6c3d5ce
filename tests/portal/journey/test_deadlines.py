"""The Victims' Code clock: working days in England and Wales, Europe/London, DST-correct."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from portal.journey import EVENTS
from portal.services.updates.deadlines import (
    Due,
    add_months,
    add_working_days,
    bank_holidays,
    clock_starts,
    due_by,
    is_working_day,
    lateness,
    london_today,
    window_for,
    working_days_between,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_england_and_wales_have_the_same_bank_holidays():
    for year in range(2000, 2061):
        eng = set(holidays.country_holidays("GB", subdiv="ENG", years=year))
        wls = set(holidays.country_holidays("GB", subdiv="WLS", years=year))
        assert eng == wls, year
        assert bank_holidays(year) == eng


def test_one_off_bank_holidays_come_from_the_package():
    assert not is_working_day(date(2022, 9, 19))  # the Queen's state funeral
    assert not is_working_day(date(2023, 5, 8))  # the coronation


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday -> Monday, over a weekend
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # from a Saturday
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 -> next Monday
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
        # Christmas 2026: Friday 25th; Boxing Day on Saturday, substitute Monday 28th.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # Christmas 2022 fell on Sunday: Boxing Day Monday, Christmas substitute Tuesday 27th.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        # New Year's Day 2022 was a Saturday: substitute Monday 3 January.
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        (date(2021, 12, 24), 2, date(2021, 12, 30)),  # 2021's Christmas substitutes: 27, 28
        # Good Friday 3 April and Easter Monday 6 April 2026.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        # The early May bank holiday: Monday 4 May 2026.
        (date(2026, 5, 1), 1, date(2026, 5, 5)),
        (date(2026, 5, 1), 10, date(2026, 5, 18)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected
    assert working_days_between(start, expected) == n


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 5), -1)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 29)) == 0  # Fri -> Sun
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 27)) == -1
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4  # 29, 30, 31, 4


@given(st.dates(date(2000, 1, 1), date(2060, 12, 31)), st.integers(0, 60))
def test_working_days_between_inverts_add_working_days(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or is_working_day(end)


# Winter (GMT = UTC) and summer (BST = UTC+1) examples.
@pytest.mark.parametrize(
    ("learned_at", "starts", "due"),
    [
        (utc(2026, 11, 23, 10, 0), date(2026, 11, 23), date(2026, 11, 24)),  # Monday morning
        (utc(2026, 11, 23, 16, 59), date(2026, 11, 23), date(2026, 11, 24)),  # before 17:00
        (utc(2026, 11, 23, 17, 0), date(2026, 11, 24), date(2026, 11, 25)),  # after hours
        (utc(2026, 11, 27, 18, 0), date(2026, 11, 30), date(2026, 12, 1)),  # Friday evening
        (utc(2026, 11, 28, 9, 0), date(2026, 11, 30), date(2026, 12, 1)),  # Saturday
        (utc(2026, 12, 25, 9, 0), date(2026, 12, 29), date(2026, 12, 30)),  # Christmas Day
        # Summer: 16:30 UTC is 17:30 BST, after the working day.
        (utc(2026, 3, 30, 16, 30), date(2026, 3, 31), date(2026, 4, 1)),
        # The same UTC time a week earlier, before the clocks changed, is 16:30 GMT.
        (utc(2026, 3, 23, 16, 30), date(2026, 3, 23), date(2026, 3, 24)),
        # 23:30 UTC on Tuesday 30 June is 00:30 BST on Wednesday 1 July in London.
        (utc(2026, 6, 30, 23, 30), date(2026, 7, 1), date(2026, 7, 2)),
    ],
)
def test_due_by_counts_from_the_working_day_the_agency_learned_of_it(learned_at, starts, due):
    assert clock_starts(learned_at) == starts
    result = due_by("suspect_arrested", learned_at)
    assert result == Due(due, 1)


def test_due_by_uses_each_events_own_deadline():
    learned = utc(2026, 11, 23, 10, 0)
    assert due_by("support_referral", learned).day == date(2026, 11, 25)  # 2 working days
    assert due_by("complaint", learned).day == date(2026, 12, 7)  # 10 working days
    assert due_by("victim_contact_scheme", learned).day == date(2026, 12, 7)
    assert due_by("case_closed", learned) is None
    assert due_by("vps_offered", learned) is None


def test_every_deadline_event_gets_a_due_day():
    for e in EVENTS:
        due = due_by(e.key, utc(2026, 11, 23, 10, 0))
        assert (due is None) == (e.deadline is None), e.key


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        due_by("charged", datetime(2026, 11, 23, 10, 0))  # noqa: DTZ001


def test_a_due_day_ends_at_london_midnight_in_utc():
    assert Due(date(2026, 11, 24), 1).ends_at == utc(2026, 11, 25, 0, 0)  # GMT
    assert Due(date(2026, 7, 2), 1).ends_at == utc(2026, 7, 2, 23, 0)  # BST


@pytest.mark.parametrize(
    ("due_day", "published_at", "on_time", "late"),
    [
        (date(2026, 11, 24), utc(2026, 11, 24, 9, 0), True, 0),
        (date(2026, 11, 24), utc(2026, 11, 24, 23, 59), True, 0),  # same London day (GMT)
        (date(2026, 11, 24), utc(2026, 11, 25, 0, 1), False, 1),
        (date(2026, 11, 24), utc(2026, 11, 20, 9, 0), True, 0),  # early
        (date(2026, 11, 27), utc(2026, 11, 28, 12, 0), False, 1),  # Saturday after a Friday
        (date(2026, 11, 27), utc(2026, 11, 30, 12, 0), False, 1),  # the Monday after
        (date(2026, 11, 27), utc(2026, 12, 1, 12, 0), False, 2),
        (date(2026, 12, 24), utc(2026, 12, 29, 12, 0), False, 1),  # over Christmas
        # 23:30 UTC on 2 July is 00:30 BST on 3 July: one working day late.
        (date(2026, 7, 2), utc(2026, 7, 2, 22, 59), True, 0),
        (date(2026, 7, 2), utc(2026, 7, 2, 23, 30), False, 1),
    ],
)
def test_lateness(due_day, published_at, on_time, late):
    result = lateness(Due(due_day, 1), published_at)
    assert (result.on_time, result.working_days_late) == (on_time, late)


def test_the_unduly_lenient_sentence_window_is_exactly_28_calendar_days():
    # The Attorney General's Office's own example: sentenced 4 January, last day 1 February.
    window = window_for("sentence", date(2027, 1, 4))
    assert window is not None
    assert window.closes_on == date(2027, 2, 1)
    assert window.closes_on - window.opened_on == timedelta(days=28)
    assert window.ask_by is None
    # Weekends and bank holidays count: sentenced on Christmas Eve.
    assert window_for("sentence", date(2026, 12, 24)).closes_on == date(2027, 1, 21)


def test_the_right_to_review_window_closes_three_months_after_the_decision():
    window = window_for("police_nfa", date(2026, 6, 1))
    assert window.closes_on == date(2026, 9, 1)
    assert window.ask_by == date(2026, 6, 15)  # 10 working days
    # 31 August is the late summer bank holiday in 2026; the month end clamps.
    late_summer = window_for("cps_no_charge", date(2026, 8, 31))
    assert late_summer.closes_on == date(2026, 11, 30)
    assert late_summer.ask_by == date(2026, 9, 14)


def test_events_without_a_window_have_none():
    assert window_for("charged", date(2026, 6, 1)) is None
    assert {e.key for e in EVENTS if window_for(e.key, date(2026, 6, 1))} == {
        "police_nfa",
        "cps_no_charge",
        "sentence",
    }


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)


def test_days_left_counts_down_to_the_closing_day_then_the_window_closes():
    window = window_for("sentence", date(2027, 1, 4))
    with time_machine.travel(utc(2027, 1, 4, 15, 0), tick=False):
        assert london_today() == date(2027, 1, 4)
        assert window.days_left() == 28
        assert window.is_open()
    with time_machine.travel(utc(2027, 1, 31, 23, 30), tick=False):
        assert window.days_left() == 1
    with time_machine.travel(utc(2027, 2, 1, 9, 0), tick=False):
        assert window.days_left() == 0
        assert window.is_open()  # the closing day itself
    with time_machine.travel(utc(2027, 2, 2, 0, 0), tick=False):
        assert window.days_left() == 0
        assert not window.is_open()


def test_days_left_uses_the_london_date_in_summer():
    window = window_for("police_nfa", date(2026, 6, 1))  # closes 1 September
    with time_machine.travel(utc(2026, 8, 31, 22, 59), tick=False):  # 23:59 BST, 31 August
        assert window.days_left() == 1
    with time_machine.travel(utc(2026, 8, 31, 23, 30), tick=False):  # 00:30 BST, 1 September
        assert london_today() == date(2026, 9, 1)
        assert window.days_left() == 0
        assert window.is_open()
    with time_machine.travel(utc(2026, 9, 1, 23, 0), tick=False):  # midnight BST, 2 September
        assert not window.is_open()
