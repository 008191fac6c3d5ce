"""Data rights (UK GDPR): subject access requests, erasure requests, and the log of each
retention run.

These rows are the service's record that it handled a person's rights: dates, statuses and
ids only, no content, so they are kept when a case's content is destroyed.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.db import Base, IdMixin, TimestampMixin
from portal.models.case import Case


class SubjectAccessRequest(IdMixin, TimestampMixin, Base):
    """A request for a copy of a victim's data, recorded by staff. Due one calendar month
    after it was received (ICO guidance), released once a supervisor has reviewed it."""

    __tablename__ = "subject_access_requests"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    received_on: Mapped[date]
    due_on: Mapped[date]
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()


class ErasureStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # the case's content is destroyed at the next run once it is closed
    REFUSED = "refused"
    CARRIED_OUT = "carried_out"


class ErasureRequest(IdMixin, TimestampMixin, Base):
    """A victim's request that their case's content and contact details are erased."""

    __tablename__ = "erasure_requests"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ErasureStatus] = mapped_column(String(20), default=ErasureStatus.PENDING)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    carried_out_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()


class RetentionRun(IdMixin, Base):
    """One ``flask retention run``: when, whether it was a dry run, and per case the number of
    rows destroyed in each table (ids and counts only)."""

    __tablename__ = "retention_runs"

    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    dry_run: Mapped[bool] = mapped_column(default=False)
    cases_destroyed: Mapped[int] = mapped_column(default=0)
    # {case_id: {table: count}}
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
