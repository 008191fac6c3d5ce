"""'My information' (TRAUMA_INFORMED.md rule 17): what the service holds about the victim, who
at the service has looked at their case, downloads of everything (HTML and JSON), and a
request for erasure with a plain account of what the service must keep."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from portal.access import role_required
from portal.choices import options
from portal.consent_words import export_words
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import Case, CaseStatus, Role, User
from portal.rights_forms import ErasureForm
from portal.services import audit
from portal.services.rights import requests as rights_requests
from portal.services.rights import subject_access as rights
from portal.services.updates.deadlines import london_today
from portal.victim import bp


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _cases(me: User) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case).where(Case.victim_id == me.id).order_by(Case.opened_at.desc())
        )
    )


@bp.get("/my-information")
@role_required(Role.VICTIM)
def my_information() -> str:
    me = _me()
    session = db.session()
    cases = _cases(me)
    return render_template(
        "victim/my_information/index.html",
        counts=rights.summary(session, me),
        viewings={c.id: audit.staff_viewings(session, c) for c in cases},
        erasures={c.id: rights_requests.open_erasure(session, c) for c in cases},
        cases=cases,
        roles=audit.ROLE_LABELS,
        retention_months=me.organisation.retention_months,
    )


FORMATS = ("html", "json")


def download(document: dict[str, object], kind: str, stem: str, day: date) -> Response:
    """An attachment: a self-contained HTML page or the JSON document."""
    if kind == "json":
        body, mimetype = rights.to_json(document), "application/json"
    else:
        body = render_template(
            "victim/my_information/export.html",
            doc=document,
            roles=audit.ROLE_LABELS,
            words=export_words(),
        )
        mimetype = "text/html"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}-{day}.{kind}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/my-information/download.<kind>")
@role_required(Role.VICTIM)
def my_information_download(kind: str) -> Response:
    if kind not in FORMATS:
        abort(404)
    document = rights.export(db.session(), _me())
    return download(document, kind, "my-information", london_today())


@bp.route("/my-information/erasure", methods=["GET", "POST"])
@role_required(Role.VICTIM)
def erasure_request() -> BaseResponse | str:
    me = _me()
    cases = [c for c in _cases(me) if c.status != CaseStatus.DESTROYED]
    if not cases:
        abort(404)
    form = ErasureForm()
    form.case.choices = options(
        [
            (
                str(c.id),
                _("Your case, opened on %(date)s", date=format_date(c.opened_at, "d MMMM yyyy")),
            )
            for c in cases
        ]
    )
    if len(cases) == 1 and not form.case.data:
        form.case.data = str(cases[0].id)
    if form.validate_on_submit():
        case = next((c for c in cases if str(c.id) == form.case.data), None)
        if case is None:
            abort(404)
        rights_requests.request_erasure(db.session(), me, case, current_request_id())
        flash(_("We have your request. A supervisor at the service will look at it."), "success")
        return redirect(url_for("victim.my_information"))
    return render_template(
        "victim/my_information/erasure.html",
        form=form,
        single_case=len(cases) == 1,
        retention_months=me.organisation.retention_months,
    )
