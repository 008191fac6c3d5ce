"""Enumerations shared by the models. Stored as strings (no native enum types), so adding a
value is a code change, not a PostgreSQL type migration."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    VICTIM = "victim"
    ISVA = "isva"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.VICTIM


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    # Past its retention period (or erased on request): content destroyed, the row kept as a
    # tombstone (reference, dates) so the audit trail still points somewhere.
    DESTROYED = "destroyed"
