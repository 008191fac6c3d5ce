"""A case and who works on it. An assignment has a start and an end: access follows the
active assignment, so a reassignment removes the previous ISVA's access at once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.db import Base, IdMixin, TimestampMixin
from portal.models.enums import CaseStatus
from portal.models.user import User


class Case(IdMixin, TimestampMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("organisation_id", "reference"),
        # A caseload's cases (an organisation's open cases, joined to the ISVA's assignments)
        # from the index alone, however many cases the organisation holds (migration 0016).
        Index(
            "ix_cases_organisation_status",
            "organisation_id",
            "status",
            postgresql_include=["id", "reference", "opened_at", "victim_id"],
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The service's own reference (never shown in an SMS or email).
    reference: Mapped[str] = mapped_column(String(40))
    victim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(String(20), default=CaseStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    victim: Mapped[User] = relationship(foreign_keys=[victim_id])
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="case", order_by="Assignment.starts_at"
    )

    def active_assignment(self, at: datetime | None = None) -> Assignment | None:
        when = at or utcnow()
        for assignment in self.assignments:
            if assignment.is_active(when):
                return assignment
        return None


class Assignment(IdMixin, TimestampMixin, Base):
    __tablename__ = "assignments"
    __table_args__ = (
        # An ISVA's caseload: their cases and whether each assignment is active, from the index.
        Index(
            "ix_assignments_isva_case",
            "isva_id",
            "case_id",
            postgresql_include=["starts_at", "ends_at"],
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    isva_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="assignments")
    isva: Mapped[User] = relationship(foreign_keys=[isva_id])

    def is_active(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)
