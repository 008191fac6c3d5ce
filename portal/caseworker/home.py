"""The caseworker's home page: the cases they are actively assigned to."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import or_, select

from portal.access import role_required
from portal.caseworker import bp
from portal.clock import utcnow
from portal.extensions import db
from portal.models import Assignment, Case, Role


@bp.get("/")
@role_required(Role.ISVA, Role.SUPERVISOR, Role.ADMIN)
def home() -> str:
    now = utcnow()
    cases = db.session.scalars(
        select(Case)
        .join(Assignment, Assignment.case_id == Case.id)
        .where(
            Assignment.isva_id == current_user.id,
            Assignment.starts_at <= now,
            or_(Assignment.ends_at.is_(None), Assignment.ends_at > now),
        )
        .order_by(Case.opened_at.desc())
    ).all()
    return render_template("caseworker/home.html", cases=cases)
