"""The victim's reminders page (/my-case/cases/<id>/reminders): which reminders they want,
the dates ahead with a calendar file for each, and how often they hear when nothing has
changed. Views parse, call portal.services.updates.reminders / checkins, render;
``case_route`` commits.
"""

from __future__ import annotations

import uuid

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from portal.access import role_required
from portal.extensions import db
from portal.models import Case, CaseStatus, Role
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services.accounts.organisation_settings import for_signed_in_user
from portal.services.updates import calendar_files, checkins, reminders
from portal.services.updates import queries as update_queries
from portal.victim import bp
from portal.victim.reminder_forms import CadenceForm, ReminderSettingsForm


@bp.get("/reminders")
@role_required(Role.VICTIM)
def my_reminders() -> BaseResponse:
    """From "How we contact you": the reminders page of the victim's open case."""
    open_cases = db.session.scalars(
        select(Case.id).where(Case.victim_id == current_user.id, Case.status == CaseStatus.OPEN)
    ).all()
    if len(open_cases) == 1:
        return redirect(url_for("victim.reminders_page", case_id=open_cases[0]))
    return redirect(url_for("victim.home"))


def _render(case: Case, settings_form: ReminderSettingsForm, cadence_form: CadenceForm) -> str:
    session = db.session()
    settings = reminders.settings_for(session, current_user.id)
    return render_template(
        "victim/reminders.html",
        case=case,
        settings_form=settings_form,
        cadence_form=cadence_form,
        dates=reminders.known_dates(session, case),
        planned=reminders.planned(session, case, settings),
        cadence_weeks=update_queries.cadence_weeks(session, case),
    )


@bp.route("/cases/<uuid:case_id>/reminders", methods=["GET", "POST"])
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def reminders_page(case: Case) -> str | BaseResponse:
    session = db.session()
    settings = reminders.settings_for(session, current_user.id)
    form = ReminderSettingsForm(obj=settings if request.method == "GET" else None)
    cadence = CadenceForm(
        formdata=None, data={"weeks": str(update_queries.cadence_weeks(session, case))}
    )
    if form.validate_on_submit():
        reminders.save_settings(
            session,
            current_user._get_current_object(),
            court_dates=bool(form.court_dates.data),
            time_limits=bool(form.time_limits.data),
            calendar_words=bool(form.calendar_words.data),
        )
        flash(_("Your reminder choices are saved."), "success")
        return redirect(url_for("victim.reminders_page", case_id=case.id))
    return _render(case, form, cadence)


@bp.post("/cases/<uuid:case_id>/check-ins")
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def checkin_cadence(case: Case) -> str | BaseResponse:
    session = db.session()
    form = CadenceForm()
    if form.validate_on_submit():
        try:
            checkins.set_by_victim(
                session, case, current_user._get_current_object(), int(form.weeks.data)
            )
        except (checkins.CheckInError, ValueError):
            form.weeks.errors = [_("Choose how often you want to hear from us")]
        else:
            flash(_("How often you hear from us is saved."), "success")
            return redirect(url_for("victim.reminders_page", case_id=case.id))
    settings = reminders.settings_for(session, current_user.id)
    return _render(case, ReminderSettingsForm(formdata=None, obj=settings), form)


@bp.get("/cases/<uuid:case_id>/dates/<uuid:update_id>/<kind>.ics")
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def calendar_file(case: Case, update_id: uuid.UUID, kind: str) -> Response:
    session = db.session()
    found = next(
        (
            d
            for d in reminders.known_dates(session, case)
            if d.update.id == update_id and d.kind == kind
        ),
        None,
    )
    if found is None:
        abort(404)
    settings = reminders.settings_for(session, current_user.id)
    service, _contacts = for_signed_in_user(current_app.config["WAYPOINT_SETTINGS"])
    body = calendar_files.ics_for(
        found, service=service, with_words=settings.calendar_words, host=request.host
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="reminder-{found.on.isoformat()}.ics"',
            "Cache-Control": "no-store",
        },
    )
