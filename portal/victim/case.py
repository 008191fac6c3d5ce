"""A victim's case summary, and who at the service has looked at their case."""

from __future__ import annotations

from flask import render_template

from portal.extensions import db
from portal.models import Case
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services import audit
from portal.victim import bp


@bp.get("/cases/<uuid:case_id>")
@case_route(Action.VIEW_CASE, Audience.VICTIM)
def case_summary(case: Case) -> str:
    active = case.active_assignment()
    return render_template(
        "victim/case.html",
        case=case,
        isva_name=audit.first_name(active.isva) if active else None,
    )


@bp.get("/cases/<uuid:case_id>/who-has-viewed")
@case_route(Action.SEE_WHO_VIEWED, Audience.VICTIM)
def who_has_viewed(case: Case) -> str:
    return render_template(
        "victim/who_viewed.html",
        case=case,
        viewings=audit.staff_viewings(db.session(), case),
        roles=audit.ROLE_LABELS,
    )
