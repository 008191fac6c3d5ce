"""Twilio webhooks: delivery status callbacks and inbound SMS keywords.

Both check ``X-Twilio-Signature`` with Twilio's RequestValidator against the configured public
URL (PUBLIC_BASE_URL + path + query), not ``request.url``, which differs behind a proxy. A bad
or missing signature gets 403 and changes nothing. Callbacks only validate and record: a status
moves one way (a late "sent" never overwrites "delivered"), so replays are harmless. Inbound
messages are never stored: the portal is not an SMS inbox.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from notifications import delivery
from notifications.config import WorkerConfig, base_url
from notifications.contacts import points_for_number, record_opt_in, record_opt_out
from notifications.models import NOTIFICATIONS, ConsentSource, DeliveryAttempt, Notification
from notifications.providers import twilio_codes
from notifications.providers.base import OPTED_OUT, RETRY
from notifications.recording import backoff, fail_permanently
from notifications.render import check_neutral
from portal.access import ACCESS_ATTR
from portal.clock import utcnow
from portal.config import Settings
from portal.extensions import csrf, db
from portal.normalise import InvalidIdentifierError, normalise_phone

log = logging.getLogger("notifications.webhooks")
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
F = TypeVar("F", bound=Callable[..., Any])

STOP_WORDS = {"STOP", "UNSUBSCRIBE", "END", "QUIT", "STOPALL", "REVOKE", "OPTOUT", "CANCEL"}
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}
E164 = re.compile(r"\+[1-9]\d{6,14}")


def signed_webhook(view: F) -> F:
    """Access rule for provider callbacks: anyone may call, but only a request carrying a
    valid provider signature is acted on (checked inside the view)."""
    setattr(view, ACCESS_ATTR, "webhook:twilio-signature")
    return view


def _settings() -> Settings:
    return current_app.config["WAYPOINT_SETTINGS"]


def _signature_ok() -> bool:
    settings = _settings()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    url = base_url(settings) + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    return bool(validator.validate(url, request.form.to_dict(), signature))


def _twiml(message: str | None = None) -> Response:
    body = '<?xml version="1.0" encoding="UTF-8"?><Response>'
    if message:
        check_neutral(message)
        body += f"<Message>{escape(message)}</Message>"
    body += "</Response>"
    return Response(body, mimetype="text/xml")


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text or "")
    except ValueError:
        return None


@bp.post("/twilio/status")
@csrf.exempt
@signed_webhook
def twilio_status() -> Response:
    if not _signature_ok():
        abort(403)
    notification_id = _uuid(request.args.get("n"))
    attempt_id = _uuid(request.args.get("a"))
    status = request.form.get("MessageStatus", "")
    sid = request.form.get("MessageSid", "")
    code_text = request.form.get("ErrorCode", "")
    session = db.session()
    lead = session.get(Notification, notification_id) if notification_id else None
    attempt = session.get(DeliveryAttempt, attempt_id) if attempt_id else None
    if lead is None or attempt is None or attempt.notification_id != lead.id:
        return Response(status=204)
    now = utcnow()
    if not attempt.provider_id and sid:
        attempt.provider_id = sid
    if not attempt.history or attempt.history[-1][0] != f"callback:{status}":
        attempt.history = [*(attempt.history or []), [f"callback:{status}", now.isoformat()]]
    latest = session.scalar(
        db.select(db.func.max(DeliveryAttempt.number)).where(
            DeliveryAttempt.notification_id == lead.id
        )
    )
    if attempt.number == latest:
        _apply_status(lead, attempt, status, sid, code_text, now)
    log.info("status callback for notification %s attempt %s: %s", lead.id, attempt.id, status)
    return Response(status=204)


def _apply_status(
    lead: Notification, attempt: DeliveryAttempt, status: str, sid: str, code_text: str, now: Any
) -> None:
    """Callbacks may arrive out of order and be replayed: the state machine moves "sent" only
    a send in flight, and no callback revives a send already failed or due for a retry."""
    session = db.session()
    if status == "sent":
        moved = delivery.move(
            session,
            lead,
            delivery.CALLBACK_SENT,
            now,
            [],
            sent_at=lead.sent_at or now,
            provider_id=lead.provider_id or sid,
            lease_until=None,
        )
        if moved:
            _move_followers(session, lead, delivery.CALLBACK_SENT, sent_at=now, updated_at=now)
    elif status == "delivered":
        moved = delivery.move(
            session,
            lead,
            delivery.DELIVERED,
            now,
            [],
            delivered_at=now,
            provider_id=lead.provider_id or sid,
            lease_until=None,
            secret=None,
        )
        if moved:
            _move_followers(session, lead, delivery.DELIVERED, delivered_at=now, updated_at=now)
    elif status in ("undelivered", "failed") and delivery.can(lead.status, delivery.UNDELIVERED):
        delivery.record_callback(attempt, status)
        _undelivered(session, lead, status, code_text, now)


def _move_followers(session: Any, lead: Notification, step: delivery.Move, **values: Any) -> None:
    """The rows coalesced into the lead make the same move, in one statement."""
    session.execute(
        delivery.move_statement(step, NOTIFICATIONS.c.coalesced_into_id == lead.id, **values)
    )


def _undelivered(session: Any, lead: Notification, status: str, code_text: str, now: Any) -> None:
    """Twilio could not deliver: try again later if its code says so and attempts remain,
    else a permanent failure (an opt-out recorded as one)."""
    code = int(code_text) if code_text.isdigit() else None
    action = twilio_codes.classify(code, None)
    config = WorkerConfig.from_app(current_app)
    if action == RETRY and lead.attempts < config.NOTIFY_MAX_ATTEMPTS:
        delivery.move(
            session,
            lead,
            delivery.UNDELIVERED_TRY_AGAIN,
            now,
            None,
            not_before=now + timedelta(seconds=backoff(lead.attempts, config)),
            last_error_code=code_text or status,
            lease_until=None,
            claimed_by=None,
        )
    else:
        fail_permanently(
            session,
            lead,
            now,
            code_text or status,
            opted_out=action == OPTED_OUT,
            step=delivery.UNDELIVERED,
        )


def _e164(text: str) -> str | None:
    """Twilio sends From in E.164, the form contact points are stored in."""
    text = text.strip()
    if E164.fullmatch(text):
        return text
    try:
        return normalise_phone(text)
    except InvalidIdentifierError:
        return None


@bp.post("/twilio/inbound")
@csrf.exempt
@signed_webhook
def twilio_inbound() -> Response:
    if not _signature_ok():
        abort(403)
    settings = _settings()
    word = " ".join(request.form.get("Body", "").split()).upper()
    number = _e164(request.form.get("From", ""))
    points = points_for_number(db.session(), number) if number else []
    if word in STOP_WORDS:
        for point in points:
            record_opt_out(db.session(), point, source=ConsentSource.SMS_KEYWORD)
        log.info("inbound STOP applied to %d contact point(s)", len(points))
        return _twiml()
    if word in START_WORDS:
        for point in points:
            record_opt_in(db.session(), point, source=ConsentSource.SMS_KEYWORD)
        return _twiml()
    if word in HELP_WORDS:
        return _twiml(
            f"{settings.SERVICE_NAME}: sign in at {base_url(settings)} to see what is new "
            "or change your settings. Reply STOP to stop texts."
        )
    return _twiml(f"Replies to this number are not read. Please sign in at {base_url(settings)}")
