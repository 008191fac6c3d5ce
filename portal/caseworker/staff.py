"""The organisation's staff accounts, for admins (all staff) and supervisors (their ISVAs):
who has an account, whether it is set up, and disabling one, which ends its sessions at once."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from portal.access import role_required
from portal.caseworker import bp
from portal.caseworker.account_forms import DisableForm
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import Role, User
from portal.services.accounts import credentials as accounts

STAFF_ROLES = (Role.ISVA, Role.SUPERVISOR, Role.ADMIN)


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


@bp.get("/staff")
@role_required(Role.ADMIN, Role.SUPERVISOR)
def staff_list() -> str:
    me = _me()
    people = db.session.scalars(
        select(User).where(User.organisation_id == me.organisation_id, User.role.in_(STAFF_ROLES))
    ).all()
    rows = sorted(
        people, key=lambda u: (not u.is_enabled, str(u.role), (u.display_name or "").casefold())
    )
    return render_template(
        "caseworker/accounts/staff_list.html",
        rows=rows,
        may_disable={u.id for u in rows if u.is_enabled and accounts.may_disable(me, u)},
    )


@bp.route("/staff/<uuid:user_id>/disable", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.SUPERVISOR)
def disable_staff(user_id: uuid.UUID) -> BaseResponse | str:
    me = _me()
    person = db.session.get(User, user_id)
    if person is None or not person.is_enabled or not accounts.may_disable(me, person):
        abort(404)
    form = DisableForm()
    if form.validate_on_submit():
        accounts.disable_user(db.session(), me, person, current_request_id())
        flash(
            _("The account is disabled. Anyone signed in with it has been signed out."), "success"
        )
        return redirect(url_for("caseworker.staff_list"))
    return render_template("caseworker/accounts/disable.html", form=form, person=person)
