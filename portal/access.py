"""Every route declares who may reach it, explicitly (tests/portal/test_access_rules.py walks
app.url_map and fails on any view without a rule).

``public`` marks a route anyone may reach. ``role_required`` admits signed-in users of the given
roles; anyone else signed in gets a 404 (never a 403: no hint that the page exists), and a
visitor who is not signed in is sent to sign in. Object-level checks (may this user see this
case?) live in the access-policy module and its loader; this is the coarse first gate.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from portal.extensions import login_manager
from portal.models import Role

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "_waypoint_access"


def public(view: F) -> F:
    setattr(view, ACCESS_ATTR, "public")
    return view


def role_required(*roles: Role) -> Callable[[F], F]:
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if Role(current_user.role) not in allowed:
                abort(404)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, "roles:" + ",".join(sorted(r.value for r in allowed)))
        return wrapper  # type: ignore[return-value]

    return decorate


def access_rule(view: Callable[..., Any]) -> str | None:
    return getattr(view, ACCESS_ATTR, None)
