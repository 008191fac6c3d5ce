"""Server-side sessions, invitations and TOTP recovery codes.

Secrets (session tokens, invitation tokens and codes, recovery codes) are never stored: only a
hash of each, so a database dump cannot be used to sign in or to accept an invitation.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.db import Base, IdMixin, TimestampMixin
from portal.models.enums import Role
from portal.models.user import User


class SessionEndReason(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    EXITED = "exited"
    REGENERATED = "regenerated"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
    DISABLED = "disabled"
    RESET = "reset"
    ENDED_FROM_ANOTHER_DEVICE = "ended_by_user"


class UserSession(Base):
    """One signed-in browser. ``id`` is the SHA-256 of the token in the cookie (hex)."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    # The role when the session began: a role change does not widen a live session.
    role: Mapped[Role] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship(lazy="joined")


class InvitationPurpose(enum.StrEnum):
    VICTIM = "victim"  # a new victim account, opened with a case
    RESET = "reset"  # a fresh invitation for an existing victim: sets a new passphrase
    STAFF = "staff"  # a new staff account


class Invitation(IdMixin, TimestampMixin, Base):
    """A single-use way in, valid for 72 hours. Reissuing revokes the earlier ones."""

    __tablename__ = "invitations"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[InvitationPurpose] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed hash of the short code (only 40 bits: a keyed hash stops offline guessing).
    code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    def is_usable(self, at: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and at < self.expires_at


class RecoveryCode(IdMixin, TimestampMixin, Base):
    """One of ten single-use codes that stand in for a TOTP code (keyed hash only)."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
