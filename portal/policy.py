"""The access policy: may this user do this to this object? One place, written as data.

``can(user, action, obj)`` answers for cases, organisations and staff accounts. A user's
*relation* to a case (the victim it is about, its actively assigned ISVA, a supervisor or admin
of its organisation) selects a row of ``CASE_RULES``; anything not listed is refused. Disabled
accounts, anonymous visitors and other organisations get nothing.

``case_route(action)`` is the one loader every case-scoped view uses: it loads the case named
by ``case_id`` in the URL, asks ``can``, answers 404 when the answer is no (the same page as for
an id that does not exist), and writes the audit row for the denial, or for a member of staff's
read, committed before the view's own work so that it outlasts a refusal or a 404.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from types import MappingProxyType
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from portal import transaction
from portal.access import ACCESS_ATTR
from portal.clock import utcnow
from portal.extensions import db, login_manager
from portal.logs import current_request_id
from portal.models import AuditOutcome, Case, Organisation, Role, User
from portal.services import audit
from portal.services.messaging import availability

F = TypeVar("F", bound=Callable[..., Any])


class Action(enum.StrEnum):
    VIEW_CASE = "view_case"  # reference, status, dates, who is assigned
    VIEW_CASE_CONTENT = "view_case_content"  # updates and notes
    VIEW_MESSAGES = "view_messages"
    SEND_MESSAGE = "send_message"
    PUBLISH_UPDATE = "publish_update"
    # Record that the victim was told about an ISVA-first update in person or by phone.
    RECORD_TOLD = "record_told"
    VIEW_CONTACT_DETAILS = "view_contact_details"
    # Change how the victim is notified on their behalf (they asked their ISVA, e.g. by phone):
    # switch a channel off, category choices, quiet hours. Never switch a channel on.
    CHANGE_NOTIFICATIONS = "change_notifications"
    SEE_WHO_VIEWED = "see_who_viewed"  # the victim's view of staff reads of their case
    ASSIGN = "assign"
    VIEW_AUDIT = "view_audit"
    MANAGE_STAFF = "manage_staff"
    MANAGE_ORGANISATION = "manage_organisation"


class Relation(enum.StrEnum):
    """How a user stands to one case."""

    OWN_CASE = "own_case"  # the victim the case is about
    ASSIGNED_ISVA = "assigned_isva"  # the ISVA assigned to it right now
    ORG_SUPERVISOR = "org_supervisor"
    ORG_ADMIN = "org_admin"
    # Issue 6: an ISVA covering for the case's assigned ISVA while that ISVA is out of office
    # (portal/services/messaging/availability.py). Lasts exactly as long as the absence.
    COVER = "cover"


A = Action
CASE_RULES: Mapping[Relation, frozenset[Action]] = MappingProxyType(
    {
        Relation.OWN_CASE: frozenset(
            {
                A.VIEW_CASE,
                A.VIEW_CASE_CONTENT,
                A.VIEW_MESSAGES,
                A.SEND_MESSAGE,
                A.VIEW_CONTACT_DETAILS,
                A.SEE_WHO_VIEWED,
            }
        ),
        Relation.ASSIGNED_ISVA: frozenset(
            {
                A.VIEW_CASE,
                A.VIEW_CASE_CONTENT,
                A.VIEW_MESSAGES,
                A.SEND_MESSAGE,
                A.PUBLISH_UPDATE,
                A.RECORD_TOLD,
                A.VIEW_CONTACT_DETAILS,
                A.CHANGE_NOTIFICATIONS,
            }
        ),
        # Supervisors oversee: they read every case of their organisation, (re)assign it and
        # read its audit trail. Writing to the victim is the assigned ISVA's job; when an ISVA
        # is away the answer is a reassignment, which the trail then shows. A supervisor who
        # told the victim some news themselves may record it.
        Relation.ORG_SUPERVISOR: frozenset(
            {
                A.VIEW_CASE,
                A.VIEW_CASE_CONTENT,
                A.VIEW_MESSAGES,
                A.VIEW_CONTACT_DETAILS,
                A.ASSIGN,
                A.VIEW_AUDIT,
                A.RECORD_TOLD,
            }
        ),
        # Least privilege: admins run accounts and settings and never read case data.
        Relation.ORG_ADMIN: frozenset(),
        # Cover answers the conversation while the assigned ISVA is away; updates and contact
        # details stay with the assigned ISVA (or a reassignment, if the absence is long).
        Relation.COVER: frozenset({A.VIEW_CASE, A.VIEW_MESSAGES, A.SEND_MESSAGE}),
    }
)

ORGANISATION_RULES: Mapping[Role, frozenset[Action]] = MappingProxyType(
    {
        Role.SUPERVISOR: frozenset({A.VIEW_AUDIT, A.ASSIGN, A.MANAGE_STAFF}),
        Role.ADMIN: frozenset({A.MANAGE_STAFF, A.MANAGE_ORGANISATION}),
    }
)

# Whose staff account each role may manage (same organisation only). Victim accounts are
# created by ISVAs through invitations, which is not "managing staff".
STAFF_ACCOUNT_RULES: Mapping[Role, frozenset[Role]] = MappingProxyType(
    {
        Role.ADMIN: frozenset({Role.ISVA, Role.SUPERVISOR, Role.ADMIN}),
        Role.SUPERVISOR: frozenset({Role.ISVA}),
    }
)


def _usable(user: Any) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and isinstance(user, User)
        and bool(user.is_enabled)
    )


def relation_to_case(user: User, case: Case, at: datetime | None = None) -> Relation | None:
    """How ``user`` stands to ``case`` at ``at`` (now by default); None for no relation."""
    if user.organisation_id != case.organisation_id:
        return None
    role = Role(user.role)
    if role is Role.VICTIM:
        return Relation.OWN_CASE if case.victim_id == user.id else None
    if role is Role.ISVA:
        when = at or utcnow()
        active = any(a.isva_id == user.id and a.is_active(when) for a in case.assignments)
        if active:
            return Relation.ASSIGNED_ISVA
        # Issue 6: covering for the assigned ISVA while they are away (one query, ISVAs only).
        return Relation.COVER if availability.is_covering(user, case, when) else None
    if role is Role.SUPERVISOR:
        return Relation.ORG_SUPERVISOR
    if role is Role.ADMIN:
        return Relation.ORG_ADMIN
    return None


def can(user: Any, action: Action, obj: object, at: datetime | None = None) -> bool:
    """May ``user`` do ``action`` to ``obj`` (a Case, Organisation or staff User) at ``at``?"""
    if not _usable(user):
        return False
    if isinstance(obj, Case):
        relation = relation_to_case(user, obj, at)
        return relation is not None and action in CASE_RULES[relation]
    if isinstance(obj, Organisation):
        return obj.id == user.organisation_id and action in ORGANISATION_RULES.get(
            Role(user.role), frozenset()
        )
    if isinstance(obj, User):
        return (
            action is Action.MANAGE_STAFF
            and obj.organisation_id == user.organisation_id
            and Role(obj.role) in STAFF_ACCOUNT_RULES.get(Role(user.role), frozenset())
        )
    return False


# --- the loader for case-scoped views ----------------------------------------------------------


class Audience(enum.StrEnum):
    """Which side of the portal a case page belongs to: a victim's page is never served to
    staff (and the other way round), even where the policy would let them see the data."""

    STAFF = "staff"
    VICTIM = "victim"


AUDIENCE_ROLES: Mapping[Audience, frozenset[Role]] = MappingProxyType(
    {
        Audience.STAFF: frozenset({Role.ISVA, Role.SUPERVISOR, Role.ADMIN}),
        Audience.VICTIM: frozenset({Role.VICTIM}),
    }
)


@dataclass(frozen=True)
class CaseRule:
    action: Action
    audience: Audience

    def allows(self, user: Any, case: Case | None, at: datetime | None = None) -> bool:
        """What the loader decides for this user and case (None: no such case)."""
        return (
            case is not None
            and _usable(user)
            and Role(user.role) in AUDIENCE_ROLES[self.audience]
            and can(user, self.action, case, at)
        )


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
