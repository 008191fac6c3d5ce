"""One transaction owner per web request: the request commits once, or rolls back.

Services never commit, and views do not either: once the view has answered, ``finish`` (an
``after_request`` hook) commits what the request wrote if it succeeded, and rolls all of it
back otherwise. Success is a response under 400 (a redirect after POST included) from a
request in which no service refused. A refusal (``portal.refusal.Refusal``, the base of every
service's domain error) marks the request, so a service that wrote part of its work before it
said no leaves nothing behind, even when the view catches the refusal and shows the form again
with a 200. 4xx and 5xx answers roll back too; an exception that escapes is rolled back by the
session's removal at teardown (``portal.db.end_request_transaction``).

What must outlast a refusal or a denial (the audit row of a refused case read, the session's
last-seen time) is written before the view's work starts and committed as its own step with
``commit_before_work``. CLI commands and workers are not requests: they keep their own
explicit transactions. A view that must commit in steps of its own (the partner API answers a
race on commit) says so with ``@owns_transaction``, and this owner leaves its requests alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.refusal import REFUSED_FLAG

F = TypeVar("F", bound=Callable[..., Any])

OWNS_TRANSACTION_ATTR = "_waypoint_owns_transaction"


def init_app(app: Flask) -> None:
    app.after_request(finish)


def refused() -> None:
    """Mark this request as refused, for a "no" that is not a ``Refusal`` (nothing else to do
    when the refusal is one: raising it marks the request)."""
    if has_request_context():
        setattr(g, REFUSED_FLAG, True)


def was_refused() -> bool:
    return bool(g.get(REFUSED_FLAG, False))


def commit_before_work() -> None:
    """Commit, as a step of its own, what the request has written *before* the view's work:
    rows that must survive whatever the view then does (refuse, fail, answer 404). Called by
    the guards that run before a view (the case loader's audit row, the session check);
    calling it after a service has written would defeat the rollback of a refusal.

    What was loaded stays loaded (no expiry): the view goes on with the same objects, as it
    would inside one transaction, instead of reloading the case and the user row by row."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def owns_transaction(view: F) -> F:
    """Declare that ``view`` commits and rolls back itself (and why, in its docstring)."""
    setattr(view, OWNS_TRANSACTION_ATTR, True)
    return view


def _view_owns_transaction() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, OWNS_TRANSACTION_ATTR, False))


def finish(response: Response) -> Response:
    """after_request: commit the request's work on success, roll it back otherwise."""
    if not db.session.registry.has() or _view_owns_transaction():
        return response  # nothing touched the database (or the view owns its transaction)
    if response.status_code >= 400 or was_refused():
        db.session.rollback()
    else:
        db.session.commit()
    return response
