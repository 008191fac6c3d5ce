"""How each request finds its signed-in user: the cookie (Flask's signed session) carries a
random session token and nothing else; the token must match a live server-side session of an
enabled user, or the visitor is anonymous. An ended session sends the visitor to the plain
"you were signed out" page instead of the page they asked for.

Also the half-signed-in state between a correct passphrase and a correct TOTP code (or TOTP
enrolment), which is deliberately not a session: nothing but those pages accepts it.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from portal import transaction
from portal.access import access_rule
from portal.extensions import db, login_manager
from portal.models import SessionEndReason, User
from portal.services.accounts import sessions
from portal.services.accounts.sessions import Resolved, SessionLimits

SESSION_KEY = "sid"
PENDING_KEY = "pending"
PENDING_SECONDS = 10 * 60

log = logging.getLogger(__name__)

# We never use Flask-Login's own session keys; session fixation is handled by regeneration.
login_manager.session_protection = None


def limits() -> SessionLimits:
    cached = current_app.extensions.get("waypoint_session_limits")
    if cached is None:
        cached = SessionLimits.from_settings(current_app.config["WAYPOINT_SETTINGS"])
        current_app.extensions["waypoint_session_limits"] = cached
    return cached


def current() -> Resolved:
    """The session behind this request's cookie, resolved once per request."""
    if "waypoint_session" not in g:
        g.waypoint_session = sessions.resolve(db.session(), session.get(SESSION_KEY), limits())
    resolved: Resolved = g.waypoint_session
    return resolved


@login_manager.request_loader
def load_user_from_request(_request: Any) -> User | None:
    return current().user


def check_session() -> Response | None:
    """before_request: keep a live session fresh; turn an ended one into the signed-out page."""
    if request.endpoint == "static" or SESSION_KEY not in session:
        return None
    resolved = current()
    if resolved.record is not None:
        if db.session.dirty:  # only the last-seen time: kept whatever the view then does
            transaction.commit_before_work()
        return None
    session.clear()
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and access_rule(view) != "public":
        return redirect(url_for("auth.signed_out"))
    return None


def begin(user: User) -> None:
    """Sign this browser in as ``user`` with a brand-new token (the caller commits).

    Whatever session the browser had is revoked and the cookie's contents are dropped (the
    CSRF token too), so a token planted before sign-in is worthless afterwards.
    """
    sessions.revoke(db.session(), session.get(SESSION_KEY), SessionEndReason.REGENERATED)
    session.clear()
    token, record = sessions.start(db.session(), user, limits())
    session[SESSION_KEY] = token
    g.waypoint_session = Resolved(record, expired=False)


def end(reason: SessionEndReason) -> None:
    """Revoke this browser's session and forget everything in its cookie (caller commits)."""
    sessions.revoke(db.session(), session.get(SESSION_KEY), reason)
    session.clear()
    g.waypoint_session = Resolved(None, expired=False)


def end_for_exit() -> None:
    """Exit this page: end the session and commit; leaving must work even if the database
    does not (the cookie is dropped either way, so this browser is signed out regardless)."""
    try:
        end(SessionEndReason.EXITED)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        session.clear()
        log.warning("exit: could not record the end of the session")


def begin_pending(user: User, kind: str, next_path: str | None) -> None:
    """Passphrase right, second step still to do: remember who, briefly, but not as a session."""
    sessions.revoke(db.session(), session.get(SESSION_KEY), SessionEndReason.REGENERATED)
    session.clear()
    session[PENDING_KEY] = {
        "user": str(user.id),
        "kind": kind,
        "at": int(time.time()),
        "next": next_path or "",
    }


def pending(kind: str) -> tuple[User, str] | None:
    """The half-signed-in user for this step (``verify`` or ``enrol``) and where they go next."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("kind") != kind:
        return None
    try:
        user_id = uuid.UUID(str(data.get("user")))
        started = int(data.get("at", 0))
    except (TypeError, ValueError):
        return None
    if not 0 <= time.time() - started <= PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled or user.password_hash is None:
        return None
    return user, str(data.get("next") or "")


def seconds_remaining() -> int | None:
    record = current().record
    return sessions.seconds_remaining(record, limits()) if record is not None else None
