"""A victim's request that their ISVA phones them: from a message, a sensitive update they want
to hear about from their ISVA first, or a rights window. The portal itself never phones
(TRAUMA_INFORMED.md rule 9); it asks the ISVA to, at the times the victim said are safe."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedText
from portal.db import Base, IdMixin, TimestampMixin
from portal.models.case import Case


class CallbackReason(enum.StrEnum):
    ASKED = "asked"  # "Ask my ISVA to call me"
    BEFORE_UPDATE = "before_update"  # staged disclosure: "ask my ISVA to contact me first"
    WINDOW = "window"  # "ask my ISVA about this" on a Right to Review / ULS window


class CallbackStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


# The same text in the model and migration 0016, so the planner matches the partial index.
OPEN_PREDICATE = "status = 'open'"


class CallbackRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "callback_requests"
    __table_args__ = (
        # The caseload's open call-back requests per case (migration 0016).
        Index(
            "ix_callback_requests_open_case",
            "case_id",
            postgresql_where=text(OPEN_PREDICATE),
            sqlite_where=text(OPEN_PREDICATE),
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[CallbackReason] = mapped_column(String(20))
    # The update or window it is about, when there is one (no foreign key: updates may be
    # withdrawn or destroyed under retention while the request's history remains).
    related_id: Mapped[uuid.UUID | None]
    # When it is safe to call, in the victim's words (encrypted: it can reveal their routine).
    safe_times: Mapped[str | None] = mapped_column(EncryptedText("callback_requests.safe_times"))
    voicemail_ok: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CallbackStatus] = mapped_column(String(20), default=CallbackStatus.OPEN)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    outcome_note: Mapped[str | None] = mapped_column(
        EncryptedText("callback_requests.outcome_note")
    )

    case: Mapped[Case] = relationship()
