"""The writes of one claim (claims.py), made set-based at its end; every status written is a
move of the delivery state machine (delivery.py)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, insert, update
from sqlalchemy.orm import Session

from notifications import delivery
from notifications.models import ATTEMPTS, NOTIFICATIONS


@dataclass
class ClaimWrites:
    """A claim's writes, made set-based once every send is decided: an UPDATE of all the
    leads (with the new email Message-IDs), one multi-row INSERT of the attempts, and one
    UPDATE per kind of other change (cancelled, deferred to the end of quiet hours, coalesced
    into a lead). The claim is the worker's one contended transaction, so it is kept short."""

    leads: list[uuid.UUID] = field(default_factory=list)
    attempts: list[dict[str, object]] = field(default_factory=list)
    message_ids: dict[uuid.UUID, str] = field(default_factory=dict)
    cancelled: dict[str, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))
    deferred: dict[datetime, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))
    coalesced: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)

    def apply(self, session: Session, *, now: datetime, lease: datetime, worker: str) -> None:
        table = NOTIFICATIONS.c
        for reason, ids in self.cancelled.items():
            session.execute(
                delivery.move_statement(
                    delivery.CANCEL,
                    table.id.in_(ids),
                    last_error_code=reason,
                    coalesced_into_id=None,
                    secret=None,
                    updated_at=now,
                )
            )
        for later, ids in self.deferred.items():
            session.execute(
                update(NOTIFICATIONS)
                .where(table.id.in_(ids))
                .values(not_before=later, updated_at=now)
            )
        if not self.leads:
            return
        values: dict[str, Any] = {
            "attempts": table.attempts + 1,
            "lease_until": lease,
            "claimed_by": worker,
            "updated_at": now,
        }
        if self.message_ids:
            values["message_id"] = case(self.message_ids, value=table.id, else_=table.message_id)
        session.execute(delivery.move_statement(delivery.CLAIM, table.id.in_(self.leads), **values))
        for lead_id, ids in self.coalesced.items():
            # The rows coalesced into a lead join its attempt (their own count stays).
            session.execute(
                delivery.move_statement(
                    delivery.CLAIM, table.id.in_(ids), coalesced_into_id=lead_id, updated_at=now
                )
            )
        session.execute(insert(ATTEMPTS), self.attempts)
