"""Partner systems (police, CPS, Witness Care Unit, Probation) that post case events by API.

A ``Partner`` belongs to one organisation and speaks for one agency. It authenticates with an
``ApiKey``: ``wp_<prefix>_<secret>``, shown once; only the SHA-256 of the secret is stored, and
the public prefix finds the row. A partner names cases by its own reference through a
``PartnerCaseLink`` made by the organisation (the reference is stored as a keyed hash for
lookup and encrypted for display). ``PartnerEvent`` remembers each accepted event by the
partner's own event id, so a retry returns the first result instead of a second update.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedText
from portal.db import Base, IdMixin, TimestampMixin


class Partner(IdMixin, TimestampMixin, Base):
    __tablename__ = "partners"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    agency: Mapped[str] = mapped_column(String(20))  # portal.journey.Agency value
    # Event keys this partner's events may publish without an ISVA's review, space-separated.
    # Empty by default; sensitive and ISVA-first events are never eligible
    # (services.partners.systems).
    direct_publish_events: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    keys: Mapped[list[ApiKey]] = relationship(
        back_populates="partner", order_by="ApiKey.created_at"
    )

    @property
    def direct_publish(self) -> frozenset[str]:
        return frozenset((self.direct_publish_events or "").split())


class ApiKey(IdMixin, TimestampMixin, Base):
    __tablename__ = "partner_api_keys"

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of the secret
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    partner: Mapped[Partner] = relationship(back_populates="keys")


class PartnerCaseLink(IdMixin, TimestampMixin, Base):
    __tablename__ = "partner_case_links"
    __table_args__ = (UniqueConstraint("partner_id", "reference_lookup"),)

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    reference_lookup: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(EncryptedText("partner_case_links.reference"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class PartnerEvent(IdMixin, TimestampMixin, Base):
    __tablename__ = "partner_events"
    __table_args__ = (UniqueConstraint("partner_id", "partner_event_id"),)

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    partner_event_id: Mapped[str] = mapped_column(String(100))
    payload_hash: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    update_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_updates.id"))
    result: Mapped[str] = mapped_column(String(20))  # draft / published / held_isva_first
