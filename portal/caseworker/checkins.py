"""The "no change yet" check-in: the cadence the victim agreed with their ISVA, and sending the
due check-in in one click (from the case page or the caseload).

Case-scoped through ``case_route`` like the other update pages (``portal.caseworker.updates``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.caseworker import bp
from portal.caseworker.update_forms import CadenceForm, PublishForm
from portal.extensions import db
from portal.models import Case, UpdateStatus, User
from portal.policy import Action, Audience, case_route
from portal.services.updates import checkins
from portal.services.updates import queries as update_queries
from portal.services.updates import writing as updates


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/cases/<uuid:case_id>/updates/cadence", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def update_cadence(case: Case) -> str | BaseResponse:
    form = CadenceForm()
    if not form.is_submitted():
        form.weeks.data = update_queries.cadence_weeks(db.session(), case)
    if form.validate_on_submit():
        try:
            updates.set_cadence(db.session(), case, _me(), int(form.weeks.data))
        except updates.UpdateError as exc:
            form.weeks.errors = [*form.weeks.errors, *exc.errors.values()]
        else:
            flash(str(_l("Check-in cadence saved.")), "success")
            return redirect(url_for("caseworker.case_page", case_id=case.id))
    return render_template("caseworker/updates/cadence.html", case=case, form=form)


@bp.post("/cases/<uuid:case_id>/updates/check-in")
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def send_checkin(case: Case) -> BaseResponse:
    """One click: the "no change yet" update from the starter text, for the due check-in."""
    form = PublishForm()
    if form.validate_on_submit():
        try:
            sent = checkins.send(db.session(), case, _me())
        except (checkins.CheckInError, updates.UpdateError) as exc:
            flash(str(exc), "error")
        else:
            if sent is None:
                flash(str(_l("This check-in has already been sent.")), "success")
            elif sent.status == UpdateStatus.HELD_ISVA_FIRST:
                flash(
                    str(_l("The check-in is held until you confirm support is in place.")),
                    "success",
                )
            else:
                flash(str(_l("The “no change yet” update has been sent.")), "success")
    if request.form.get("back") == "caseload":
        return redirect(url_for("caseworker.home"))
    return redirect(url_for("caseworker.case_page", case_id=case.id) + "#updates")
