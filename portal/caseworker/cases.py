"""The caseworker's case page, and a supervisor assigning or reassigning the case's ISVA."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from werkzeug.wrappers import Response as BaseResponse
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from portal.caseworker import bp
from portal.choices import options
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import Case
from portal.policy import case_route
from portal.rules import Action, Audience, can
from portal.services import audit
from portal.services.caseload import assignment as cases


class IsvaChoice(RadioField):
    """Radios whose wrong-choice message is plain English (WTForms says "Not a valid choice")."""

    def pre_validate(self, form: object) -> None:
        if self.data and self.data not in {str(value) for value, *_ in self.choices or []}:
            raise ValidationError(str(_l("Choose an ISVA from your service")))


class AssignForm(FlaskForm):
    isva = IsvaChoice(
        _l("Who should be the ISVA for this case?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose an ISVA"))],
    )
    submit = SubmitField(_l("Assign"), widget=GovSubmitInput())


@bp.get("/cases/<uuid:case_id>")
@case_route(Action.VIEW_CASE, Audience.STAFF)
def case_page(case: Case) -> str:
    user = current_user._get_current_object()
    trail = audit.case_trail(db.session(), case) if can(user, Action.VIEW_AUDIT, case) else None
    # Everyone the page names (ISVAs of the history, people in the trail) in one query.
    people = audit.users_by_id(
        db.session(),
        {a.isva_id for a in case.assignments}
        | {e.actor_id for e in trail or [] if e.actor_id is not None},
    )
    return render_template(
        "caseworker/case.html",
        case=case,
        active=case.active_assignment(),
        trail=trail,
        people=people,
        may_assign=can(user, Action.ASSIGN, case),
        **audit.labels(),
    )


@bp.route("/cases/<uuid:case_id>/assign", methods=["GET", "POST"])
@case_route(Action.ASSIGN, Audience.STAFF)
def assign(case: Case) -> str | BaseResponse:
    form = AssignForm()
    form.isva.choices = options(
        [
            (str(isva.id), isva.display_name or str(_l("ISVA without a name")))
            for isva in cases.assignable_isvas(db.session(), case.organisation_id)
        ]
    )
    active = case.active_assignment()
    if form.validate_on_submit():
        try:
            cases.assign(
                db.session(),
                case,
                uuid.UUID(form.isva.data),
                current_user._get_current_object(),
                request_id=current_request_id(),
            )
        except cases.AssignmentError as exc:
            form.isva.errors = [str(exc)]
        else:
            flash(str(_l("The ISVA for this case has been changed")), "success")
            return redirect(url_for("caseworker.case_page", case_id=case.id))
    elif active is not None and not form.is_submitted():
        form.isva.data = str(active.isva_id)
    return render_template("caseworker/assign.html", case=case, form=form, active=active)
