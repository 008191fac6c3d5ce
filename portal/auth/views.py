"""Sign-in, sign-out, the signed-out page and the stay-signed-in button, and the steps after a
correct passphrase that the invitation and two-step pages share (``after_passphrase``,
``landing``). The blueprint itself is defined in portal/auth/__init__.py.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import public, role_required
from portal.auth import bp, loader
from portal.auth.forms import KeepAliveForm, SignInForm, SignOutForm
from portal.extensions import db, limiter
from portal.models import Role, SessionEndReason, User
from portal.services.accounts import credentials as accounts
from portal.services.accounts import sessions
from portal.throttle import (
    SIGN_IN_PER_IDENTIFIER,
    SIGN_IN_PER_IP,
    failed,
    identifier_key,
    ip_key,
    mark_failed,
)
from portal.urls import safe_next

EVERYONE = (Role.VICTIM, Role.ISVA, Role.SUPERVISOR, Role.ADMIN)

bp.before_app_request(loader.check_session)


@bp.app_context_processor
def session_template_values() -> dict[str, object]:
    """The signed-in layout's extras: sign-out form and the idle-timeout warning's timing."""
    if not current_user.is_authenticated:
        return {"session_timeout_seconds": None}
    return {"session_timeout_seconds": loader.seconds_remaining()}


def home_for(user: User) -> str:
    return url_for("victim.home") if Role(user.role) is Role.VICTIM else url_for("caseworker.home")


def landing(user: User, next_path: str | None) -> str:
    """Where a person goes once signed in: the safety page first for a new victim."""
    if Role(user.role) is Role.VICTIM and user.safety_info_seen_at is None:
        return url_for("auth.safety_first")
    return safe_next(next_path, home_for(user))


def finish_sign_in(user: User, next_path: str | None) -> Response:
    loader.begin(user)
    return redirect(landing(user, next_path))


def after_passphrase(user: User, next_path: str | None) -> Response:
    """Passphrase accepted: sign in, or first ask for (or set up) the second factor."""
    if user.is_staff and not user.has_totp:
        loader.begin_pending(user, "enrol", next_path)
        return redirect(url_for("auth.two_step_setup"))
    if user.has_totp:
        loader.begin_pending(user, "verify", next_path)
        return redirect(url_for("auth.two_step"))
    return finish_sign_in(user, next_path)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_IP, key_func=ip_key, methods=["POST"])
@limiter.limit(
    SIGN_IN_PER_IDENTIFIER, key_func=identifier_key, methods=["POST"], deduct_when=failed
)
@public
def sign_in() -> Response | str:
    next_path = request.args.get("next")
    form = SignInForm()
    credentials_error = None
    if form.validate_on_submit():
        user = accounts.authenticate(db.session(), form.identifier.data, form.password.data)
        if user is not None:
            return after_passphrase(user, next_path)
        db.session.rollback()
        mark_failed()
        credentials_error = _(
            "The email address, mobile number or passphrase is not right. Check them and try again."
        )
    return render_template("auth/sign_in.html", form=form, credentials_error=credentials_error)


@bp.post("/sign-out")
@role_required(*EVERYONE)
def sign_out() -> Response:
    SignOutForm()  # CSRF is checked for every POST by CSRFProtect
    loader.end(SessionEndReason.SIGNED_OUT)
    return redirect(url_for("auth.signed_out"), code=303)


@bp.get("/signed-out")
@public
def signed_out() -> str:
    return render_template("auth/signed_out.html")


@bp.post("/session/keep-alive")
@role_required(*EVERYONE)
def keep_alive() -> Response:
    """The "Stay signed in" button (WCAG 2.2.1): counts as activity, says how long is left."""
    KeepAliveForm()
    record = loader.current().record
    if record is not None:
        sessions.keep_alive(record)
    response = jsonify({"secondsRemaining": loader.seconds_remaining() or 0})
    return response


@bp.cli.command("prune-sessions")
@click.option("--days", default=90, show_default=True, help="Keep ended sessions this long.")
def prune_sessions(days: int) -> None:
    """Delete records of sessions that ended more than DAYS days ago."""
    count = sessions.prune(db.session(), timedelta(days=days))
    db.session.commit()
    click.echo(f"Deleted {count} ended session record(s).")
