"""The outbox at a glance, for an operator or a monitoring probe: ``flask notifications
status``. Counts only: no recipient, address or content is read."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from notifications.models import QUEUE_PREDICATE, Notification, Status


@dataclass(frozen=True)
class QueueStatus:
    queue_depth: int  # waiting to be sent, due now or later (quiet hours, back-off)
    due_now: int  # of those, due now: a growing figure means the workers are behind
    oldest_due_seconds: float | None  # how long the longest-waiting due send has waited
    sending: int  # claimed by a worker, lease still running
    in_doubt: int  # claimed, lease over: waiting to be reconciled with the provider
    failed_last_hour: int  # failed for good (now an ISVA task) in the last hour

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def queue_status(session: Session, now: datetime) -> QueueStatus:
    """One read of the outbox. The queue counts use the queue's partial index."""
    n = Notification
    queued = text(QUEUE_PREDICATE)
    depth, due_now, oldest = session.execute(
        select(
            func.count(),
            func.count().filter(n.not_before <= now),
            func.min(n.not_before).filter(n.not_before <= now),
        ).where(queued)
    ).one()
    sending, in_doubt = session.execute(
        select(
            func.count().filter(n.lease_until > now),
            func.count().filter(or_(n.lease_until.is_(None), n.lease_until <= now)),
        ).where(n.status == Status.SENDING)
    ).one()
    failed = session.scalar(
        select(func.count()).where(
            and_(
                n.status == Status.FAILED_PERMANENT,
                n.updated_at >= now - timedelta(hours=1),
            )
        )
    )
    return QueueStatus(
        queue_depth=depth,
        due_now=due_now,
        oldest_due_seconds=None if oldest is None else round((now - oldest).total_seconds(), 1),
        sending=sending,
        in_doubt=in_doubt,
        failed_last_hour=failed or 0,
    )
