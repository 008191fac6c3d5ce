"""Case updates: what the victim is told about their case, one journey event at a time.

An update's words (the five sections of TRAUMA_INFORMED.md rule 12, one encrypted JSON body),
its reason, verdict outcome, support note and withdrawal reason are encrypted: they are the
most sensitive things the portal holds. Keys, dates and statuses stay in clear so the
Victims' Code clock and the task lists can be queried.

Every earlier published version is kept (`UpdateVersion`), and every choice the victim made at
a content note is recorded (`DisclosureChoice`).
"""

from __future__ import annotations

import enum
import json
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.crypto import EncryptedText
from portal.db import Base, IdMixin, TimestampMixin
from portal.journey import SECTIONS, Event, event
from portal.models.case import Case
from portal.models.user import User

SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)


class UpdateStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    HELD_ISVA_FIRST = "held_isva_first"  # waiting for the ISVA to confirm support is in place
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Disclosure(enum.StrEnum):
    """What the victim chose at a sensitive update's content note."""

    READ_NOW = "read_now"
    ISVA_FIRST = "isva_first"
    NOT_NOW = "not_now"


class ToldHow(enum.StrEnum):
    """How the ISVA told the victim about an ISVA-first update."""

    IN_PERSON = "in_person"
    PHONE = "phone"


def _dump(sections: dict[str, str]) -> str:
    return json.dumps({k: sections.get(k, "") for k in SECTION_KEYS}, ensure_ascii=False)


def _load(body: str | None) -> dict[str, str]:
    data = json.loads(body) if body else {}
    return {k: str(data.get(k, "")) for k in SECTION_KEYS}


# The Welsh text of an update: the five sections and the reason in one encrypted JSON body.
WELSH_KEYS: tuple[str, ...] = (*SECTION_KEYS, "reason")


def _dump_welsh(welsh: dict[str, str] | None) -> str | None:
    if not welsh or not any((welsh.get(k) or "").strip() for k in WELSH_KEYS):
        return None
    return json.dumps({k: (welsh.get(k) or "").strip() for k in WELSH_KEYS}, ensure_ascii=False)


def _load_welsh(body: str | None) -> dict[str, str] | None:
    if not body:
        return None
    data = json.loads(body)
    return {k: str(data.get(k, "")) for k in WELSH_KEYS}


class Update(IdMixin, TimestampMixin, Base):
    __tablename__ = "case_updates"
    __table_args__ = (
        # The caseload's update signals (held, Victims' Code due, hearings, windows, check-ins)
        # per case and status, from the index alone on PostgreSQL (migration 0016).
        Index(
            "ix_case_updates_case_status",
            "case_id",
            "status",
            postgresql_include=[
                "published_at",
                "due_on",
                "event_key",
                "event_date",
                "window_closes_on",
            ],
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(40))
    source_agency: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[date]
    # The date the victim was told before this update moved it (shown as "was ..."; the reason
    # for the change is `reason`). None: the date did not change.
    previous_event_date: Mapped[date | None]
    # When the agency learned of the event: the Victims' Code clock starts here.
    learned_at: Mapped[datetime | None]
    status: Mapped[UpdateStatus] = mapped_column(String(20), default=UpdateStatus.DRAFT)
    scheduled_for: Mapped[datetime | None]
    quiet_hours_override: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]  # first shown to the victim
    changed_at: Mapped[datetime | None]  # last edited after publishing
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(EncryptedText("case_updates.body"))
    # The Welsh text the ISVA added for a victim who reads Welsh (None: English only).
    body_cy: Mapped[str | None] = mapped_column(EncryptedText("case_updates.body_cy"))
    reason: Mapped[str | None] = mapped_column(EncryptedText("case_updates.reason"))
    outcome: Mapped[str | None] = mapped_column(EncryptedText("case_updates.outcome"))
    held_at: Mapped[datetime | None]  # when it was held for the ISVA first (escalation clock)
    support_confirmed_at: Mapped[datetime | None]
    support_confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    support_note: Mapped[str | None] = mapped_column(EncryptedText("case_updates.support_note"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(
        EncryptedText("case_updates.withdrawal_reason")
    )
    version: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[date | None]  # the agency's due day (Europe/London), from the catalogue
    window_closes_on: Mapped[date | None]
    read_at: Mapped[datetime | None]  # by the victim; only "read it now" or a plain view
    # ISVA first: the ISVA has told the victim about this version in person or by phone, so
    # it counts as disclosed (portal/services/updates/disclosure.py). Cleared when the update
    # is edited.
    told_on: Mapped[date | None]
    told_how: Mapped[ToldHow | None] = mapped_column(String(20))
    told_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    told_note: Mapped[str | None] = mapped_column(EncryptedText("case_updates.told_note"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    told_by: Mapped[User | None] = relationship(foreign_keys=[told_by_id])

    @property
    def sections(self) -> dict[str, str]:
        return _load(self.body)

    @sections.setter
    def sections(self, value: dict[str, str]) -> None:
        self.body = _dump(value)

    @property
    def welsh(self) -> dict[str, str] | None:
        """The Welsh sections and reason, or None when the update is in English only."""
        return _load_welsh(self.body_cy)

    @welsh.setter
    def welsh(self, value: dict[str, str] | None) -> None:
        self.body_cy = _dump_welsh(value)

    @property
    def event(self) -> Event:
        return event(self.event_key)

    @property
    def category(self) -> str:
        return self.event.category

    @property
    def visible_to_victim(self) -> bool:
        return self.published_at is not None and self.status in (
            UpdateStatus.PUBLISHED,
            UpdateStatus.WITHDRAWN,
        )


class UpdateVersion(IdMixin, Base):
    """A published version that was later replaced by an edit (kept, encrypted, never shown
    again to the victim, but there for the record)."""

    __tablename__ = "case_update_versions"
    __table_args__ = (UniqueConstraint("update_id", "version"),)

    update_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_updates.id"), index=True)
    version: Mapped[int]
    event_date: Mapped[date]
    source_agency: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(EncryptedText("case_update_versions.body"))
    body_cy: Mapped[str | None] = mapped_column(EncryptedText("case_update_versions.body_cy"))
    reason: Mapped[str | None] = mapped_column(EncryptedText("case_update_versions.reason"))
    outcome: Mapped[str | None] = mapped_column(EncryptedText("case_update_versions.outcome"))
    published_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    @property
    def sections(self) -> dict[str, str]:
        return _load(self.body)

    @property
    def welsh(self) -> dict[str, str] | None:
        return _load_welsh(self.body_cy)


class DisclosureChoice(IdMixin, Base):
    """One choice at a content note: every one is kept, in order."""

    __tablename__ = "case_update_disclosure_choices"

    update_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_updates.id"), index=True)
    victim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[Disclosure] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class UpdateCadence(Base):
    """How often the victim agreed to hear from the service when nothing has changed."""

    __tablename__ = "case_update_cadences"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    weeks: Mapped[int]
    set_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


DEFAULT_CADENCE_WEEKS = 4
