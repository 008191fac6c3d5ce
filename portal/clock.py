"""One clock for the whole portal, so tests can freeze time (time-machine patches it)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware 'now' in UTC; never a naive datetime."""
    return datetime.now(UTC)
