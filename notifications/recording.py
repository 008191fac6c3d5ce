"""Recording what a provider said, one way only, and the follow-ups it implies: back off and
retry, fall back to the person's other channel, record a provider opt-out, or leave the row in
doubt for reconciliation. Rows coalesced into a send share its fate."""

from __future__ import annotations

import functools
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    String,
    Update,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifications import decision, delivery, policy
from notifications.config import WorkerConfig
from notifications.contacts import record_opt_out
from notifications.delivery import ACCEPTED, GIVE_UP, SETTLING, TRY_AGAIN, Move
from notifications.models import (
    ATTEMPTS,
    NOTIFICATIONS,
    ConsentSource,
    ContactPoint,
    DeliveryAttempt,
    Notification,
    Status,
)
from notifications.outbox import dedupe_key
from notifications.providers.base import IN_DOUBT, NOT_SEEN, OPTED_OUT, RETRY, SENT
from notifications.render import VICTIM_KINDS
from portal.db import UTCDateTime


@dataclass
class Outcome:
    """What the worker learned of one attempt: ``kind`` is one of providers.base's SENT, RETRY,
    PERMANENT, OPTED_OUT, IN_DOUBT or NOT_SEEN."""

    notification_id: uuid.UUID
    attempt_id: uuid.UUID
    kind: str
    provider_id: str | None = None
    code: str | None = None


def backoff(attempt: int, config: WorkerConfig) -> float:
    """Exponential backoff with full jitter, capped."""
    ceiling = min(
        config.NOTIFY_BACKOFF_CAP, config.NOTIFY_BACKOFF_BASE * (2 ** max(attempt - 1, 0))
    )
    return random.uniform(0, ceiling)


def record(session: Session, outcomes: list[Outcome], now: datetime, config: WorkerConfig) -> None:
    """Apply provider outcomes (does not commit). Successful sends, nearly all of them, take
    a set-based path (record_sent); the rest go through ``apply`` one by one."""
    if not outcomes:
        return
    record_sent(session, [o for o in outcomes if o.kind == SENT], now)
    others = [o for o in outcomes if o.kind != SENT]
    if not others:
        return
    leads = {
        n.id: n
        for n in session.scalars(
            select(Notification).where(Notification.id.in_([o.notification_id for o in others]))
        )
    }
    attempts = {
        a.id: a
        for a in session.scalars(
            select(DeliveryAttempt).where(DeliveryAttempt.id.in_([o.attempt_id for o in others]))
        )
    }
    followers: dict[uuid.UUID, list[Notification]] = {lead_id: [] for lead_id in leads}
    for row in session.scalars(
        select(Notification).where(Notification.coalesced_into_id.in_(list(leads)))
    ):
        followers[row.coalesced_into_id].append(row)  # type: ignore[index]
    for outcome in others:
        lead = leads[outcome.notification_id]
        attempt = attempts[outcome.attempt_id]
        apply(session, lead, attempt, outcome, now, config, followers[lead.id])


def record_sent(session: Session, outcomes: list[Outcome], now: datetime) -> None:
    """What ``apply`` does for a SENT outcome, as two statements for the whole batch (each
    executed once per outcome, one constant statement so the driver pipelines it and the
    server prepares it), with no read first: the worker records every send, so this is its
    hottest path. One way only, as in ``apply``: an attempt or notification a status
    callback already moved on keeps its status and only gains the provider id (the attempt's
    history grows, in SQL, only when its status does); rows coalesced into a send share its
    fate."""
    if not outcomes:
        return
    dialect = session.get_bind().dialect.name
    stamp = now.isoformat()
    session.execute(
        _sent_attempt_statement(dialect),
        [
            {
                "a_id": o.attempt_id,
                "a_pid": o.provider_id,
                "a_code": o.code,
                "stamp": stamp,
                "now": now,
            }
            for o in outcomes
        ],
    )
    session.execute(
        _sent_notification_statement(),
        [
            {"n_id": o.notification_id, "a_id": o.attempt_id, "n_pid": o.provider_id, "now": now}
            for o in outcomes
        ],
    )


