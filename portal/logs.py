"""Request ids and log hygiene.

Every request gets a fresh random id (never taken from the client): it is put in ``g``, sent back
as ``X-Request-Id``, stamped on every log record and on audit rows, so a support question can be
traced through the logs without any log line holding content.

Werkzeug's access log line is the request line (method, path, query string), never a body.
Case paths hold only UUIDs, which are kept; a query string (``next=``, a search) and a
token-like path segment (the token of an invitation link) are removed from that line.
SQLAlchemy's DEBUG logging of result rows (decrypted values) is always dropped; its statement
parameters are hidden by the engine option ``hide_parameters``.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from flask import Flask, Response, g, has_request_context

REQUEST_ID_HEADER = "X-Request-Id"


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request (CLI, worker)."""
    if not has_request_context():
        return None
    return g.get("request_id")


def _install_record_factory() -> None:
    """Stamp ``record.request_id`` ("-" outside a request) on every log record, whichever
    handler ends up writing it."""
    base = logging.getLogRecordFactory()
    if getattr(base, "_waypoint", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        record.request_id = current_request_id() or "-"
        return record

    factory._waypoint = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


LOG_FORMAT = "%(levelname)s:%(name)s:[%(request_id)s] %(message)s"


class AccessLogScrubber(logging.Filter):
    """Removes query strings and token-like path segments (an invitation link's token) from
    werkzeug's access log line; ids (UUIDs) and ordinary words are kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                scrub_request_line(a) if isinstance(a, str) else a for a in record.args
            )
        return True


_QUERY = re.compile(r"\?[^\s\x1b\"]*")
_SEGMENT = re.compile(r"/([A-Za-z0-9_-]{20,})(?=[/?\s\x1b\"]|$)")
# A signed token (itsdangerous: payload.signature), e.g. an email's unsubscribe link.
_SIGNED = re.compile(r"/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}(?=[/?\s\x1b\"]|$)")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _token_like(segment: str) -> bool:
    """Random tokens mix in digits, capitals or underscores; readable slugs are lower-case."""
    if _UUID.match(segment):
        return False
    return any(c.isdigit() or c.isupper() or c == "_" for c in segment)


def scrub_request_line(line: str) -> str:
    """'GET /invitation/AbC..?next=/x HTTP/1.1' -> 'GET /invitation/[token]?[removed] HTTP/1.1'."""
    line = _QUERY.sub("?[removed]", line)
    line = _SIGNED.sub("/[token]", line)
    return _SEGMENT.sub(lambda m: "/[token]" if _token_like(m.group(1)) else m.group(0), line)


class DropResultRows(logging.Filter):
    """SQLAlchemy at DEBUG logs every result row *after* decryption (names, emails, phone
    numbers in plain text): those records never pass, whatever the log level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


_rows = DropResultRows()
_scrubber = AccessLogScrubber()


def init_app(app: Flask) -> None:
    werkzeug_log = logging.getLogger("werkzeug")
    if _scrubber not in werkzeug_log.filters:
        werkzeug_log.addFilter(_scrubber)
    engine_log = logging.getLogger("sqlalchemy.engine.Engine")
    if _rows not in engine_log.filters:
        engine_log.addFilter(_rows)
    _install_record_factory()
    for handler in logging.getLogger().handlers:
        # logging.basicConfig's plain format gains the request id.
        if handler.formatter is not None and handler.formatter._fmt == logging.BASIC_FORMAT:
            handler.setFormatter(logging.Formatter(LOG_FORMAT))

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = secrets.token_hex(16)

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        # An early failure (a bad CSRF token) can skip before_request hooks: give it an id too.
        request_id = g.setdefault("request_id", secrets.token_hex(16))
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
