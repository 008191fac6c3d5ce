"""Accepting an invitation: by the link (the token leaves the address bar at once) or by the
short code plus the email address or mobile number it was made for. Both lead to choosing a
passphrase; then the person is signed in (staff set up two-step verification first)."""

from __future__ import annotations

import time
import uuid

from flask import redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.access import public
from portal.auth import bp
from portal.auth.forms import InvitationCodeForm, NewPassphraseForm, ResetRequestForm
from portal.auth.views import after_passphrase
from portal.extensions import db, limiter
from portal.models import Invitation, InvitationPurpose, User
from portal.normalise import parse_identifier
from portal.services.accounts import invitations, passphrase_reset
from portal.services.accounts.credentials import AccountError
from portal.throttle import (
    CODE_PER_IDENTIFIER,
    CODE_PER_IP,
    INVITATION_LINK_PER_IP,
    failed,
    identifier_key,
    ip_key,
    mark_failed,
)

INVITATION_KEY = "invitation"
# How long a browser may take between opening the link and choosing a passphrase.
CLAIM_SECONDS = 60 * 60


def invalid() -> tuple[str, int]:
    """One page (and status) for unknown, used, replaced and expired invitations alike."""
    return render_template("auth/invitation_invalid.html"), 404


def _claim(invitation: Invitation) -> Response:
    """Remember the invitation in this browser; any session it has ends only on acceptance
    (when the new session replaces it), so opening a link by mistake signs no one out."""
    session[INVITATION_KEY] = {"id": str(invitation.id), "at": int(time.time())}
    return redirect(url_for("auth.set_passphrase"))


def _claimed() -> Invitation | None:
    data = session.get(INVITATION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        invitation_id = uuid.UUID(str(data.get("id")))
        claimed_at = int(data.get("at", 0))
    except (TypeError, ValueError):
        return None
    if not 0 <= time.time() - claimed_at <= CLAIM_SECONDS:
        return None
    return invitations.get_usable(db.session(), invitation_id)


@bp.get("/invitation/<token>")
@limiter.limit(INVITATION_LINK_PER_IP, key_func=ip_key)
@public
def invitation(token: str) -> Response | tuple[str, int]:
    found = invitations.find_by_token(db.session(), token)
    if found is None:
        return invalid()
    return _claim(found)


@bp.route("/invitation/code", methods=["GET", "POST"])
@limiter.limit(CODE_PER_IP, key_func=ip_key, methods=["POST"])
@limiter.limit(CODE_PER_IDENTIFIER, key_func=identifier_key, methods=["POST"], deduct_when=failed)
@public
def invitation_code() -> Response | str:
    form = InvitationCodeForm()
    code_error = None
    if form.validate_on_submit():
        found = invitations.find_by_code(
            db.session(), form.code.data, parse_identifier(form.identifier.data)
        )
        if found is not None:
            return _claim(found)
        mark_failed()
        code_error = _(
            "The code, email address or mobile number is not right, or the code has expired. "
            "Check them, or ask your ISVA for a new code."
        )
    return render_template("auth/invitation_code.html", form=form, code_error=code_error)


@bp.route("/invitation/passphrase", methods=["GET", "POST"])
@public
def set_passphrase() -> Response | str | tuple[str, int]:
    found = _claimed()
    if found is None:
        return invalid()
    form = NewPassphraseForm()
    if form.validate_on_submit():
        try:
            user: User = invitations.accept(db.session(), found, form.password.data)
        except AccountError as error:
            db.session.rollback()
            if error.field != "password":
                return invalid()
            form.password.errors = [*form.password.errors, error.message]
        else:
            return after_passphrase(user, None)
    return render_template(
        "auth/set_passphrase.html",
        form=form,
        is_reset=found.purpose == InvitationPurpose.RESET,
    )


@bp.route("/reset-passphrase", methods=["GET", "POST"])
@limiter.limit(CODE_PER_IP, key_func=ip_key, methods=["POST"])
@limiter.limit(CODE_PER_IDENTIFIER, key_func=identifier_key, methods=["POST"])
@public
def reset_passphrase() -> Response | str:
    """Ask for a one-time code; the same answer whether or not anything was sent."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        passphrase_reset.request_reset(db.session(), form.identifier.data)
        return redirect(url_for("auth.reset_passphrase_sent"))
    return render_template("auth/reset_request.html", form=form)


@bp.get("/reset-passphrase/sent")
@public
def reset_passphrase_sent() -> str:
    return render_template("auth/reset_sent.html")
