"""An admin's settings for their organisation: the service name victims see, the reply-time
target, crisis contacts, where Exit this page goes, and how long closed cases are kept."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.access import role_required
from portal.caseworker import bp
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import Role, User
from portal.rights_forms import OrganisationForm
from portal.rules import Action, can
from portal.services.accounts import organisation_settings as org_settings


def _lines(contacts: list[org_settings.CrisisContact]) -> str:
    return "\n".join(f"{c.name}: {c.number}" for c in contacts)


@bp.route("/organisation", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def organisation_settings() -> BaseResponse | str:
    me: User = current_user._get_current_object()
    org = me.organisation
    if not can(me, Action.MANAGE_ORGANISATION, org):
        abort(404)
    form = OrganisationForm()
    if not form.is_submitted():
        now = org_settings.current(org)
        form.service_name.data = now.service_name
        form.reply_target_working_days.data = now.reply_target_working_days
        form.crisis_contacts.data = _lines(now.crisis_contacts)
        form.exit_url.data = now.exit_url or ""
        form.retention_months.data = now.retention_months
        form.auto_checkins.data = now.auto_checkins
    if form.validate_on_submit():
        try:
            changed = org_settings.update(
                db.session(),
                me,
                org,
                org_settings.OrganisationSettings(
                    service_name=form.service_name.data or "",
                    reply_target_working_days=form.reply_target_working_days.data or 0,
                    crisis_contacts=org_settings.crisis_contacts_from_lines(
                        form.crisis_contacts.data or ""
                    ),
                    exit_url=form.exit_url.data,
                    retention_months=form.retention_months.data or 0,
                    auto_checkins=bool(form.auto_checkins.data),
                ),
                current_request_id(),
            )
        except org_settings.SettingsError as error:
            db.session.rollback()
            field = getattr(form, error.field)
            field.errors = [*field.errors, error.message]
        else:
            flash(
                _("Settings saved.") if changed else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("caseworker.organisation_settings"))
    return render_template("caseworker/organisation/settings.html", form=form, org=org)
