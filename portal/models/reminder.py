"""Reminders the victim chooses, and "no change yet" check-ins.

``ReminderSettings`` holds the victim's choices. ``ReminderSent`` and ``CheckInSent`` are the
record that a reminder or a check-in went out: each has a unique key, so two schedulers running
at once (or a double click) can never send the same one twice. Dates, ids and keys only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.db import Base, IdMixin


class ReminderKind:
    COURT_DATE = "court_date"  # a hearing or the trial
    TIME_LIMIT = "time_limit"  # a rights window closing (Right to Review, Unduly Lenient)
    ALL = (COURT_DATE, TIME_LIMIT)


class ReminderSettings(Base):
    """Which reminders the victim asked for (nothing is sent until they turn one on)."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    court_dates: Mapped[bool] = mapped_column(default=False)
    time_limits: Mapped[bool] = mapped_column(default=False)
    # Calendar files name what the date is (off: a plain "Reminder").
    calendar_words: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderSent(IdMixin, Base):
    """One reminder, decided once: ``key`` names the date, the update it came from and how
    many days before; a changed date has a new key, so it gets its own reminders."""

    __tablename__ = "reminders_sent"

    key: Mapped[str] = mapped_column(String(120), unique=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    update_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_updates.id"))
    kind: Mapped[str] = mapped_column(String(20))
    target_on: Mapped[date]
    days_before: Mapped[int]
    decision: Mapped[str] = mapped_column(String(20))  # what notify() decided
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckInSent(IdMixin, Base):
    """A "no change yet" update sent for one due check-in (by the ISVA, or automatically)."""

    __tablename__ = "checkins_sent"
    __table_args__ = (UniqueConstraint("case_id", "due_since"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    due_since: Mapped[datetime]
    update_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_updates.id"))
    sent_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # None: automatic
    at: Mapped[datetime] = mapped_column(default=utcnow)
