"""``Refusal``: the one base class of every "no" a service gives (the domain errors).

A low module (Flask's ``g`` and nothing of ours) so that every service, and anything below the
services, can subclass it without an upward import.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context

REFUSED_FLAG = "waypoint_refused"


class Refusal(Exception):  # noqa: N818 (the base of the *Error classes; named for what it is)
    """A service declined to do what it was asked (a rule said no, the input was wrong).

    Raising one inside a web request marks the request as refused, so the request's
    transaction owner (``portal.transaction``) rolls back everything the request wrote, even
    when the view catches the refusal and shows the form again with a 200: a service may have
    written part of its work before it found the reason to say no. (Marked on creation, as
    Python has no hook on ``raise``; services create refusals only to raise them.)
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if has_request_context():
            setattr(g, REFUSED_FLAG, True)
