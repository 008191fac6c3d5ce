"""The audit trail: who looked at or changed what, when, and whether they were allowed to.

Rows hold ids and labels only, never content (no names, bodies or contact details). The table is
append-only: the application has no update or delete path, and on PostgreSQL a trigger refuses
UPDATE, DELETE and TRUNCATE (migration 0003).

Actor and case ids are deliberately not foreign keys: the trail must outlive a case deleted under
the retention policy, and an ``ON DELETE SET NULL`` would itself be a forbidden UPDATE.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.db import Base, IdMixin


class AuditOutcome(enum.StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


class AuditEvent(IdMixin, Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_organisation_id_occurred_at", "organisation_id", "occurred_at"),
        Index("ix_audit_events_case_id_occurred_at", "case_id", "occurred_at"),
    )

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    # A dotted, stable label such as "case.view_case" or "case.assign".
    action: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[AuditOutcome] = mapped_column(String(10))
    # The actor's organisation (the case's when there is no actor).
    organisation_id: Mapped[uuid.UUID | None]
    case_id: Mapped[uuid.UUID | None]
    object_type: Mapped[str | None] = mapped_column(String(40))
    # The id that was asked for, as text: for a denial it may name no existing row.
    object_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
