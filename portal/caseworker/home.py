"""The caseworker's home page: the caseload for ISVAs and supervisors (portal.caseworker.
caseload), and a short page of links for admins, who never read case data."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.access import role_required
from portal.caseworker import bp
from portal.caseworker.caseload import caseload_page
from portal.models import Role


@bp.get("/")
@role_required(Role.ISVA, Role.SUPERVISOR, Role.ADMIN)
def home() -> str:
    if Role(current_user.role) is Role.ADMIN:
        return render_template("caseworker/home.html")
    return caseload_page()
