"""Everyone who signs in: victims, ISVAs, supervisors and admins.

Names and contact details are encrypted at rest; email addresses are found through a keyed
hash of the normalised address, never by comparing plaintext.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedText
from portal.db import Base, IdMixin, TimestampMixin
from portal.models.enums import Role
from portal.models.organisation import Organisation


class User(UserMixin, IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(String(20))
    # The name the person chose to be called (a first name, a nickname, or empty).
    display_name: Mapped[str | None] = mapped_column(EncryptedText("users.display_name"))
    display_name_lookup: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(EncryptedText("users.email"))
    email_lookup: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A UK mobile number in E.164 (victims may sign in with it instead of an email address).
    phone: Mapped[str | None] = mapped_column(EncryptedText("users.phone"))
    phone_lookup: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None]
    # TOTP: the secret is set at enrolment; it counts only once confirmed with a first code.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("users.totp_secret"))
    totp_confirmed_at: Mapped[datetime | None]
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # When the victim saw the "using this service safely" page (TRAUMA_INFORMED.md rule 4).
    safety_info_seen_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # The language a victim reads the portal, texts and emails in ("en" or "cy"); None until
    # they choose (first sign-in). Stored, not a cookie, so it follows them to every device and
    # reaches the notification worker.
    language: Mapped[str | None] = mapped_column(String(5))

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled

    @property
    def is_staff(self) -> bool:
        return Role(self.role).is_staff

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None
