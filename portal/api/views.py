"""Partner API views: authenticate, check the request's shape, call the service, answer JSON.

The order of checks is fixed, so every client sees the same answer for the same mistake:
rate limit (429), key (401), media type (415), size (413), JSON (400), fields (422), then
the service's idempotency (200/409), case (404/409) and result (201).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import IntegrityError

from portal.access import ACCESS_ATTR, public
from portal.api import bp, error_response
from portal.api.openapi import API_MAX_BYTES, document
from portal.extensions import db, limiter
from portal.services.partners import events as partner_events
from portal.services.partners import systems as partners
from portal.transaction import owns_transaction

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_RATE_LIMIT = "120/minute"


def api_key_required(view: F) -> F:
    """Access rule: reachable by anyone, acted on only with a live partner API key (checked
    inside the view, which answers 401 otherwise)."""
    setattr(view, ACCESS_ATTR, "api-key:partner")
    return view


def _rate_key() -> str:
    """Per key (by its public prefix); per address for requests without a well-formed key."""
    prefix = partners.key_prefix(request.headers.get("Authorization"))
    return f"api-key:{prefix}" if prefix else f"api-ip:{get_remote_address()}"


def _rate_limit() -> str:
    return str(current_app.config.get("PARTNER_API_RATE_LIMIT", DEFAULT_RATE_LIMIT))


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(document())


@bp.post("/case-events")
@owns_transaction  # commits in steps: the key's last use, then the event (a race shows on commit)
@api_key_required
@limiter.limit(_rate_limit, key_func=_rate_key)
def case_events() -> Response:
    session = db.session()
    # Every accepted request writes (the key's last use, the event): on SQLite take the write
    # lock up front, so two requests for one event id queue instead of deadlocking.
    # (A browser's session cookie may already have opened the transaction: partners send none.)
    if not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    key = partners.authenticate(session, request.headers.get("Authorization"))
    if key is None:
        session.rollback()
        return error_response(401)
    partner = key.partner
    if request.mimetype != "application/json":
        session.commit()  # the key's last use
        return error_response(415)
    request.max_content_length = API_MAX_BYTES
    raw = request.get_data(cache=False)  # 413 (JSON, via the blueprint) past the limit
    try:
        data = json.loads(raw)
    except ValueError:
        session.commit()
        return error_response(400)
    try:
        incoming = partner_events.parse(data, partner)
    except partner_events.InvalidPayloadError as invalid:
        session.commit()
        fields = [{"field": field, "message": msg} for field, msg in invalid.errors.items()]
        return error_response(422, "invalid_fields", "Some fields are not valid", errors=fields)
    try:
        received = partner_events.receive(session, partner, incoming)
        session.commit()
    except partner_events.RefusedError as refused:
        session.rollback()
        log.info("partner event refused: partner=%s code=%s", partner.id, refused.code)
        return error_response(refused.status, refused.code, refused.message)
    except IntegrityError:
        # The same event id arrived twice at once and the other request won: answer as a replay.
        session.rollback()
        return _after_race(incoming)
    log.info("partner event accepted: partner=%s status=%s", partner.id, received.status)
    response = jsonify(received.body)
    response.status_code = received.status
    return response


def _after_race(incoming: partner_events.CaseEventIn) -> Response:
    session = db.session()
    key = partners.authenticate(session, request.headers.get("Authorization"))
    if key is None:
        return error_response(401)
    try:
        received = partner_events.receive(session, key.partner, incoming)
        session.commit()
    except partner_events.RefusedError as refused:
        session.rollback()
        return error_response(refused.status, refused.code, refused.message)
    response = jsonify(received.body)
    response.status_code = received.status
    return response
