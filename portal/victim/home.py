"""The victim's home page: their open case(s)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from portal.access import role_required
from portal.extensions import db
from portal.models import Case, Role
from portal.victim import bp


@bp.get("/")
@role_required(Role.VICTIM)
def home() -> str:
    cases = db.session.scalars(
        select(Case).where(Case.victim_id == current_user.id).order_by(Case.opened_at.desc())
    ).all()
    return render_template("victim/home.html", cases=cases)
