"""Pages anyone may reach: the start page, Exit this page, health, language and help pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response as BaseResponse

from portal.access import public
from portal.auth import loader as auth_session
from portal.extensions import SUPPORTED_LOCALES, db
from portal.services.accounts import credentials as accounts
from portal.transaction import owns_transaction
from portal.urls import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
@public
def index() -> BaseResponse:
    return redirect(url_for("auth.sign_in"))


@bp.get("/exit")
@owns_transaction  # leaving must work even when the database does not (loader.end_for_exit)
@public
def exit_page() -> BaseResponse:
    """Exit this page: end any session at once and go to a neutral site.

    A link (not a form) so it works without JavaScript; the script replaces the current
    history entry so the portal is not one tap back.
    """
    from portal.services.accounts.organisation_settings import exit_url_for_signed_in_user

    target = exit_url_for_signed_in_user(current_app.config["WAYPOINT_SETTINGS"].EXIT_URL)
    auth_session.end_for_exit()  # revokes the server-side session too
    response = redirect(target, code=303)
    response.delete_cookie(current_app.config["SESSION_COOKIE_NAME"], path="/")
    return response


@bp.get("/healthz")
@public
def healthz() -> Response:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not ready"; details stay in our logs
        current_app.logger.warning("health check: database unreachable")
        return Response("unavailable\n", status=503, mimetype="text/plain")
    return Response("ok\n", status=200, mimetype="text/plain")


@bp.get("/language/<code>")
@public
def language(code: str) -> BaseResponse:
    """Remember the chosen language: a preference cookie (it holds nothing about anyone) and,
    for a signed-in victim, their stored language, which outranks the cookie on every device.
    A link, like the cookie switch before it: the only effect is the language pages, texts and
    emails are in, which the victim can change back at once."""
    target = safe_next(request.args.get("next"), url_for("public.index"))
    response = redirect(target)
    if code in SUPPORTED_LOCALES:
        if current_user.is_authenticated:
            accounts.set_language(current_user, code)  # committed with the request
        settings = current_app.config["WAYPOINT_SETTINGS"]
        response.set_cookie(
            "lang",
            code,
            samesite="Lax",
            secure=settings.uses_https,
            httponly=True,
            max_age=60 * 60 * 24 * 365,
        )
    return response


@bp.get("/help/using-this-service-safely")
@public
def safety() -> str:
    return render_template("public/safety.html")


@bp.get("/help/accessibility")
@public
def accessibility() -> str:
    return render_template("public/accessibility.html")
