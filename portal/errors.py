"""Error pages that say what to do next, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PAGES = {
    400: (_l("Sorry, there is a problem with that request"), _l("Go back and try again.")),
    403: (_l("You cannot see this page"), _l("If you think you should, contact your ISVA.")),
    404: (
        _l("Page not found"),
        _l(
            "If you typed the web address, check it is correct. If you pasted it, check you "
            "copied all of it."
        ),
    ),
    405: (_l("Sorry, there is a problem with that request"), _l("Go back and try again.")),
    413: (
        _l("What you sent is too large"),
        _l("Go back, make it shorter, and try again. Nothing was saved."),
    ),
    429: (
        _l("Please wait a moment"),
        _l("There have been too many attempts. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. Nothing you wrote has been lost."),
    ),
}


FALLBACK = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Waypoint</title></head>"
    "<body><h1>Sorry, there is a problem with the service</h1>"
    "<p>Try again later. If you are in danger now, call 999.</p></body></html>"
)


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, advice = PAGES.get(code, PAGES[500 if code >= 500 else 400])
    try:
        page = render_template("errors/error.html", code=code, title=title, advice=detail or advice)
    except Exception:  # the error page itself failed (e.g. database down): plain fallback
        log.exception("error page could not be rendered")
        page = FALLBACK
    return page, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            str(
                _l(
                    "The form you sent had expired, or was sent from somewhere else. "
                    "Go back, reload the page and try again. Nothing was saved."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_error(code if code in PAGES else (500 if code >= 500 else 400))

    @app.errorhandler(Exception)
    def unhandled(error: Exception) -> tuple[str, int]:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
