"""The supervisor's team view: every ISVA's caseload size and what needs action, with
out-of-office and cover, and links to their cases (where assigning and reassigning happen)."""

from __future__ import annotations

import uuid

from flask import render_template
from flask_login import current_user

from portal.access import role_required
from portal.caseworker import bp
from portal.extensions import db
from portal.models import Role, User
from portal.models.message import Absence
from portal.services import audit
from portal.services.caseload.listing import Signal
from portal.services.caseload.listing import team as team_summary
from portal.services.messaging import availability
from portal.services.updates.deadlines import london_today


@bp.get("/team")
@role_required(Role.SUPERVISOR)
def team() -> str:
    me: User = current_user._get_current_object()
    session = db.session()
    members, unassigned = team_summary(session, me)
    absences = availability.upcoming_absences(session, me.organisation_id)
    people = audit.users_by_id(session, {a.cover_id for a in absences})
    today = london_today()
    away: dict[uuid.UUID, Absence] = {}
    for absence in absences:
        away.setdefault(absence.user_id, absence)
    return render_template(
        "caseworker/team/index.html",
        members=members,
        unassigned=unassigned,
        away=away,
        people=people,
        today=today,
        Signal=Signal,
    )
