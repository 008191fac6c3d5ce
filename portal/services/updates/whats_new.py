"""What is new for the victim in one case: the one definition behind the home page's "new"
list and the promise every victim notification makes ("You have a new update"): after
following it, the victim's home shows something new.

New is: a published update they have not read (a changed one counts again, and changed dates
are picked out), a message from the service they have not opened, and a call-back they asked
for that their ISVA has marked done in the last ``CALLBACK_NEW_DAYS`` days, and a reminder sent
to them in the last ``REMINDER_NEW_DAYS`` days whose date still stands (``known_dates``
decides that, with the disclosure rule, so a moved date or an unread sensitive update shows
nothing). A fixed number of queries, whatever the size of the case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifications.outbox import QUEUED
from portal.clock import utcnow
from portal.models import Case, Update
from portal.models.callback import CallbackRequest, CallbackStatus
from portal.models.message import Message, MessageDirection
from portal.models.reminder import ReminderSent
from portal.services.updates import queries
from portal.services.updates.queries import DATED_EVENTS
from portal.services.updates.reminders import KnownDate, known_dates

SHOWN = 5
CALLBACK_NEW_DAYS = 7
REMINDER_NEW_DAYS = 7
DATE_EVENTS = frozenset((*DATED_EVENTS, "trial_date_changed"))


@dataclass(frozen=True)
class WhatsNew:
    updates: Sequence[Update]  # unread, newest first, at most SHOWN
    unread_updates: int
    unread_messages: int
    callbacks_done: Sequence[CallbackRequest]
    reminders: Sequence[KnownDate] = ()  # dates a recent reminder was about

    @property
    def changed_dates(self) -> list[Update]:
        """Unread updates that move a date: a changed trial date, or an edited dated event."""
        return [
            u
            for u in self.updates
            if u.event_key in DATE_EVENTS
            and (u.changed_at is not None or u.event_key == "trial_date_changed")
        ]

    @property
    def anything(self) -> bool:
        return bool(
            self.unread_updates or self.unread_messages or self.callbacks_done or self.reminders
        )


def _reminded(session: Session, case: Case) -> list[KnownDate]:
    """The dates a reminder was sent about lately, if they still stand (two queries at most):
    what the victim finds after following the reminder SMS."""
    keys = session.scalars(
        select(ReminderSent.key).where(
            ReminderSent.case_id == case.id,
            ReminderSent.decision == QUEUED,
            ReminderSent.at >= utcnow() - timedelta(days=REMINDER_NEW_DAYS),
        )
    ).all()
    stems = {key.rpartition(":")[0] for key in keys}
    if not stems:
        return []
    return [known for known in known_dates(session, case) if known.stem in stems]


def for_case(session: Session, case: Case, published: Sequence[Update] | None = None) -> WhatsNew:
    """Everything new for the victim in this case (five queries at most). ``published``: the
    case's published updates, newest first, when the caller has read them already
    (``queries.published``, as the dashboard does)."""
    if published is None:
        published = queries.published(session, case)
    unread = [u for u in published if u.read_at is None]
    messages = session.scalar(
        select(func.count())
        .select_from(Message)
        .where(
            Message.case_id == case.id,
            Message.direction != MessageDirection.TO_SERVICE,
            Message.read_by_victim_at.is_(None),
            Message.hidden_by_victim_at.is_(None),
        )
    )
    callbacks = session.scalars(
        select(CallbackRequest)
        .where(
            CallbackRequest.case_id == case.id,
            CallbackRequest.status == CallbackStatus.DONE,
            CallbackRequest.completed_at >= utcnow() - timedelta(days=CALLBACK_NEW_DAYS),
        )
        .order_by(CallbackRequest.completed_at.desc())
    ).all()
    return WhatsNew(unread[:SHOWN], len(unread), messages or 0, callbacks, _reminded(session, case))


def anything_new(session: Session, case: Case) -> bool:
    """The promise a victim notification makes: there is something new to see."""
    return for_case(session, case).anything
