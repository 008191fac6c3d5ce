"""Subject access requests (UK GDPR article 15) raised by staff for a case's victim, and a
supervisor's list of open requests (with their one-month due dates) and erasure requests."""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.access import role_required
from portal.caseworker import bp
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import Case, Role, User
from portal.models.rights import ErasureRequest
from portal.policy import case_route
from portal.rights_forms import DecideErasureForm, RecordSarForm, ReleaseForm
from portal.rules import Action, Audience
from portal.services.rights import requests as rights_requests
from portal.services.rights import subject_access as rights
from portal.services.updates.deadlines import london_today
from portal.victim.my_information import FORMATS, download


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


@bp.route("/cases/<uuid:case_id>/subject-access", methods=["GET", "POST"])
@case_route(Action.VIEW_CASE_CONTENT, Audience.STAFF)
def case_subject_access(case: Case) -> BaseResponse | str:
    me = _me()
    form = RecordSarForm()
    if form.validate_on_submit():
        try:
            rights_requests.record_sar(
                db.session(), me, case, form.received_on.data, current_request_id()
            )
        except rights_requests.RightsError as error:
            form.received_on.errors = [*form.received_on.errors, _(str(error))]
        else:
            flash(_("The subject access request is recorded."), "success")
            return redirect(url_for("caseworker.case_subject_access", case_id=case.id))
    return render_template(
        "caseworker/rights/case_subject_access.html",
        case=case,
        form=form,
        release_form=ReleaseForm(),
        requests=rights_requests.sars_for_case(db.session(), case),
        may_release=rights_requests.may_release(me),
        today=london_today(),
    )


@bp.get("/cases/<uuid:case_id>/subject-access/<uuid:sar_id>/export.<kind>")
@case_route(Action.VIEW_CASE_CONTENT, Audience.STAFF)
def subject_access_export(case: Case, sar_id: uuid.UUID, kind: str) -> Response:
    me = _me()
    sar = rights_requests.sar_for_case(db.session(), case, sar_id)
    if sar is None or kind not in FORMATS:
        abort(404)
    document = rights.export(db.session(), case.victim, staff=me)
    rights_requests.audit_export(db.session(), me, case, sar.id, current_request_id())
    return download(document, kind, "subject-access", sar.received_on)


@bp.post("/cases/<uuid:case_id>/subject-access/<uuid:sar_id>/release")
@case_route(Action.VIEW_CASE_CONTENT, Audience.STAFF)
def release_subject_access(case: Case, sar_id: uuid.UUID) -> BaseResponse:
    me = _me()
    sar = rights_requests.sar_for_case(db.session(), case, sar_id)
    if sar is None or not rights_requests.may_release(me):
        abort(404)
    if ReleaseForm().validate_on_submit():
        rights_requests.release_sar(db.session(), me, sar, current_request_id())
        flash(_("The request is marked as released."), "success")
    return redirect(url_for("caseworker.case_subject_access", case_id=case.id))


@bp.get("/subject-access")
@role_required(Role.SUPERVISOR)
def subject_access_list() -> str:
    me = _me()
    return render_template(
        "caseworker/rights/list.html",
        requests=rights_requests.open_sars(db.session(), me.organisation_id),
        erasures=rights_requests.pending_erasures(db.session(), me.organisation_id),
        today=london_today(),
    )


# ASSIGN is held by exactly the case's organisation's supervisors: who decides on erasure.
@bp.route("/cases/<uuid:case_id>/erasure/<uuid:request_id>", methods=["GET", "POST"])
@case_route(Action.ASSIGN, Audience.STAFF)
def decide_erasure(case: Case, request_id: uuid.UUID) -> BaseResponse | str:
    me = _me()
    request = db.session.get(ErasureRequest, request_id)
    if request is None or request.case_id != case.id:
        abort(404)
    form = DecideErasureForm()
    if form.validate_on_submit():
        try:
            rights_requests.decide_erasure(
                db.session(), me, request, form.decision.data == "approve", current_request_id()
            )
        except rights_requests.RightsError as error:
            form.decision.errors = [*form.decision.errors, _(str(error))]
        else:
            flash(_("Your decision is saved."), "success")
            return redirect(url_for("caseworker.subject_access_list"))
    return render_template(
        "caseworker/rights/decide_erasure.html", case=case, request=request, form=form
    )
