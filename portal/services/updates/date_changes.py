"""Date changes: a date the victim plans around (a hearing, the trial, sentencing, the day bail
ends) never moves without a reason the victim sees.

An event with a ``date_kind`` in the catalogue carries such a date. Its date has *changed* when:

- a published update is edited and its date is no longer the one published, or
- a new update of the same kind of date (a new hearing date, "trial date changed" after "trial
  date set") gives a date other than the one the victim was last told in a published update.

Then the update needs a reason (``Update.reason``, shown to the victim as "Why this changed"),
and it keeps the earlier date (``Update.previous_event_date``) so the victim's update page can
say "was ...". One rule, used by the ISVA's forms, publishing and partner systems.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.journey import EVENTS, event
from portal.models import Update, UpdateStatus

__all__ = ["DateChange", "check", "kinds", "last_told"]


@dataclass(frozen=True)
class DateChange:
    """What a draft or an edit does to the victim's date: ``earlier`` is None when unchanged."""

    earlier: date | None
    errors: dict[str, str]


def kinds() -> dict[str, tuple[str, ...]]:
    """Each kind of date and the events that carry it, from the catalogue."""
    found: dict[str, list[str]] = {}
    for ev in EVENTS:
        if ev.date_kind is not None:
            found.setdefault(ev.date_kind, []).append(ev.key)
    return {kind: tuple(keys) for kind, keys in found.items()}


def last_told(
    session: Session, case_id: uuid.UUID, event_key: str, exclude: uuid.UUID | None = None
) -> Update | None:
    """The latest published update that told the victim this kind of date (None: never told)."""
    kind = event(event_key).date_kind
    if kind is None:
        return None
    query = (
        select(Update)
        .where(
            Update.case_id == case_id,
            Update.event_key.in_(kinds()[kind]),
            Update.status == UpdateStatus.PUBLISHED,
            Update.published_at.is_not(None),
        )
        .order_by(Update.published_at.desc(), Update.created_at.desc())
        .limit(1)
    )
    if exclude is not None:
        query = query.where(Update.id != exclude)
    return session.scalar(query)


def _reason_error(kept_old: bool = False) -> dict[str, str]:
    if kept_old:
        return {
            "reason": str(
                _l(
                    "Enter the reason the date changed this time. The reason shown is for the "
                    "earlier change"
                )
            )
        }
    return {
        "reason": str(
            _l("Enter the reason the date changed. The victim is shown it with the new date")
        )
    }


def check(
    session: Session,
    case_id: uuid.UUID,
    event_key: str,
    new_date: date,
    reason: str | None,
    update: Update | None = None,
) -> DateChange:
    """Whether ``new_date`` moves a date the victim was told, and what is missing if it does.

    ``update`` is the update being saved or edited (None for a new one). Editing a published
    update whose date changes needs a reason written for this change, not the one already shown.
    """
    if event(event_key).date_kind is None:
        return DateChange(None, {})
    reason = (reason or "").strip()
    if update is not None and update.status == UpdateStatus.PUBLISHED:
        if new_date == update.event_date:
            return DateChange(update.previous_event_date, {})
        kept_old = bool(reason) and reason == (update.reason or "").strip()
        missing = not reason or kept_old
        return DateChange(update.event_date, _reason_error(kept_old) if missing else {})
    told = last_told(session, case_id, event_key, exclude=update.id if update else None)
    if told is None or told.event_date == new_date:
        return DateChange(None, {})
    return DateChange(told.event_date, {} if reason else _reason_error())
