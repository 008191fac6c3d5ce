"""Partner systems and their API keys, for the organisation's admins (/caseworker/partners).

An admin adds a partner (a police force, CPS area, Witness Care Unit or Probation system),
issues it keys (each shown once, on the page that issues it, never again), revokes keys, links
the partner's own case references to the service's cases, and chooses which of the partner's
non-sensitive events may reach victims without an ISVA's review.
"""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from werkzeug.wrappers import Response as BaseResponse
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from portal.access import role_required
from portal.caseworker import bp
from portal.choices import options
from portal.extensions import db
from portal.models import Role, User
from portal.models.partner import Partner
from portal.services.partners import systems as service


class PartnerForm(FlaskForm):
    name = StringField(
        _l("Name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the partner's name")),
            Length(max=service.NAME_MAX, message=_l("The name must be 120 characters or fewer")),
        ],
    )
    agency = RadioField(
        _l("Agency"),
        widget=GovRadioInput(),
        choices=options([(a.value, str(a.label)) for a in service.PARTNER_AGENCIES]),
        validators=[InputRequired(message=_l("Choose the partner's agency"))],
    )
    submit = SubmitField(_l("Add partner"), widget=GovSubmitInput())


class LinkForm(FlaskForm):
    case_reference = StringField(
        _l("The service's case reference"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter the service's case reference"))],
    )
    partner_reference = StringField(
        _l("The partner's own reference for the case"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter the partner's reference"))],
    )
    submit = SubmitField(_l("Link case"), widget=GovSubmitInput())


class DirectPublishForm(FlaskForm):
    events = SelectMultipleField(_l("Events"), widget=GovCheckboxesInput(), choices=[])
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """Issue or revoke a key: nothing to fill in but the CSRF token."""


def _admin() -> User:
    user: User = current_user._get_current_object()
    return user


def _partner(partner_id: uuid.UUID) -> Partner:
    partner = service.partner_for(db.session(), _admin(), partner_id)
    if partner is None:
        abort(404)
    return partner


def _direct_form(partner: Partner, *, submitted: bool = False) -> DirectPublishForm:
    form = (
        DirectPublishForm(prefix="direct")
        if submitted
        else DirectPublishForm(formdata=None, prefix="direct")
    )
    form.events.choices = options(
        [(e.key, f"{e.title} ({e.key})") for e in service.direct_publish_choices(partner.agency)]
    )
    if not submitted:
        form.events.data = sorted(partner.direct_publish)
    return form


def _detail(
    partner: Partner,
    *,
    new_key: str | None = None,
    link_form: LinkForm | None = None,
    direct_form: DirectPublishForm | None = None,
    status: int = 200,
) -> Response:
    page = render_template(
        "caseworker/partners/detail.html",
        partner=partner,
        keys=sorted(partner.keys, key=lambda k: k.created_at, reverse=True),
        links=service.links(db.session(), partner),
        new_key=new_key,
        link_form=link_form or LinkForm(formdata=None, prefix="link"),
        direct_form=direct_form or _direct_form(partner),
        action_form=ActionForm(),
        agency_label=_agency_label,
    )
    response = make_response(page, status)
    # A page showing a new key must never be kept by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _agency_label(value: str) -> str:
    for agency in service.PARTNER_AGENCIES:
        if agency.value == value:
            return str(agency.label)
    return value


@bp.get("/partners")
@role_required(Role.ADMIN)
def partner_list() -> str:
    return render_template(
        "caseworker/partners/list.html",
        partners=service.partners(db.session(), _admin().organisation_id),
        agency_label=_agency_label,
    )


@bp.route("/partners/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_partner() -> BaseResponse | str:
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = service.create_partner(
                db.session(), _admin(), form.name.data or "", form.agency.data or ""
            )
        except service.PartnerError as refused:
            for name, message in refused.errors.items():
                getattr(form, name).errors = [message]
        else:
            flash(_("Partner added. Issue it an API key when its system is ready."), "success")
            return redirect(url_for("caseworker.partner_detail", partner_id=partner.id))
    return render_template("caseworker/partners/new.html", form=form)


@bp.get("/partners/<uuid:partner_id>")
@role_required(Role.ADMIN)
def partner_detail(partner_id: uuid.UUID) -> Response:
    return _detail(_partner(partner_id))


@bp.post("/partners/<uuid:partner_id>/keys")
@role_required(Role.ADMIN)
def issue_partner_key(partner_id: uuid.UUID) -> Response | BaseResponse:
    partner = _partner(partner_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    issued = service.issue_key(db.session(), _admin(), partner)
    # Shown in this response only: the service keeps its hash, so it cannot show it again.
    return _detail(partner, new_key=issued.raw)


@bp.post("/partners/<uuid:partner_id>/keys/<uuid:key_id>/revoke")
@role_required(Role.ADMIN)
def revoke_partner_key(partner_id: uuid.UUID, key_id: uuid.UUID) -> BaseResponse:
    partner = _partner(partner_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        key = service.revoke_key(db.session(), _admin(), partner, key_id)
    except service.NotAllowedError:
        abort(404)
    flash(_("Key %(prefix)s is revoked. It stops working at once.", prefix=key.prefix), "success")
    return redirect(url_for("caseworker.partner_detail", partner_id=partner.id))


@bp.post("/partners/<uuid:partner_id>/links")
@role_required(Role.ADMIN)
def link_partner_case(partner_id: uuid.UUID) -> Response | BaseResponse:
    partner = _partner(partner_id)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        try:
            service.link_case(
                db.session(),
                _admin(),
                partner,
                form.case_reference.data or "",
                form.partner_reference.data or "",
            )
        except service.PartnerError as refused:
            db.session.rollback()
            for name, message in refused.errors.items():
                getattr(form, name).errors = [message]
        else:
            flash(_("Case linked. The partner can now send events for it."), "success")
            return redirect(url_for("caseworker.partner_detail", partner_id=partner.id))
    return _detail(partner, link_form=form, status=400)


@bp.post("/partners/<uuid:partner_id>/direct-publish")
@role_required(Role.ADMIN)
def partner_direct_publish(partner_id: uuid.UUID) -> Response | BaseResponse:
    partner = _partner(partner_id)
    form = _direct_form(partner, submitted=True)
    if form.validate_on_submit():
        try:
            service.set_direct_publish(db.session(), _admin(), partner, form.events.data or [])
        except service.PartnerError as refused:  # pragma: no cover - choices are validated
            form.events.errors = list(refused.errors.values())
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("caseworker.partner_detail", partner_id=partner.id))
    return _detail(partner, direct_form=form, status=400)