@functools.cache
def _sent_attempt_statement(dialect: str) -> Update:
    table = ATTEMPTS
    # Literals, not an expanding list: the statement is run with executemany.
    settling = table.c.status.in_([literal(status, String) for status in SETTLING])
    return (
        update(table)
        .where(table.c.id == bindparam("a_id"))
        .values(
            status=case((settling, Status.SENT), else_=table.c.status),
            history=case(
                (settling, _appended(dialect, table.c.history, Status.SENT)),
                else_=table.c.history,
            ),
            provider_id=func.coalesce(table.c.provider_id, bindparam("a_pid", type_=String)),
            error_code=func.coalesce(bindparam("a_code", type_=String), table.c.error_code),
            finished_at=bindparam("now", type_=UTCDateTime),
        )
    )


def _appended(dialect: str, history: ColumnElement[Any], status: str) -> ColumnElement[Any]:
    """``history`` with ``[status, :stamp]`` appended, computed by the database (no read)."""
    entry = [literal(status, String), bindparam("stamp", type_=String)]
    if dialect == "postgresql":
        appended = func.coalesce(cast(history, JSONB), cast(literal("[]"), JSONB)).op("||")(
            func.jsonb_build_array(func.jsonb_build_array(*entry))
        )
        return cast(appended, JSON)
    return func.json_insert(
        func.coalesce(history, literal("[]")), literal("$[#]"), func.json_array(*entry)
    )


@functools.cache
def _sent_notification_statement() -> Update:
    """The lead and its followers: status, sent_at and (lead only) the lease move only from
    "sending"; the provider id is the attempt's (a status callback's, if one came first, else
    this send's) and the secret (a code) is cleared either way."""
    table = NOTIFICATIONS
    attempts = ATTEMPTS.c
    was_sending = delivery.may(table.c.status, ACCEPTED)
    now = bindparam("now", type_=UTCDateTime)
    is_lead = table.c.id == bindparam("n_id")
    recorded = select(attempts.provider_id).where(attempts.id == bindparam("a_id"))
    return (
        update(table)
        .where(or_(is_lead, table.c.coalesced_into_id == bindparam("n_id")))
        .values(
            status=delivery.moved(table.c.status, ACCEPTED),
            sent_at=case((was_sending, now), else_=table.c.sent_at),
            lease_until=case((and_(was_sending, is_lead), None), else_=table.c.lease_until),
            provider_id=func.coalesce(recorded.scalar_subquery(), bindparam("n_pid", type_=String)),
            secret=None,
            updated_at=now,
        )
    )


def apply(
    session: Session,
    lead: Notification,
    attempt: DeliveryAttempt,
    outcome: Outcome,
    now: datetime,
    config: WorkerConfig,
    followers: list[Notification] | None = None,
) -> None:
    """Record one outcome on its attempt and, through the state machine, on the lead and the
    rows coalesced into it (does not commit)."""
    if followers is None:
        followers = delivery.followers(session, lead.id)
    attempt.finished_at = now
    attempt.error_code = outcome.code or attempt.error_code
    if outcome.kind == SENT:
        _apply_sent(session, lead, attempt, outcome, now, followers)
    elif outcome.kind == IN_DOUBT:
        attempt.mark(IN_DOUBT, now)
        lead.lease_until = now + timedelta(seconds=config.NOTIFY_RECONCILE_DELAY)
        lead.last_error_code = outcome.code
    elif not delivery.can(lead.status, TRY_AGAIN):
        # A status callback already moved this notification on; the attempt keeps its story.
        attempt.mark(f"late_{outcome.kind}", now)
    else:
        _apply_failure(session, lead, attempt, outcome, now, config, followers)


