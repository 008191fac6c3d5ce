"""What staff know about contacting a victim safely, and failed notifications dealt with.

``SafeContactNote`` holds, per case, the times it is safe to phone, whether a voicemail is
safe, and free-text safety notes ("partner checks her phone after 6pm"). The times and notes are
encrypted: they can reveal a victim's routine and who they live with.

``NotificationAcknowledgement`` records that a member of staff has dealt with a notification
that failed for good (TRAUMA_INFORMED.md rule 18): the task leaves the caseload, the delivery
log keeps the failure and says who dealt with it and when.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.crypto import EncryptedText
from portal.db import Base, IdMixin


class VoicemailSafe(enum.StrEnum):
    UNKNOWN = "unknown"
    YES = "yes"
    NO = "no"


class SafeContactNote(Base):
    """One row per case, edited by staff (every change audited)."""

    __tablename__ = "safe_contact_notes"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    safe_times: Mapped[str | None] = mapped_column(EncryptedText("safe_contact_notes.safe_times"))
    voicemail_safe: Mapped[VoicemailSafe] = mapped_column(String(10), default=VoicemailSafe.UNKNOWN)
    notes: Mapped[str | None] = mapped_column(EncryptedText("safe_contact_notes.notes"))
    updated_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationAcknowledgement(IdMixin, Base):
    """ "I have dealt with this": one per failed notification."""

    __tablename__ = "notification_acknowledgements"

    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id"), unique=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    acknowledged_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)
