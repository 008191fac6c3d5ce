"""The partner API (/api/v1): JSON in, JSON out, authenticated by per-partner API keys.

CSRF does not apply (no cookies are used: a key in the Authorization header is the only
credential), and errors are JSON, never the HTML error pages. See ``views`` and ``openapi``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from portal.extensions import csrf

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MESSAGES = {
    400: ("invalid_json", "The body is not valid JSON"),
    401: ("unauthorised", "A valid API key is required"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("too_large", "The body is too large"),
    415: ("unsupported_media_type", "Send the body as application/json"),
    429: ("rate_limited", "Too many requests: wait a minute, then try again"),
}


def error_response(
    status: int, code: str | None = None, message: str | None = None, **extra: Any
) -> Response:
    default_code, default_message = MESSAGES.get(status, ("error", "Something went wrong"))
    response = jsonify(
        {"code": code or default_code, "message": message or default_message, **extra}
    )
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="waypoint"'
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return error_response(status if status in MESSAGES else 500)


def _unhandled(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unhandled API error", exc_info=error)
    return error_response(500, "server_error", "Something went wrong on our side")


bp.register_error_handler(HTTPException, _http_error)
bp.register_error_handler(Exception, _unhandled)


def init_app(app: Flask) -> None:
    """Register the blueprint, and answer JSON for unknown /api/ addresses and methods (those
    fail before a blueprint is chosen, so the blueprint's own handlers never see them)."""
    from portal import errors
    from portal.api import views  # noqa: F401  (routes)

    app.register_blueprint(bp)

    def routing_error(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return _http_error(error)
        return errors.render_error(error.code or 404)

    app.register_error_handler(404, routing_error)
    app.register_error_handler(405, routing_error)
