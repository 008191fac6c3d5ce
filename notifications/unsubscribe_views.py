"""/unsubscribe/<token>: the address every email's List-Unsubscribe header points to.

- GET changes nothing (mail scanners and link previews follow GETs): a neutral page with a
  "Stop emails" button.
- POST turns the email contact point off. Mail providers send it with the body
  ``List-Unsubscribe=One-Click`` and no cookies (RFC 8058), so this one route is exempt from
  CSRF: the signed token in the address is the only authority, and it can only turn emails
  off, never on. A second POST is harmless. The browser's button posts the same body.
- A token that is not ours, altered, or for an address since replaced: a neutral 404 page,
  nothing changed.

Both are public (no session needed), rate-limited per IP address, and never name the service's
purpose or the person. Turning emails off is recorded in the consent log (source "email_link");
it reads no case data, so there is no audit row.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response

from notifications.models import ContactPoint
from notifications.unsubscribe import accepted_keys, point_for_token, stop_emails
from portal.access import public
from portal.extensions import csrf, db, limiter
from portal.models import User
from portal.throttle import failed, ip_key, mark_failed

bp = Blueprint("unsubscribe", __name__)

# Generous enough for a mail provider posting for many people from one address; the stricter
# limit counts only links that did not work (a signed token cannot be guessed, but a flood of
# made-up ones is still refused).
UNSUBSCRIBE_PER_IP = "120 per minute"
UNSUBSCRIBE_FAILED_PER_IP = "10 per minute; 100 per hour"


def _point(token: str) -> ContactPoint | None:
    keys = accepted_keys(current_app.config["WAYPOINT_SETTINGS"])
    point = point_for_token(db.session(), keys, token)
    if point is None:
        mark_failed()
    return point


def _invalid() -> tuple[str, int]:
    return render_template("unsubscribe/invalid.html"), 404


@bp.get("/unsubscribe/<token>")
@limiter.limit(UNSUBSCRIBE_PER_IP, key_func=ip_key)
@limiter.limit(UNSUBSCRIBE_FAILED_PER_IP, key_func=ip_key, deduct_when=failed)
@public
def confirm(token: str) -> str | tuple[str, int]:
    point = _point(token)
    if point is None:
        return _invalid()
    if not point.enabled:
        return _stopped(point)
    return render_template("unsubscribe/confirm.html", token=token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
@limiter.limit(UNSUBSCRIBE_PER_IP, key_func=ip_key)
@limiter.limit(UNSUBSCRIBE_FAILED_PER_IP, key_func=ip_key, deduct_when=failed)
@public
def stop(token: str) -> str | tuple[str, int] | Response:
    session = db.session()
    point = _point(token)
    if point is None:
        return _invalid()
    stop_emails(session, point)
    return _stopped(point)


def _stopped(point: ContactPoint) -> str:
    user = db.session.get(User, point.user_id)
    return render_template("unsubscribe/stopped.html", staff=bool(user and user.is_staff))
