"""An ISVA service: the organisation that holds cases and employs ISVAs and supervisors."""

from __future__ import annotations

from sqlalchemy import String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, IdMixin, TimestampMixin


class Organisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200))
    # What victims see; neutral by default (TRAUMA_INFORMED.md rule 2).
    service_name: Mapped[str] = mapped_column(String(100), default="Waypoint")
    reply_target_working_days: Mapped[int] = mapped_column(default=1)
    retention_months: Mapped[int] = mapped_column(default=12)
    # Crisis lines for this service's footer, "name|number;name|number" (empty: the default
    # list from settings), and the neutral site Exit this page goes to (empty: settings).
    crisis_contacts: Mapped[str | None] = mapped_column(Text)
    exit_url: Mapped[str | None] = mapped_column(String(300))
    # Send the "no change yet" update automatically when a check-in falls due (off: the ISVA
    # sends it with one click).
    auto_checkins: Mapped[bool] = mapped_column(default=False, server_default=false())
