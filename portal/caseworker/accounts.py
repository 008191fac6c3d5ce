"""Opening a case with a victim account and its invitation; reissuing a victim's invitation
(also how a forgotten passphrase is reset); inviting staff. Links and codes are shown once,
in the response to the POST that made them, and never again."""

from __future__ import annotations

import uuid

from flask import abort, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.access import role_required
from portal.caseworker import bp
from portal.caseworker.account_forms import (
    ConfirmForm,
    NewCaseForm,
    StaffInviteForm,
    normalised,
)
from portal.choices import options
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import Case, Role, User
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services.accounts import invitations
from portal.services.accounts.credentials import AccountError

ROLE_LABELS = {
    Role.ISVA: _l("ISVA"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Admin"),
}


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _shown_once(issued: invitations.Issued, **context: object) -> str:
    base = current_app.config["WAYPOINT_SETTINGS"].PUBLIC_BASE_URL.rstrip("/")
    return render_template(
        "caseworker/accounts/invitation_created.html",
        link=base + url_for("auth.invitation", token=issued.token),
        code=invitations.format_code(issued.code) if issued.code else None,
        code_url=base + url_for("auth.invitation_code"),
        expires_at=issued.invitation.expires_at,
        **context,
    )


def _show_error(form: NewCaseForm | StaffInviteForm, error: AccountError) -> None:
    field = getattr(form, error.field or "", None)
    if field is None:
        abort(404)
    field.errors = [*field.errors, error.message]


@bp.route("/cases/new", methods=["GET", "POST"])
@role_required(Role.ISVA, Role.SUPERVISOR)
def new_case() -> BaseResponse | str:
    me = _me()
    form = NewCaseForm()
    is_supervisor = Role(me.role) is Role.SUPERVISOR
    if is_supervisor:
        isvas = invitations.active_isvas(db.session(), me.organisation_id)
        form.isva.choices = options([("", str(_l("Select an ISVA")))]) + [
            (str(u.id), u.display_name or str(_l("ISVA without a name"))) for u in isvas
        ]
    if form.validate_on_submit():
        isva_id = None
        if is_supervisor:
            try:
                isva_id = uuid.UUID(form.isva.data or "")
            except ValueError:
                isva_id = None
        try:
            case, issued = invitations.open_case(
                db.session(),
                me,
                reference=form.reference.data.strip(),
                name=(form.name.data or "").strip() or None,
                email=form.normalised("email"),
                phone=form.normalised("phone"),
                isva_id=isva_id,
                request_id=current_request_id(),
            )
        except AccountError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            return _shown_once(issued, case=case, heading=_l("Case opened"))
    return render_template(
        "caseworker/accounts/new_case.html", form=form, is_supervisor=is_supervisor
    )


# The policy has no invitation action yet: VIEW_CONTACT_DETAILS is held by exactly the case's
# assigned ISVA and its organisation's supervisors (never admins), which is who may reissue;
# invitations.may_reissue checks the same again in the service.
@bp.route("/cases/<uuid:case_id>/invitation", methods=["GET", "POST"])
@case_route(Action.VIEW_CONTACT_DETAILS, Audience.STAFF)
def reissue_invitation(case: Case) -> BaseResponse | str:
    """A fresh invitation for the case's victim; earlier ones stop working at once."""
    me = _me()
    if not invitations.may_reissue(me, case):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        issued = invitations.reissue_for_case(db.session(), me, case, current_request_id())
        return _shown_once(issued, case=case, heading=_l("New invitation created"))
    return render_template(
        "caseworker/accounts/reissue.html",
        form=form,
        case=case,
        has_passphrase=case.victim.password_hash is not None,
    )


@bp.route("/staff/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.SUPERVISOR)
def invite_staff() -> BaseResponse | str:
    me = _me()
    form = StaffInviteForm()
    allowed = invitations.STAFF_ROLES_BY_INVITER[Role(me.role)]
    form.role.choices = options([(role.value, str(ROLE_LABELS[role])) for role in allowed])
    if len(allowed) == 1 and not form.role.data:
        form.role.data = allowed[0].value
    if form.validate_on_submit():
        try:
            user, issued = invitations.invite_staff(
                db.session(),
                me,
                name=form.name.data.strip(),
                email=normalised(form.email) or "",
                role=Role(form.role.data),
                request_id=current_request_id(),
            )
        except AccountError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            return _shown_once(
                issued, case=None, heading=_l("Invitation created"), emailed_to=user.email
            )
    return render_template("caseworker/accounts/invite_staff.html", form=form)
