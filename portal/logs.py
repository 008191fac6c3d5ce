"""Request ids and log hygiene.

Every request gets a fresh random id (never taken from the client): it is put in ``g``, sent back
as ``X-Request-Id``, stamped on every log record and on audit rows, so a support question can be
traced through the logs without any log line holding content.

Werkzeug's access log line is the request line (method, path, query string) and never a body.
Paths hold only UUIDs; a query string could hold ``next=`` or a search term, so the access log
keeps the path and drops the query string.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, g, has_request_context

REQUEST_ID_HEADER = "X-Request-Id"


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request (CLI, worker)."""
    if not has_request_context():
        return None
    return g.get("request_id")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` ("-" outside a request) so formatters can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class AccessLogQueryScrubber(logging.Filter):
    """Drops the query string from werkzeug's access log request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            line = record.args[0]
            if "?" in line:
                method, _, rest = line.partition(" ")
                target, _, protocol = rest.partition(" ")
                path = target.split("?", 1)[0]
                record.args = (f"{method} {path}?[removed] {protocol}".strip(), *record.args[1:])
        return True


_scrubber = AccessLogQueryScrubber()
_request_ids = RequestIdFilter()


def init_app(app: Flask) -> None:
    werkzeug_log = logging.getLogger("werkzeug")
    if _scrubber not in werkzeug_log.filters:
        werkzeug_log.addFilter(_scrubber)
    for handler in logging.getLogger().handlers:
        if _request_ids not in handler.filters:
            handler.addFilter(_request_ids)

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = secrets.token_hex(16)

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        # An early failure (a bad CSRF token) can skip before_request hooks: give it an id too.
        request_id = g.setdefault("request_id", secrets.token_hex(16))
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
