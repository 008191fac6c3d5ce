"""The delivery state machine: the one writer of a notification's status.

A notification climbs one ladder per attempt: waiting (``queued``) → ``sending`` (claimed; the
attempt exists) → ``sent`` (the provider has it) → how the attempt ended: ``failed_retryable``
(the next attempt may start) or, for good, ``delivered``, ``failed_permanent`` or
``cancelled``. A claim starts the next attempt (the lead's ``attempts`` + 1), so a row's
position, ``(attempts, STEP[status])``, only ever rises. The one way back is a release: a
claim given back before the provider was called (graceful stop) returns the row to where it
stood before that claim, as if the attempt had never begun.

Every move is a row of ``MOVES``: the states it may start from and the state it leads to. A
move asked of a row in any other state changes nothing; that is how a late "sent" callback
never overwrites "delivered", a replayed callback is harmless, and a worker's late answer never
revives a send a callback has already settled. Writes go through ``move`` (ORM rows),
``move_statement`` (one set-based UPDATE) or ``moved`` (a per-row CASE inside a bulk statement
built elsewhere); all three read their from-states from the move, never from a hand-written
list. Rows coalesced into a send move with it: they share its fate.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, Update, case, literal, select, update
from sqlalchemy.orm import Session

from notifications.models import NOTIFICATIONS, DeliveryAttempt, Notification, Status
from notifications.providers.base import IN_DOUBT

# A status's step on the ladder of one attempt. An attempt ends on step 3 (the next attempt
# may start) or step 4 (final: nothing moves the row again).
STEP: dict[str, int] = {
    Status.QUEUED: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.FAILED_RETRYABLE: 3,
    Status.DELIVERED: 4,
    Status.FAILED_PERMANENT: 4,
    Status.CANCELLED: 4,
}


@dataclass(frozen=True)
class Move:
    """One allowed move: from any of ``sources`` to ``target``. ``next_attempt`` marks the
    claim (the next attempt begins, so the step may restart lower); ``takes_back`` the release
    (a claim undone before the provider saw anything)."""

    name: str
    sources: tuple[str, ...]
    target: str
    next_attempt: bool = False
    takes_back: bool = False


# The claim: a due row becomes the lead of a new attempt, or joins one (coalesced).
CLAIM = Move("claim", Status.DUE, Status.SENDING, next_attempt=True)
# At claim time: consent withdrawn, choice changed, superseded code; or a stale reminder.
CANCEL = Move("cancel", Status.DUE, Status.CANCELLED)
# Graceful stop: a claimed send never reached the provider; back to where the claim found it.
RELEASE_UNTRIED = Move("release", (Status.SENDING,), Status.QUEUED, takes_back=True)
RELEASE_RETRIED = Move("release", (Status.SENDING,), Status.FAILED_RETRYABLE, takes_back=True)
# The answer to our own send (the worker's outcome, or reconciliation's): only a send still
# in flight takes it; once a callback has moved the row on, the answer is late.
ACCEPTED = Move("accepted", (Status.SENDING,), Status.SENT)
TRY_AGAIN = Move("try_again", (Status.SENDING,), Status.FAILED_RETRYABLE)
GIVE_UP = Move("give_up", (Status.SENDING,), Status.FAILED_PERMANENT)
# The provider's status callbacks, which may arrive before the worker's answer or after it.
CALLBACK_SENT = Move("callback_sent", (Status.SENDING,), Status.SENT)
DELIVERED = Move("delivered", (Status.SENDING, Status.SENT), Status.DELIVERED)
UNDELIVERED_TRY_AGAIN = Move(
    "undelivered_try_again", (Status.SENDING, Status.SENT), Status.FAILED_RETRYABLE
)
UNDELIVERED = Move("undelivered", (Status.SENDING, Status.SENT), Status.FAILED_PERMANENT)

MOVES: tuple[Move, ...] = (
    CLAIM,
    CANCEL,
    RELEASE_UNTRIED,
    RELEASE_RETRIED,
    ACCEPTED,
    TRY_AGAIN,
    GIVE_UP,
    CALLBACK_SENT,
    DELIVERED,
    UNDELIVERED_TRY_AGAIN,
    UNDELIVERED,
)


def _allowed(moves: Iterable[Move]) -> dict[str, frozenset[str]]:
    """The table of from → to the moves add up to."""
    table: dict[str, set[str]] = {status: set() for status in STEP}
    for step in moves:
        for source in step.sources:
            table[source].add(step.target)
    return {source: frozenset(targets) for source, targets in table.items()}


ALLOWED: dict[str, frozenset[str]] = _allowed(MOVES)


def check_ladder(moves: Iterable[Move]) -> None:
    """Refuse a table with a move down the ladder: each move climbs, except the claim (which
    starts the next attempt from a due row) and the release (which undoes a claim)."""
    for step in moves:
        if step.next_attempt:
            ok = set(step.sources) <= set(Status.DUE) and step.target == Status.SENDING
        elif step.takes_back:
            ok = step.sources == (Status.SENDING,) and step.target in Status.DUE
        else:
            ok = all(STEP[step.target] > STEP[source] for source in step.sources)
        if not ok or any(source in Status.FINAL for source in step.sources):
            raise ValueError(f"move {step.name!r} breaks the one-way ladder")


check_ladder(MOVES)


def position(status: str, attempts: int) -> tuple[int, int]:
    """Where a row stands: it only ever rises (but for a release, which undoes a claim)."""
    return (attempts, STEP[status])


# -- one attempt's own record (DeliveryAttempt.status and history) ---------------------------

RECONCILING = "reconciling"  # the worker is asking the provider what it saw
RELEASED = "released"  # given back before the provider was called
# An attempt the worker's "sent" may still settle: in flight, in doubt, or being reconciled.
SETTLING: tuple[str, ...] = (Status.SENDING, IN_DOUBT, RECONCILING)


def new_attempt(
    attempt_id: uuid.UUID,
    notification_id: uuid.UUID,
    number: int,
    provider: str,
    worker: str,
    now: datetime,
) -> dict[str, object]:
    """The row of an attempt the claim begins (inserted set-based with the others)."""
    return {
        "id": attempt_id,
        "notification_id": notification_id,
        "number": number,
        "provider": provider,
        "status": Status.SENDING,
        "history": [[Status.SENDING, now.isoformat()]],
        "provider_id": None,
        "error_code": None,
        "worker": worker,
        "started_at": now,
        "finished_at": None,
    }


def record_callback(attempt: DeliveryAttempt, status: str) -> None:
    """A failure callback names how the attempt ended ("undelivered", "failed"); the history
    already holds the callback itself."""
    attempt.status = status


# -- writing moves -------------------------------------------------------------------------

# Values a lead shares with the rows coalesced into it.
MIRRORED = (
    "status",
    "sent_at",
    "delivered_at",
    "provider_id",
    "not_before",
    "last_error_code",
    "secret",
)


def can(status: str, step: Move) -> bool:
    return status in step.sources


def may(column: ColumnElement[Any], step: Move) -> ColumnElement[bool]:
    """SQL: the row may make ``step``. Literals, not an expanding list, so a statement built
    once can run with executemany."""
    if len(step.sources) == 1:
        return column == literal(step.sources[0], String)
    return column.in_([literal(source, String) for source in step.sources])


def moved(column: ColumnElement[Any], step: Move) -> ColumnElement[Any]:
    """SQL: the status after ``step``, per row: moved if allowed, else as it was."""
    return case((may(column, step), literal(step.target, String)), else_=column)


def move_statement(step: Move, where: ColumnElement[bool], **values: Any) -> Update:
    """One UPDATE making ``step`` on every row ``where`` selects that may make it."""
    table = NOTIFICATIONS
    return (
        update(table).where(where, may(table.c.status, step)).values(status=step.target, **values)
    )


def followers(session: Session, lead_id: uuid.UUID) -> list[Notification]:
    """The rows coalesced into this lead."""
    return list(
        session.scalars(select(Notification).where(Notification.coalesced_into_id == lead_id))
    )


def move(
    session: Session,
    lead: Notification,
    step: Move,
    now: datetime,
    coalesced: list[Notification] | None = None,
    **values: object,
) -> bool:
    """Make ``step`` on the lead, with ``values``, and on every row coalesced into it (the
    MIRRORED values). Nothing changes if the lead may not make it; a follower that may not is
    left as it is. Returns whether the lead moved."""
    if not can(lead.status, step):
        return False
    if coalesced is None:
        coalesced = followers(session, lead.id)
    _set(lead, now, status=step.target, **values)
    mirrored = {k: v for k, v in values.items() if k in MIRRORED}
    for row in coalesced:
        if can(row.status, step):
            _set(row, now, status=step.target, **mirrored)
    return True


def share(
    session: Session,
    lead: Notification,
    now: datetime,
    coalesced: list[Notification] | None = None,
    **values: object,
) -> None:
    """Set values other than the status on the lead and mirror them onto its followers."""
    if "status" in values:
        raise ValueError("a status changes only by a move")
    if coalesced is None:
        coalesced = followers(session, lead.id)
    _set(lead, now, **values)
    mirrored = {k: v for k, v in values.items() if k in MIRRORED}
    if mirrored:
        for row in coalesced:
            _set(row, now, **mirrored)


def release(session: Session, lead: Notification, now: datetime) -> bool:
    """Give back a claim whose send never reached the provider: the attempt is taken back
    and the row (with its followers) is due again, as the claim found it."""
    step = RELEASE_UNTRIED if lead.attempts <= 1 else RELEASE_RETRIED
    return move(
        session, lead, step, now, attempts=lead.attempts - 1, lease_until=None, claimed_by=None
    )


def _set(row: Notification, now: datetime, **values: object) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now
