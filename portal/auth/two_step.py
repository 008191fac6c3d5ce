"""Two-step verification at sign-in: the TOTP code (or a recovery code) after the passphrase,
and setting TOTP up, which staff must do on their first sign-in. Until the second step
succeeds the person is only "pending" (see loader.begin_pending): not signed in."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from portal.access import public
from portal.auth import bp, loader
from portal.auth.forms import RecoveryCodeForm, TotpCodeForm
from portal.auth.views import landing
from portal.extensions import db, limiter
from portal.models import User
from portal.services.accounts import totp
from portal.throttle import (
    SIGN_IN_PER_IP,
    TOTP_PER_ACCOUNT,
    failed,
    ip_key,
    mark_failed,
    pending_user_key,
)


def _expired() -> BaseResponse:
    return redirect(url_for("auth.sign_in"))


def qr_response(user: User) -> Response:
    issuer = current_app.config["WAYPOINT_SETTINGS"].SERVICE_NAME
    svg = totp.qr_svg(totp.provisioning_uri(user, issuer))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sign-in/two-step", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_IP, key_func=ip_key, methods=["POST"])
@limiter.limit(TOTP_PER_ACCOUNT, key_func=pending_user_key, methods=["POST"], deduct_when=failed)
@public
def two_step() -> BaseResponse | str:
    found = loader.pending("verify")
    if found is None:
        return _expired()
    user, next_path = found
    form = TotpCodeForm()
    if form.validate_on_submit():
        if totp.verify_code(user, form.code.data):
            return _complete(user, next_path)
        db.session.rollback()
        mark_failed()
        form.code.errors = [
            *form.code.errors,
            _("That code did not work. Wait for the app to show a new code and enter that."),
        ]
    return render_template("auth/two_step.html", form=form)


@bp.route("/sign-in/two-step/recovery-code", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_IP, key_func=ip_key, methods=["POST"])
@limiter.limit(TOTP_PER_ACCOUNT, key_func=pending_user_key, methods=["POST"], deduct_when=failed)
@public
def recovery_code() -> BaseResponse | str:
    found = loader.pending("verify")
    if found is None:
        return _expired()
    user, next_path = found
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if totp.use_recovery_code(db.session(), user, form.code.data):
            return _complete(user, next_path)
        db.session.rollback()
        mark_failed()
        form.code.errors = [
            *form.code.errors,
            _("That recovery code did not work. Each code works only once."),
        ]
    return render_template("auth/recovery_code.html", form=form)


def _complete(user: User, next_path: str) -> BaseResponse:
    loader.begin(user)
    return redirect(landing(user, next_path))


@bp.route("/sign-in/two-step/set-up", methods=["GET", "POST"])
@limiter.limit(TOTP_PER_ACCOUNT, key_func=pending_user_key, methods=["POST"], deduct_when=failed)
@public
def two_step_setup() -> BaseResponse | str:
    """Staff's first sign-in (and after accepting a staff invitation): set up TOTP."""
    found = loader.pending("enrol")
    if found is None:
        return _expired()
    user, next_path = found
    if user.has_totp:
        return _expired()
    secret = totp.begin_enrolment(user)
    form = TotpCodeForm()
    if form.validate_on_submit():
        codes = totp.confirm_enrolment(db.session(), user, form.code.data)
        if codes is not None:
            loader.begin(user)
            return render_template(
                "auth/recovery_codes.html", codes=codes, continue_url=landing(user, next_path)
            )
        mark_failed()
        form.code.errors = [
            *form.code.errors,
            _("That code did not work. Check the app shows Waypoint, then enter the newest code."),
        ]
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=totp.format_secret(secret),
        qr_url=url_for("auth.two_step_setup_qr"),
        required=True,
    )


@bp.get("/sign-in/two-step/set-up/qr.svg")
@public
def two_step_setup_qr() -> Response:
    found = loader.pending("enrol")
    if found is None or found[0].totp_secret is None or found[0].has_totp:
        abort(404)
    return qr_response(found[0])
