"""The claim's reads after the queue's front (claims.py): the contact points it locks, the
sends already in flight, the rows waiting on those points, and the people they are for.
Core statements built once, with expanding ``ids`` lists, returning plain rows."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select

from notifications.models import NOTIFICATIONS, POINTS, PREFERENCES, Status, is_usable
from portal.models import User

USERS = cast(Table, User.__table__)


@dataclass(frozen=True, slots=True)
class Point:
    """What a claim needs of a contact point: the columns, read once under the lock."""

    id: uuid.UUID
    channel: str
    address: str
    address_lookup: str
    enabled: bool
    verified_at: datetime | None
    safe_confirmed_at: datetime | None
    opted_out_at: datetime | None

    @property
    def usable(self) -> bool:
        return is_usable(self)


@functools.cache
def points_statement() -> Select[Any]:
    """The contact points to serve, locked (PostgreSQL) so no other worker serves them now;
    points another worker holds are skipped, not waited for."""
    return (
        select(*(POINTS.c[name] for name in Point.__slots__))
        .where(POINTS.c.id.in_(bindparam("ids", expanding=True)))
        .with_for_update(skip_locked=True)
    )


@functools.cache
def busy_statement() -> Select[Any]:
    table = NOTIFICATIONS.c
    return select(table.contact_point_id).where(
        table.contact_point_id.in_(bindparam("ids", expanding=True)),
        table.status == Status.SENDING,
    )


ROW_COLUMNS = (
    "id",
    "recipient_id",
    "channel",
    "contact_point_id",
    "kind",
    "category",
    "template",
    "not_before",
    "attempts",
    "isva_told",
    "message_id",
    "coalesced_into_id",
    "secret",
    "created_at",
)


@functools.cache
def waiting_statement() -> Select[Any]:
    """Every row waiting on these contact points: the due ones and the rows coalesced into
    them (which share their lead's status), in one read along
    ``ix_notifications_contact_point_status``; the claim sorts them out in Python."""
    table = NOTIFICATIONS.c
    return (
        select(*(table[name] for name in ROW_COLUMNS))
        .where(
            table.contact_point_id.in_(bindparam("ids", expanding=True)),
            table.status.in_(Status.DUE),
        )
        .order_by(table.created_at)
    )


@functools.cache
def recipients_statement() -> Select[Any]:
    users = USERS.c
    prefs = PREFERENCES.c
    return (
        select(
            users.id,
            users.role,
            users.is_enabled,
            users.language,
            prefs.id.label("pref_id"),
            prefs.choices,
            prefs.quiet_start_minute,
            prefs.quiet_end_minute,
        )
        .select_from(USERS)
        .outerjoin(PREFERENCES, prefs.user_id == users.id)
        .where(users.id.in_(bindparam("ids", expanding=True)))
    )
