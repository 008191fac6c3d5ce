"""The Victims' Code clock: working days, deadlines and windows, in Europe/London.

Working days are Monday to Friday except the bank holidays of England and Wales, taken from the
`holidays` package (never a hand-made list). The package models England ("ENG") and Wales
("WLS") separately; they have the same bank holidays (checked by a test over many years), and
we use the union of both so that a future difference can only make a deadline later, never
wrongly earlier.

The rules, in one place:

- A working day ends at 17:00 Europe/London (`WORKING_DAY_ENDS`). Something the agency learned
  at or after 17:00, or on a weekend or bank holiday, counts as learned at the start of the next
  working day.
- A deadline of N working days is due by the end of the Nth working day after the day the clock
  starts. Learned Monday 10:00 with a 1-working-day duty: due by the end of Tuesday. Learned
  Friday 18:00: the clock starts Monday, due by the end of Tuesday.
- An update is on time if it is published (Europe/London) on or before the due day. Otherwise it
  is late by the number of working days after the due day up to the day it was published,
  counting a weekend or bank holiday publication as at least 1 working day late.
- Windows are the victim's, in calendar time: the Unduly Lenient Sentence scheme closes 28
  calendar days after the sentence; the Victims' Right to Review window 3 calendar months after
  the decision (see `portal.journey_model.Window`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from portal.clock import utcnow
from portal.journey import event
from portal.journey_model import Window, WindowKind

__all__ = [
    "LONDON",
    "WORKING_DAY_ENDS",
    "Due",
    "Lateness",
    "OpenWindow",
    "add_working_days",
    "bank_holidays",
    "due_by",
    "is_working_day",
    "lateness",
    "london_today",
    "window_for",
    "working_days_between",
]

LONDON = ZoneInfo("Europe/London")
WORKING_DAY_ENDS = time(17, 0)
SUBDIVISIONS = ("ENG", "WLS")


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays of England and Wales in `year`, substitute days included."""
    days: set[date] = set()
    for subdiv in SUBDIVISIONS:
        days |= set(holidays.country_holidays("GB", subdiv=subdiv, years=year))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int) -> date:
    """The day n working days after `start` (which need not be a working day itself).

    n = 0 returns `start` unchanged. Counting is forward only: a negative n is a bug.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start`, up to and including `end`.

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`.
    Negative when `end` is before `start`.
    """
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(offset))
    )


def london_today() -> date:
    """Today's date in Europe/London, from the portal's (freezable) clock."""
    return utcnow().astimezone(LONDON).date()


def _london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware UTC datetime")
    return moment.astimezone(LONDON)


def clock_starts(learned_at: datetime) -> date:
    """The working day the Victims' Code clock starts on (see the module's rules)."""
    local = _london(learned_at)
    day = local.date()
    if is_working_day(day) and local.time() < WORKING_DAY_ENDS:
        return day
    return next_working_day(day)


@dataclass(frozen=True)
class Due:
    """When an agency's duty falls due: the last day (London) and the instant it ends (UTC)."""

    day: date
    working_days: int

    @property
    def ends_at(self) -> datetime:
        """Midnight at the end of the due day in London, as a UTC datetime (DST-correct)."""
        next_midnight = datetime.combine(self.day + timedelta(days=1), time(0), tzinfo=LONDON)
        return next_midnight.astimezone(ZoneInfo("UTC"))


def due_by(event_key: str, learned_at: datetime) -> Due | None:
    """The deadline for telling the victim about `event_key`, or None if it has none."""
    deadline = event(event_key).deadline
    if deadline is None:
        return None
    start = clock_starts(learned_at)
    return Due(add_working_days(start, deadline.working_days), deadline.working_days)


@dataclass(frozen=True)
class Lateness:
    on_time: bool
    working_days_late: int


def lateness(due: Due, published_at: datetime) -> Lateness:
    """On time, or late by how many working days (see the module's rules)."""
    published_on = _london(published_at).date()
    if published_on <= due.day:
        return Lateness(on_time=True, working_days_late=0)
    return Lateness(
        on_time=False, working_days_late=max(1, working_days_between(due.day, published_on))
    )


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later, clamped to the month's end (31 Aug + 3 = 30 Nov)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class OpenWindow:
    """A window as the victim sees it: the date it closes and the days left."""

    window: Window
    opened_on: date
    closes_on: date
    ask_by: date | None  # the advised date (VRR: 10 working days), if any

    @property
    def kind(self) -> WindowKind:
        return self.window.kind

    def is_open(self, today: date | None = None) -> bool:
        return (today or london_today()) <= self.closes_on

    def days_left(self, today: date | None = None) -> int:
        """Calendar days left after today: 0 on the closing day itself and once closed."""
        return max(0, (self.closes_on - (today or london_today())).days)


def window_for(event_key: str, occurred_on: date) -> OpenWindow | None:
    """The victim's window opened by `event_key` on `occurred_on` (the decision or sentence
    date), or None for events without one."""
    window = event(event_key).window
    if window is None:
        return None
    if window.calendar_days is not None:
        closes_on = occurred_on + timedelta(days=window.calendar_days)
    elif window.months is not None:
        closes_on = add_months(occurred_on, window.months)
    else:  # pragma: no cover - every Window sets one length (checked by a test)
        raise ValueError(f"window {window.kind} has no length")
    ask_by = (
        add_working_days(occurred_on, window.advise_within_working_days)
        if window.advise_within_working_days
        else None
    )
    return OpenWindow(window, occurred_on, closes_on, ask_by)
