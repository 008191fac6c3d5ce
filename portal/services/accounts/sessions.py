"""Server-side sessions: the browser holds a random token, the database holds its hash.

A session ends when it is idle too long (15 minutes for victims, 30 for staff by default), at
an absolute limit (12 hours), or when it is revoked: sign-out, Exit this page, a new sign-in in
the same browser, a passphrase change or reset, or an admin disabling the account. Revoking
every session of a user is one UPDATE, so "sign out everywhere" is immediate.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import Role, SessionEndReason, User, UserSession

log = logging.getLogger(__name__)

# How often a busy session's last_seen_at is written: each request would be a write otherwise.
TOUCH_INTERVAL = timedelta(seconds=15)


@dataclass(frozen=True)
class SessionLimits:
    victim_idle: timedelta = timedelta(minutes=15)
    staff_idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    @classmethod
    def from_settings(cls, settings: Any) -> SessionLimits:
        return cls(
            victim_idle=timedelta(minutes=settings.VICTIM_IDLE_MINUTES),
            staff_idle=timedelta(minutes=settings.STAFF_IDLE_MINUTES),
            absolute=timedelta(hours=settings.SESSION_ABSOLUTE_HOURS),
        )

    def idle_for(self, role: Role | str) -> timedelta:
        return self.staff_idle if Role(role).is_staff else self.victim_idle


def hash_token(token: str) -> str:
    """SHA-256 is enough for a 256-bit random token (nothing to guess, unlike a password)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def start(session: Session, user: User, limits: SessionLimits) -> tuple[str, UserSession]:
    """A new session for ``user``; returns the raw token (for the cookie, never stored)."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    record = UserSession(
        id=hash_token(token),
        user_id=user.id,
        role=Role(user.role),
        created_at=now,
        last_seen_at=now,
        expires_at=now + limits.absolute,
    )
    session.add(record)
    session.flush()
    log.info("session started for user %s", user.id)
    return token, record


@dataclass(frozen=True)
class Resolved:
    """What a token in a cookie turned out to be."""

    record: UserSession | None
    expired: bool  # a session existed but has ended (idle, absolute, revoked or disabled)

    @property
    def user(self) -> User | None:
        return self.record.user if self.record is not None else None


def resolve(session: Session, token: str | None, limits: SessionLimits) -> Resolved:
    """The live session for a token, touching it; ``expired`` when it has ended."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return Resolved(None, expired=False)
    record = session.get(UserSession, hash_token(token))
    if record is None:
        return Resolved(None, expired=True)
    now = utcnow()
    if not is_live(record, limits, now):
        return Resolved(None, expired=True)
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        record.last_seen_at = now
    return Resolved(record, expired=False)


def is_live(record: UserSession, limits: SessionLimits, now: datetime) -> bool:
    user = record.user
    return (
        record.revoked_at is None
        and now < record.expires_at
        and now < record.last_seen_at + limits.idle_for(record.role)
        and user.is_enabled
        and Role(user.role) == Role(record.role)
    )


def keep_alive(record: UserSession) -> None:
    record.last_seen_at = utcnow()


def seconds_remaining(record: UserSession, limits: SessionLimits) -> int:
    """Seconds until the session ends if nothing else happens (idle or absolute, sooner)."""
    now = utcnow()
    ends = min(record.last_seen_at + limits.idle_for(record.role), record.expires_at)
    return max(0, int((ends - now).total_seconds()))


def revoke(session: Session, token: str | None, reason: SessionEndReason) -> None:
    """End the session behind ``token`` (if any); unknown tokens are ignored."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return
    session.execute(
        update(UserSession)
        .where(UserSession.id == hash_token(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason.value)
    )


def revoke_all(session: Session, user_id: uuid.UUID, reason: SessionEndReason) -> int:
    """End every live session of a user at once; returns how many were ended."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason.value)
        .execution_options(synchronize_session="fetch")
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    log.info("ended %d session(s) of user %s (%s)", count, user_id, reason.value)
    return count


def live_sessions(session: Session, user_id: uuid.UUID, limits: SessionLimits) -> list[UserSession]:
    now = utcnow()
    rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    ).all()
    return [row for row in rows if is_live(row, limits, now)]


def revoke_others(
    session: Session, user_id: uuid.UUID, keep: UserSession, reason: SessionEndReason
) -> int:
    """End every live session of a user except ``keep`` (this browser)."""
    result = session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.id != keep.id,
        )
        .values(revoked_at=utcnow(), revoked_reason=reason.value)
        .execution_options(synchronize_session="fetch")
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    log.info("ended %d other session(s) of user %s", count, user_id)
    return count


def prune(session: Session, older_than: timedelta) -> int:
    """Delete session records that ended more than ``older_than`` ago (kept until then so an
    investigation can see when an account was used)."""
    cutoff = utcnow() - older_than
    result = session.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
