"""The victim's home page: the dashboard of their open case, or a choice of cases, each marked
when something is new in it (``whats_new``, the promise every notification makes)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from portal.access import role_required
from portal.extensions import db
from portal.models import Case, CaseStatus, Role
from portal.rules import Action, can
from portal.services.updates import whats_new
from portal.victim import bp
from portal.victim.dashboard import render_dashboard


@bp.get("/")
@role_required(Role.VICTIM)
def home() -> str:
    cases = db.session.scalars(
        select(Case).where(Case.victim_id == current_user.id).order_by(Case.opened_at.desc())
    ).all()
    open_cases = [c for c in cases if c.status == CaseStatus.OPEN]
    if len(open_cases) == 1 and can(current_user, Action.VIEW_CASE_CONTENT, open_cases[0]):
        return render_dashboard(open_cases[0])
    session = db.session()
    news = {
        c.id
        for c in cases
        if can(current_user, Action.VIEW_CASE_CONTENT, c) and whats_new.anything_new(session, c)
    }
    return render_template("victim/home.html", cases=cases, news=news)
