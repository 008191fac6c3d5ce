"""Secure messaging between a victim and the ISVA service (issue 6).

One conversation per case. Every function takes the session and the acting user, checks the
case policy itself (views 404 before it comes to that), never commits and never reads the
request. Bodies are plain text, kept exactly as written (apart from line-ending
normalisation) and encrypted at rest; rendering is the templates' job (``message_text``).

Notifications go through ``notifications.notify`` only, content-free. Several messages in a
row coalesce: the source key names the *first message the recipient has not read yet*, so
while that one stays unread every later message maps to the same key and the outbox's dedupe
adds nothing ("message-burst:<case>:<first unread>").
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from notifications import notify
from portal.clock import utcnow
from portal.models import Case, Role, User
from portal.models.message import Message, MessageDirection, SystemEvent
from portal.refusal import Refusal
from portal.rules import Action, Relation, can, relation_to_case
from portal.services import audit
from portal.services.messaging import availability

MAX_BODY = 5000
RATE_LIMIT_PER_HOUR = 30
PAGE_SIZE = 50
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
MESSAGES_CATEGORY = "messages"
log = logging.getLogger(__name__)


class MessagingError(Refusal, ValueError):
    """The message cannot be sent as asked; the text is safe to show (and the form keeps what
    the person typed)."""


class RateLimitedError(MessagingError):
    """Too many messages in the last hour."""


class NotPermittedError(Refusal):
    """The acting user may not do this (views answer 404 before it comes to this)."""


def new_idempotency_key() -> str:
    """The hidden form field's value, made when the form is rendered."""
    return uuid.uuid4().hex


def clean_body(body: str | None, *, limit: int = MAX_BODY) -> str:
    """The body as stored, or MessagingError saying what to change."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise MessagingError(_l("Write your message"))
    if len(text) > limit:
        raise MessagingError(
            _l(
                "Your message is %(count)s characters. It must be %(limit)s characters or "
                "fewer. Shorten it, or send it in two parts.",
                count=f"{len(text):,}",
                limit=f"{limit:,}",
            )
        )
    if any(
        ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\t") for ch in text
    ):
        raise MessagingError(
            _l("Your message has a character we cannot read. Remove it and try again.")
        )
    return text.strip("\n")


def _check_key(key: str | None) -> str:
    if not key or not KEY_PATTERN.match(key):
        raise MessagingError(_l("Something went wrong with the form. Press send again."))
    return key


def _existing(session: Session, case: Case, key: str) -> Message | None:
    return session.scalar(
        select(Message).where(Message.case_id == case.id, Message.idempotency_key == key)
    )


def _lock_case(session: Session, case: Case) -> None:
    """Serialise writers to one conversation: taken before the idempotency check, so a
    resubmitted form racing the first finds its message instead of failing on the unique
    key, and two messages cannot take the same number. PostgreSQL locks the case row; SQLite
    serialises writers anyway (BEGIN IMMEDIATE)."""
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())


def _next_seq(session: Session, case: Case) -> int:
    current = session.scalar(select(func.max(Message.seq)).where(Message.case_id == case.id))
    return (current or 0) + 1


def _add(
    session: Session,
    case: Case,
    *,
    author: User | None,
    direction: MessageDirection,
    body: str,
    key: str,
    system_event: SystemEvent | None = None,
) -> Message:
    message = Message(
        case_id=case.id,
        seq=_next_seq(session, case),
        author_id=author.id if author is not None else None,
        author_role=str(author.role) if author is not None else None,
        direction=direction,
        system_event=system_event,
        body=body,
        idempotency_key=key,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def sent_in_last_hour(session: Session, author: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return (
        session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.author_id == author.id, Message.created_at > since)
        )
        or 0
    )


# --- sending ------------------------------------------------------------------------------------


def send_from_victim(
    session: Session, case: Case, victim: User, body: str | None, idempotency_key: str | None
) -> Message:
    """The victim writes to the service. A resubmitted form returns the message it made.

    The rate limit is checked here, from the database, rather than by Flask-Limiter: a 429 page
    would lose what the person typed, this lets the view re-render the form with their text.
    """
    if Role(victim.role) is not Role.VICTIM or not can(victim, Action.SEND_MESSAGE, case):
        raise NotPermittedError
    key = _check_key(idempotency_key)
    _lock_case(session, case)
    existing = _existing(session, case, key)
    if existing is not None:
        return existing
    text = clean_body(body)
    if sent_in_last_hour(session, victim) >= RATE_LIMIT_PER_HOUR:
        raise RateLimitedError(
            _l(
                "You have sent a lot of messages in the last hour, so we have paused sending "
                "for a short while. Your message is still here. Try again later. If you are in "
                "danger now, call 999."
            )
        )
    message = _add(
        session, case, author=victim, direction=MessageDirection.TO_SERVICE, body=text, key=key
    )
    _notify_staff(session, case, message)
    return message


def reply(
    session: Session, case: Case, staff: User, body: str | None, idempotency_key: str | None
) -> Message:
    """An ISVA (assigned, or covering) answers. Replying also marks the victim's messages read."""
    if not staff.is_staff or not can(staff, Action.SEND_MESSAGE, case):
        raise NotPermittedError
    key = _check_key(idempotency_key)
    _lock_case(session, case)
    existing = _existing(session, case, key)
    if existing is not None:
        return existing
    text = clean_body(body)
    mark_read_by_service(session, case, staff)
    message = _add(
        session, case, author=staff, direction=MessageDirection.TO_VICTIM, body=text, key=key
    )
    _notify_victim(session, case)
    return message


