"""The case loader for views: ``case_route(action)`` guards every case-scoped view.

It loads the case named by ``case_id`` in the URL, asks the access rules (portal/rules.py:
``Action``, ``Audience``, ``can``, ``CaseRule``) for the signed-in user, answers 404 when the
answer is no (the same page as for an id that does not exist), and writes the audit row for the
denial, or for a member of staff's read, committed before the view's own work so that it
outlasts a refusal or a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from portal import transaction
from portal.access import ACCESS_ATTR
from portal.extensions import db, login_manager
from portal.logs import current_request_id
from portal.models import AuditOutcome, Case
from portal.rules import Action, Audience, CaseRule
from portal.services import audit

F = TypeVar("F", bound=Callable[..., Any])


CASE_RULE_ATTR = "_waypoint_case_rule"


def case_route(action: Action, audience: Audience = Audience.STAFF) -> Callable[[F], F]:
    """Load the URL's ``case_id`` for the signed-in user or answer 404; audit either way.

    The view is called as ``view(case, **other_url_values)``. Signed-out visitors are sent to
    sign in. The audit row is committed before the view runs; the view's own work is committed
    (or rolled back, if a service refused) once, by the request (``portal.transaction``).
    """
    rule = CaseRule(action, audience)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, case_id: uuid.UUID, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            user = current_user._get_current_object()
            case = db.session.get(Case, case_id)
            allowed = rule.allows(user, case)
            if allowed and not user.is_staff:
                return view(case, *args, **kwargs)
            audit.record(
                db.session(),
                actor=user,
                action=f"case.{action.value}",
                outcome=AuditOutcome.ALLOWED if allowed else AuditOutcome.DENIED,
                case=case,
                object_type="case",
                object_id=case_id,
                request_id=current_request_id(),
            )
            # The audit row outlasts whatever follows: the 404, or a view whose service refuses.
            transaction.commit_before_work()
            if not allowed:
                abort(404)
            return view(case, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, f"case:{action.value}:{audience.value}")
        setattr(wrapper, CASE_RULE_ATTR, rule)
        return wrapper  # type: ignore[return-value]

    return decorate


def case_rule(view: Callable[..., Any]) -> CaseRule | None:
    """The rule a case-scoped view was declared with (None for other views)."""
    return getattr(view, CASE_RULE_ATTR, None)
