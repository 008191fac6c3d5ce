"""Settings around messaging (issue 6): the organisation's saved replies (kept by
supervisors) and out of office with a cover ISVA (ISVAs for themselves, supervisors for their
team)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.wrappers import Response as BaseResponse
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from portal.access import role_required
from portal.caseworker import bp
from portal.choices import options
from portal.extensions import db
from portal.models import Role
from portal.models.message import Absence
from portal.services.caseload.assignment import assignable_isvas
from portal.services.messaging import availability
from portal.services.messaging import messages as messaging
from portal.services.messaging import notes as message_notes


class SavedReplyForm(FlaskForm):
    title = StringField(_l("Name"), widget=GovTextInput(), description=_l("Staff see this name"))
    body = TextAreaField(
        _l("Text"),
        widget=GovTextArea(),
        description=_l("Generic wording only: never anything about one case or person."),
    )
    submit = SubmitField(_l("Add saved reply"), widget=GovSubmitInput())


class DeleteForm(FlaskForm):
    delete = SubmitField(_l("Delete"))


class AbsenceForm(FlaskForm):
    person = SelectField(_l("Who is away?"), widget=GovSelect(), choices=[])
    cover = SelectField(_l("Who will cover?"), widget=GovSelect(), choices=[])
    starts_on = DateField(
        _l("First day away"),
        widget=GovDateInput(),
        format="%d %m %Y",
        description=_l("For example, 27 3 2027"),
        validators=[InputRequired(message=_l("Enter the first day away as a real date"))],
    )
    ends_on = DateField(
        _l("Last day away"),
        widget=GovDateInput(),
        format="%d %m %Y",
        description=_l("For example, 31 3 2027"),
        validators=[InputRequired(message=_l("Enter the last day away as a real date"))],
    )
    submit = SubmitField(_l("Set out of office"), widget=GovSubmitInput())


class EndAbsenceForm(FlaskForm):
    end = SubmitField(_l("End now"))


@bp.route("/saved-replies", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def saved_replies() -> Any:
    user = current_user._get_current_object()
    form = SavedReplyForm()
    status = 200
    if form.validate_on_submit():
        try:
            message_notes.add_saved_reply(db.session(), user, form.title.data or "", form.body.data)
        except messaging.MessagingError as exc:
            form.body.errors = [str(exc)]
            status = 400
        else:
            flash(str(_l("The saved reply has been added")), "success")
            return redirect(url_for("caseworker.saved_replies"))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "caseworker/messages/saved_replies.html",
            form=form,
            delete_form=DeleteForm(formdata=None),
            replies=message_notes.saved_replies(db.session(), user.organisation_id),
        ),
        status,
    )


@bp.post("/saved-replies/<uuid:saved_id>/delete")
@role_required(Role.SUPERVISOR)
def delete_saved_reply(saved_id: uuid.UUID) -> BaseResponse:
    if DeleteForm().validate_on_submit():
        try:
            message_notes.delete_saved_reply(
                db.session(), current_user._get_current_object(), saved_id
            )
        except messaging.NotPermittedError:
            pass
        else:
            flash(str(_l("The saved reply has been deleted")), "success")
    return redirect(url_for("caseworker.saved_replies"))


@bp.route("/out-of-office", methods=["GET", "POST"])
@role_required(Role.ISVA, Role.SUPERVISOR)
def out_of_office() -> Any:
    user = current_user._get_current_object()
    session = db.session()
    isvas = assignable_isvas(session, user.organisation_id)
    names = [(str(i.id), i.display_name or str(_l("ISVA without a name"))) for i in isvas]
    form = AbsenceForm()
    form.person.choices = options(
        names if Role(user.role) is Role.SUPERVISOR else [(str(user.id), "")]
    )
    form.cover.choices = options([("", str(_l("Choose an ISVA"))), *names])
    status = 200
    if not form.is_submitted() and Role(user.role) is Role.ISVA:
        form.person.data = str(user.id)
    if form.validate_on_submit():
        people = {str(i.id): i for i in isvas}
        person = people.get(form.person.data or "")
        cover = people.get(form.cover.data or "")
        if person is None or cover is None:
            form.cover.errors = [str(_l("Choose another ISVA from your service to cover"))]
            status = 400
        else:
            try:
                availability.set_absence(
                    session, user, person, cover, form.starts_on.data, form.ends_on.data
                )
            except availability.AbsenceError as exc:
                form.ends_on.errors = [str(exc)]
                status = 400
            else:
                flash(str(_l("Out of office has been set")), "success")
                return redirect(url_for("caseworker.out_of_office"))
    elif form.is_submitted():
        status = 400
    for field in (form.starts_on, form.ends_on):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None  # the date widget needs day, month and year to show
    absences = availability.upcoming_absences(session, user.organisation_id)
    if Role(user.role) is not Role.SUPERVISOR:
        absences = [a for a in absences if user.id in (a.user_id, a.cover_id)]
    return (
        render_template(
            "caseworker/messages/out_of_office.html",
            form=form,
            end_form=EndAbsenceForm(formdata=None),
            absences=absences,
            is_supervisor=Role(user.role) is Role.SUPERVISOR,
        ),
        status,
    )


@bp.post("/out-of-office/<uuid:absence_id>/end")
@role_required(Role.ISVA, Role.SUPERVISOR)
def end_out_of_office(absence_id: uuid.UUID) -> BaseResponse:
    absence = db.session.get(Absence, absence_id)
    if EndAbsenceForm().validate_on_submit() and absence is not None:
        try:
            availability.end_absence(db.session(), current_user._get_current_object(), absence)
        except availability.AbsenceError as exc:
            flash(str(exc), "error")
        else:
            flash(str(_l("Out of office has ended")), "success")
    return redirect(url_for("caseworker.out_of_office"))
