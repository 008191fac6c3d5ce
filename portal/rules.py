"""The access rules: may this user do this to this object? One place, written as data.

``can(user, action, obj)`` answers for cases, organisations and staff accounts. A user's
*relation* to a case (the victim it is about, its actively assigned ISVA, a supervisor or admin
of its organisation, an ISVA covering for the assigned one) selects a row of ``CASE_RULES``;
anything not listed is refused. Disabled accounts, anonymous visitors and other organisations
get nothing.

No Flask here and no request: services ask these rules about the objects they are given, and
the case loader for views (``case_route`` in portal/policy.py) asks them for the signed-in user.
The one question that needs the database, whether an ISVA is covering for an absent colleague,
goes through the case's own session (``availability.is_covering``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from portal.clock import utcnow
from portal.models import Case, Organisation, Role, User
from portal.services.messaging import availability


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
