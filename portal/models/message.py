"""Secure messaging (issue 6): one conversation per case between the victim and the ISVA
service, staff-only notes to file, the organisation's saved replies, and staff absences with
a cover ISVA.

Bodies are encrypted at rest. A message is never deleted: a victim can remove one from their
own view (``hidden_by_victim_at``), and it stays in the service's record.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedText
from portal.db import Base, IdMixin, TimestampMixin
from portal.models.user import User


class MessageDirection(enum.StrEnum):
    TO_SERVICE = "to_service"  # written by the victim
    TO_VICTIM = "to_victim"  # written by an ISVA
    SYSTEM = "system"  # a line the portal adds, such as a handover


# The victim's messages nobody who answers has opened yet (the partial index's rows).
UNREAD_PREDICATE = "direction = 'to_service' AND read_by_service_at IS NULL"


class SystemEvent(enum.StrEnum):
    HANDOVER = "handover"  # body holds the new ISVA's first name


class Message(IdMixin, TimestampMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (
        # A resubmitted form (double tap, back and send again) finds the message it made.
        UniqueConstraint("case_id", "idempotency_key"),
        # The order of the conversation, and the cursor for "older messages".
        UniqueConstraint("case_id", "seq"),
        Index("ix_messages_author_created", "author_id", "created_at"),
        # The caseload's message signals (unread, last reply, waiting since) for a whole
        # caseload from the index alone (migration 0016).
        Index(
            "ix_messages_case_direction_seq",
            "case_id",
            "direction",
            "seq",
            postgresql_include=["created_at", "read_by_service_at"],
        ),
        # The caseload's "unread" count: only the unread ones (migration 0020).
        Index(
            "ix_messages_unread_case",
            "case_id",
            postgresql_where=text(UNREAD_PREDICATE),
            sqlite_where=text(UNREAD_PREDICATE),
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int]
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str | None] = mapped_column(String(20))
    direction: Mapped[MessageDirection] = mapped_column(String(20))
    system_event: Mapped[str | None] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(EncryptedText("messages.body"))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    hidden_by_victim_at: Mapped[datetime | None]
    read_by_service_at: Mapped[datetime | None]
    read_by_service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    read_by_victim_at: Mapped[datetime | None]


class NoteToFile(IdMixin, TimestampMixin, Base):
    """A note for colleagues about a case: separate storage, so it can never reach a victim."""

    __tablename__ = "notes_to_file"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(EncryptedText("notes_to_file.body"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])


class SavedReply(IdMixin, TimestampMixin, Base):
    """A reply the organisation maintains (generic wording, no case data, so not encrypted)."""

    __tablename__ = "saved_replies"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Absence(IdMixin, TimestampMixin, Base):
    """A member of staff away (out of office) on London dates ``starts_on``..``ends_on``
    inclusive, with a cover ISVA of the same organisation."""

    __tablename__ = "staff_absences"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    cover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    set_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]  # ended early by hand

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    cover: Mapped[User] = relationship(foreign_keys=[cover_id])