def _apply_sent(
    session: Session,
    lead: Notification,
    attempt: DeliveryAttempt,
    outcome: Outcome,
    now: datetime,
    followers: list[Notification],
) -> None:
    """The provider has it: what ``record_sent`` does in SQL, for one row."""
    attempt.provider_id = attempt.provider_id or outcome.provider_id
    if attempt.status in SETTLING:
        attempt.mark(Status.SENT, now)
    delivery.move(session, lead, ACCEPTED, now, followers, sent_at=now, lease_until=None)
    delivery.share(session, lead, now, followers, provider_id=attempt.provider_id, secret=None)


def _apply_failure(
    session: Session,
    lead: Notification,
    attempt: DeliveryAttempt,
    outcome: Outcome,
    now: datetime,
    config: WorkerConfig,
    followers: list[Notification],
) -> None:
    """A send in flight that did not get through: never seen by the provider (send again at
    once), refused for now (back off, while attempts remain), or for good."""
    if outcome.kind == NOT_SEEN:
        attempt.mark(NOT_SEEN, now)
        delivery.move(
            session,
            lead,
            TRY_AGAIN,
            now,
            followers,
            not_before=now,
            lease_until=None,
            claimed_by=None,
        )
        return
    if outcome.kind == RETRY and lead.attempts < config.NOTIFY_MAX_ATTEMPTS:
        attempt.mark(Status.FAILED_RETRYABLE, now)
        delivery.move(
            session,
            lead,
            TRY_AGAIN,
            now,
            followers,
            not_before=now + timedelta(seconds=backoff(lead.attempts, config)),
            last_error_code=outcome.code,
            lease_until=None,
            claimed_by=None,
        )
        return
    attempt.mark(Status.FAILED_PERMANENT, now)
    code = outcome.code if outcome.kind != RETRY else f"max_attempts:{outcome.code}"
    fail_permanently(
        session, lead, now, code, opted_out=outcome.kind == OPTED_OUT, followers=followers
    )


def fail_permanently(
    session: Session,
    lead: Notification,
    now: datetime,
    code: str | None,
    *,
    opted_out: bool = False,
    fallback: bool = True,
    followers: list[Notification] | None = None,
    step: Move = GIVE_UP,
) -> None:
    """Final failure: visible to the ISVA as a task (tasks.py); the person's other consented
    channel is tried for every source event this send carried. ``step`` is the state
    machine's move that says so (the worker's, or a status callback's); a row that may not
    make it is left alone."""
    if followers is None:
        followers = delivery.followers(session, lead.id)
    moved = delivery.move(
        session, lead, step, now, followers, last_error_code=code, lease_until=None, secret=None
    )
    if not moved:
        return
    point = session.get(ContactPoint, lead.contact_point_id)
    if opted_out and point is not None:
        record_opt_out(session, point, source=ConsentSource.PROVIDER)
    if fallback:
        rows = [lead, *followers]
        for row in rows:
            add_fallback(session, row, now)


def add_fallback(session: Session, row: Notification, now: datetime) -> Notification | None:
    """Queue the same news on the person's other usable channel, unless it is already queued
    there (the dedupe key makes that a no-op, so a person is never told twice per channel)."""
    if row.kind not in VICTIM_KINDS:
        return None
    for point in policy.usable_contact_points(session, row.recipient_id):
        if point.channel == row.channel:
            continue
        key = dedupe_key(row.source_key, row.recipient_id, point.channel)
        if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
            continue
        pref = policy.preferences(session, row.recipient_id)
        # Queued, the model's default: where every notification starts.
        fallback = Notification(
            recipient_id=row.recipient_id,
            channel=point.channel,
            contact_point_id=point.id,
            kind=row.kind,
            category=row.category,
            case_id=row.case_id,
            template=row.template,
            template_version=row.template_version,
            source_key=row.source_key,
            dedupe_key=key,
            not_before=decision.tell_at(pref, now),
            isva_told=row.isva_told,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(fallback)
        except IntegrityError:
            continue
        return fallback
    return None