def record_handover(session: Session, case: Case, new_isva: User) -> Message:
    """Reassignment keeps the whole history; the victim sees "Your ISVA is now Sam" and is
    told (content-free) there is something new. Called by services.cases.assign."""
    _lock_case(session, case)
    message = _add(
        session,
        case,
        author=None,
        direction=MessageDirection.SYSTEM,
        body=audit.first_name(new_isva),
        key=new_idempotency_key(),
        system_event=SystemEvent.HANDOVER,
    )
    _notify_victim(session, case)
    return message


# --- who is told --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Readers:
    """Who will read a victim's message now: the assigned ISVA, or their cover while away."""

    isva: User | None
    cover: User | None
    away_until: object | None  # the absence's last day when the ISVA is away

    @property
    def reader(self) -> User | None:
        return self.cover or self.isva


def readers(session: Session, case: Case) -> Readers:
    assignment = case.active_assignment()
    if assignment is None:
        return Readers(None, None, None)
    absence = availability.active_absence(session, assignment.isva_id)
    if absence is None:
        return Readers(assignment.isva, None, None)
    return Readers(assignment.isva, absence.cover, absence.ends_on)


def staff_recipients(session: Session, case: Case) -> list[User]:
    """The assigned ISVA; while they are away, their cover and the supervisors instead."""
    who = readers(session, case)
    if who.isva is None:
        return list(availability.supervisors(session, case.organisation_id))
    if who.cover is None:
        return [who.isva]
    people = [who.cover, *availability.supervisors(session, case.organisation_id)]
    unique: dict[uuid.UUID, User] = {p.id: p for p in people}
    return list(unique.values())


def _first_unread(session: Session, case: Case, *, by_victim: bool) -> uuid.UUID | None:
    if by_victim:
        where = [
            Message.direction != MessageDirection.TO_SERVICE,
            Message.read_by_victim_at.is_(None),
        ]
    else:
        where = [
            Message.direction == MessageDirection.TO_SERVICE,
            Message.read_by_service_at.is_(None),
        ]
    return session.scalar(
        select(Message.id).where(Message.case_id == case.id, *where).order_by(Message.seq).limit(1)
    )


def _notify_safely(session: Session, recipient: User, kind: str, **kwargs: Any) -> None:
    """Queue a notification; if that fails, the message must still be kept (rule 18), so the
    failure is contained in a savepoint and logged (ids only) instead of undoing the send."""
    try:
        with session.begin_nested():
            notify(session, recipient, kind, **kwargs)
    except Exception:
        log.exception(
            "queuing a %s notification failed for case %s recipient %s",
            kind,
            kwargs.get("case_id"),
            recipient.id,
        )


def _notify_staff(session: Session, case: Case, message: Message) -> None:
    first = _first_unread(session, case, by_victim=False) or message.id
    for person in staff_recipients(session, case):
        _notify_safely(
            session,
            person,
            "staff_work",
            source_key=f"message-burst:{case.id}:{first}",
            case_id=case.id,
        )


def _notify_victim(session: Session, case: Case) -> None:
    first = _first_unread(session, case, by_victim=True)
    if first is None:
        return
    _notify_safely(
        session,
        case.victim,
        "message",
        source_key=f"message-burst:{case.id}:{first}",
        category=MESSAGES_CATEGORY,
        case_id=case.id,
    )


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Conversation:
    messages: list[Message]  # oldest first
    older_before: int | None  # the cursor for "older messages", None when there are none
    people: dict[uuid.UUID, User]


def conversation(
    session: Session,
    case: Case,
    *,
    for_victim: bool,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> Conversation:
    """The newest ``limit`` messages (before the cursor), in two queries whatever the length."""
    query = select(Message).where(Message.case_id == case.id)
    if for_victim:
        query = query.where(Message.hidden_by_victim_at.is_(None))
    if before is not None:
        query = query.where(Message.seq < before)
    rows = list(session.scalars(query.order_by(Message.seq.desc()).limit(limit + 1)))
    has_older = len(rows) > limit
    rows = list(reversed(rows[:limit]))
    ids = {m.author_id for m in rows} | {m.read_by_service_id for m in rows}
    ids.discard(None)
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return Conversation(rows, rows[0].seq if has_older and rows else None, people)


def may_mark_read(user: User, case: Case) -> bool:
    """Only the people who answer (the assigned ISVA, or the cover) mark messages read; a
    supervisor's look is audited but does not tell the victim "read" when nobody will reply."""
    return relation_to_case(user, case) in (Relation.ASSIGNED_ISVA, Relation.COVER)


def mark_read_by_service(session: Session, case: Case, staff: User) -> int:
    """Mark the victim's unread messages read by ``staff`` (the first read is kept)."""
    if not may_mark_read(staff, case):
        return 0
    result = session.execute(
        update(Message)
        .where(
            Message.case_id == case.id,
            Message.direction == MessageDirection.TO_SERVICE,
            Message.read_by_service_at.is_(None),
        )
        .values(read_by_service_at=utcnow(), read_by_service_id=staff.id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def mark_read_by_victim(session: Session, case: Case, victim: User) -> int:
    if case.victim_id != victim.id:
        return 0
    result = session.execute(
        update(Message)
        .where(
            Message.case_id == case.id,
            Message.direction != MessageDirection.TO_SERVICE,
            Message.read_by_victim_at.is_(None),
        )
        .values(read_by_victim_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def hide_for_victim(session: Session, case: Case, victim: User, message_id: uuid.UUID) -> Message:
    """Remove a message from the victim's own view; the service keeps it in its record."""
    if not can(victim, Action.VIEW_MESSAGES, case) or Role(victim.role) is not Role.VICTIM:
        raise NotPermittedError
    message = session.get(Message, message_id)
    if message is None or message.case_id != case.id:
        raise NotPermittedError
    if message.hidden_by_victim_at is None:
        message.hidden_by_victim_at = utcnow()
    return message
