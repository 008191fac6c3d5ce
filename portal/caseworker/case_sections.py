"""Sections of the caseworker's case page beyond the overview: contact and safety (the
victim's channels, quiet hours, safe times to call, voicemail, safety notes), the delivery log,
and the case actions close and reopen. Each is its own page under the case's sub-navigation, so
everything works without JavaScript; every read is audited by the case loader.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from werkzeug.wrappers import Response as BaseResponse
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.auth.forms import Readable
from portal.caseworker import bp
from portal.caseworker.notification_settings import settings_context
from portal.choices import options
from portal.extensions import db
from portal.models import Case, User
from portal.models.contact_notes import VoicemailSafe
from portal.policy import case_route
from portal.rules import Action, Audience, can
from portal.services import audit
from portal.services.caseload import casework


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


class SafeContactForm(FlaskForm):
    safe_times = TextAreaField(
        _l("When is it safe to phone?"),
        widget=GovCharacterCount(),
        description=_l("For example, weekdays 10am to 2pm. Leave empty if not known."),
        validators=[
            Length(
                max=casework.SAFE_TIMES_MAX,
                message=_l(
                    "Safe times must be %(max)s characters or fewer", max=casework.SAFE_TIMES_MAX
                ),
            ),
            Readable(),
        ],
    )
    voicemail_safe = RadioField(
        _l("Is it safe to leave a voicemail?"),
        widget=GovRadioInput(),
        choices=options(
            [
                (VoicemailSafe.NO.value, _l("No, never leave a voicemail")),
                (VoicemailSafe.YES.value, _l("Yes, a voicemail is safe")),
                (VoicemailSafe.UNKNOWN.value, _l("Not known: do not leave one")),
            ]
        ),
        validators=[InputRequired(message=_l("Select whether a voicemail is safe"))],
    )
    notes = TextAreaField(
        _l("Safety notes (staff only)"),
        widget=GovCharacterCount(),
        description=_l(
            "Anything colleagues must know before contacting them. Stored encrypted. "
            "The victim does not see these notes."
        ),
        validators=[
            Length(
                max=casework.NOTES_MAX,
                message=_l(
                    "Safety notes must be %(max)s characters or fewer", max=casework.NOTES_MAX
                ),
            ),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Save contact and safety notes"), widget=GovSubmitInput())


class CloseForm(FlaskForm):
    support = TextAreaField(
        _l("What support stays available to them?"),
        widget=GovCharacterCount(),
        description=_l(
            "The victim is told this in an update when the case closes, for example how to "
            "come back to the service and other services that can help."
        ),
        validators=[
            InputRequired(message=_l("Enter the support that stays available to them")),
            Length(
                max=casework.SUPPORT_MAX,
                message=_l(
                    "The support must be %(max)s characters or fewer", max=casework.SUPPORT_MAX
                ),
            ),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Close the case and tell the victim"), widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    submit = SubmitField(_l("Reopen the case"), widget=GovSubmitInput())


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("I have dealt with this"), widget=GovSubmitInput())


@bp.route("/cases/<uuid:case_id>/contact", methods=["GET", "POST"])
@case_route(Action.VIEW_CONTACT_DETAILS, Audience.STAFF)
def contact_safety(case: Case) -> Any:
    session = db.session()
    record = casework.safe_contact(session, case)
    form = SafeContactForm()
    status = 200
    if not form.is_submitted():
        form.voicemail_safe.data = record.voicemail_safe if record else VoicemailSafe.UNKNOWN
        if record is not None:
            form.safe_times.data = record.safe_times
            form.notes.data = record.notes
    elif form.validate_on_submit():
        try:
            casework.save_safe_contact(
                session,
                case,
                _me(),
                safe_times=form.safe_times.data,
                voicemail_safe=VoicemailSafe(form.voicemail_safe.data),
                notes=form.notes.data,
            )
        except casework.CaseworkError as exc:
            form.notes.errors = [*form.notes.errors, str(exc)]
            status = 400
        else:
            flash(str(_l("Contact and safety notes saved")), "success")
            return redirect(url_for("caseworker.contact_safety", case_id=case.id))
    else:
        status = 400
    editor = audit.users_by_id(session, {record.updated_by_id}) if record else {}
    return (
        render_template(
            "caseworker/caseload/contact.html",
            case=case,
            form=form,
            record=record,
            editor=editor.get(record.updated_by_id) if record else None,
            **settings_context(case),
            section="contact",
        ),
        status,
    )


@bp.get("/cases/<uuid:case_id>/deliveries")
@case_route(Action.VIEW_CONTACT_DETAILS, Audience.STAFF)
def delivery_log(case: Case) -> str:
    session = db.session()
    rows = casework.delivery_log(session, case)
    people = audit.users_by_id(
        session, {r.acknowledgement.acknowledged_by_id for r in rows if r.acknowledgement}
    )
    return render_template(
        "caseworker/caseload/deliveries.html",
        case=case,
        rows=rows,
        people=people,
        ack_form=AcknowledgeForm(formdata=None),
        attempt_steps=casework.attempt_steps,
        section="deliveries",
    )


@bp.post("/cases/<uuid:case_id>/deliveries/<uuid:notification_id>/dealt-with")
@case_route(Action.VIEW_CONTACT_DETAILS, Audience.STAFF)
def acknowledge_delivery(case: Case, notification_id: uuid.UUID) -> BaseResponse:
    if AcknowledgeForm().validate_on_submit():
        try:
            casework.acknowledge_failed(db.session(), case, _me(), notification_id)
        except casework.CaseworkError as exc:
            flash(str(exc), "error")
        else:
            flash(str(_l("Marked as dealt with")), "success")
    return redirect(url_for("caseworker.delivery_log", case_id=case.id))


@bp.route("/cases/<uuid:case_id>/close", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def close_case(case: Case) -> Any:
    me = _me()
    if not casework.may_close(me, case):  # already closed
        return redirect(url_for("caseworker.case_page", case_id=case.id))
    form = CloseForm()
    status = 200
    if form.validate_on_submit():
        try:
            casework.close_case(db.session(), case, me, form.support.data)
        except casework.CaseworkError as exc:
            form.support.errors = [*form.support.errors, str(exc)]
            status = 400
        else:
            flash(str(_l("The case is closed. The victim has been told.")), "success")
            return redirect(url_for("caseworker.case_page", case_id=case.id))
    elif form.is_submitted():
        status = 400
    return (
        render_template("caseworker/caseload/close.html", case=case, form=form, section="case"),
        status,
    )


@bp.post("/cases/<uuid:case_id>/reopen")
@case_route(Action.VIEW_CASE, Audience.STAFF)
def reopen_case(case: Case) -> BaseResponse:
    """A one-button form on the case page: the assigned ISVA or a supervisor reopens."""
    if not casework.may_reopen(_me(), case):
        abort(404)
    if ReopenForm().validate_on_submit():
        casework.reopen_case(db.session(), case, _me())
        flash(str(_l("The case is open again")), "success")
    return redirect(url_for("caseworker.case_page", case_id=case.id))


@bp.app_template_global()
def case_actions(case: Case) -> dict[str, Any]:
    """Which case actions the signed-in member of staff may take (for the case page)."""
    me = _me()
    reopen = casework.may_reopen(me, case)
    return {
        "close": casework.may_close(me, case),
        "reopen": reopen,
        "reopen_form": ReopenForm(formdata=None) if reopen else None,
        "contact": can(me, Action.VIEW_CONTACT_DETAILS, case),
    }
