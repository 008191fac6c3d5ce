""" "No change yet" check-ins: when nothing has been published for the agreed cadence, the victim
gets a neutral update from the starter text, so they are never left wondering.

The ISVA sends it with one click (``send``), or the scheduler sends it (``sweep``) for
organisations that turned on automatic check-ins. Each due check-in (case, the moment it fell
due) is claimed once in ``checkins_sent``, so a double click, two schedulers, or a click racing
the scheduler send one update, not two. The victim sees the cadence and may change it
(``set_by_victim``). Services never commit.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.db import insert_once
from portal.journey import Agency, event
from portal.models import (
    Case,
    CaseStatus,
    CheckInSent,
    Organisation,
    Update,
    UpdateCadence,
    User,
)
from portal.models.update import SECTION_KEYS
from portal.refusal import Refusal
from portal.services.updates import deadlines
from portal.services.updates import queries as update_queries
from portal.services.updates import writing as updates

CHECKIN_EVENT = "investigation_update"  # its starter text is the "no change yet" update
VICTIM_CADENCE_WEEKS = (1, 2, 3, 4, 6, 8, 12)


class CheckInError(Refusal, ValueError):
    """Refused as asked; the message is shown to the user."""


def draft() -> updates.Draft:
    starter = event(CHECKIN_EVENT).starter
    return updates.Draft(
        event_key=CHECKIN_EVENT,
        source_agency=Agency.ISVA.value,
        event_date=deadlines.london_today(),
        sections={key: str(getattr(starter, key)) for key in SECTION_KEYS},
    )


def _claim(session: Session, values: dict[str, Any]) -> bool:
    return insert_once(session, CheckInSent, values, ["case_id", "due_since"])


def send(session: Session, case: Case, author: User, *, automatic: bool = False) -> Update | None:
    """Publish the "no change yet" update for the check-in due now (None: it was already sent,
    by someone else or by the scheduler). ``author`` must be allowed to publish for the case."""
    updates.check_may_publish(author, case)
    now = utcnow()
    due = next(iter(update_queries.checkins_due(session, [case.id], now)), None)
    if due is None:
        raise CheckInError(str(_l("No check-in is due for this case")))
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "case_id": case.id,
        "due_since": due.due_since,
        "update_id": None,
        "sent_by_id": None if automatic else author.id,
        "at": now,
    }
    if not _claim(session, row):
        return None
    update = updates.save_draft(session, case, author, draft())
    update = updates.publish(session, case, author, update)
    session.get(CheckInSent, row["id"]).update_id = update.id  # type: ignore[union-attr]
    session.flush()
    return update


def sweep(session: Session, now: datetime | None = None) -> int:
    """Send the due check-ins of organisations that allow automatic ones, from the case's
    ISVA (a case with no ISVA waits for one). Returns how many were sent."""
    now = now or utcnow()
    case_ids = session.scalars(
        select(Case.id)
        .join(Organisation, Organisation.id == Case.organisation_id)
        .where(Organisation.auto_checkins, Case.status == CaseStatus.OPEN)
    ).all()
    sent = 0
    for due in update_queries.checkins_due(session, case_ids, now):
        case = session.get(Case, due.case_id)
        assignment = case.active_assignment(now) if case else None
        if case is None or assignment is None:
            continue
        try:
            if send(session, case, assignment.isva, automatic=True) is not None:
                sent += 1
        except (CheckInError, updates.NotAllowedError, updates.UpdateError):
            continue
    return sent


def set_by_victim(session: Session, case: Case, victim: User, weeks: int) -> UpdateCadence:
    """The victim's own choice of how often to hear when nothing has changed (audited)."""
    if case.victim_id != victim.id:
        raise PermissionError("not this victim's case")
    if weeks not in VICTIM_CADENCE_WEEKS:
        raise CheckInError(str(_l("Choose how often you want to hear from us")))
    return updates.save_cadence(session, case, victim, weeks)
