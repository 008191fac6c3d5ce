"""can() against a hand-written truth table, on plain objects (no database needed)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from portal.clock import utcnow
from portal.models import Assignment, Case, Organisation, Role, User
from portal.rules import Action, can

NOW = utcnow()
DAY = timedelta(days=1)
A = Action


def _org() -> Organisation:
    return Organisation(id=uuid.uuid4(), name="Service")


ORG_A, ORG_B = _org(), _org()


def _user(org: Organisation, role: Role, enabled: bool = True) -> User:
    return User(id=uuid.uuid4(), organisation_id=org.id, role=role, is_enabled=enabled)


PEOPLE = {
    "victim": _user(ORG_A, Role.VICTIM),
    "other_victim": _user(ORG_A, Role.VICTIM),
    "assigned_isva": _user(ORG_A, Role.ISVA),
    "reassigned_away_isva": _user(ORG_A, Role.ISVA),
    "future_isva": _user(ORG_A, Role.ISVA),
    "unassigned_isva": _user(ORG_A, Role.ISVA),
    "supervisor": _user(ORG_A, Role.SUPERVISOR),
    "admin": _user(ORG_A, Role.ADMIN),
    "other_org_supervisor": _user(ORG_B, Role.SUPERVISOR),
    "other_org_isva": _user(ORG_B, Role.ISVA),
    "other_org_admin": _user(ORG_B, Role.ADMIN),
    "disabled_victim": _user(ORG_A, Role.VICTIM, enabled=False),
    "disabled_assigned_isva": _user(ORG_A, Role.ISVA, enabled=False),
    "disabled_supervisor": _user(ORG_A, Role.SUPERVISOR, enabled=False),
}
P = PEOPLE


def _assignment(isva: User, starts, ends=None) -> Assignment:
    return Assignment(id=uuid.uuid4(), isva_id=isva.id, starts_at=starts, ends_at=ends)


CASE = Case(
    id=uuid.uuid4(),
    organisation_id=ORG_A.id,
    victim_id=P["victim"].id,
    reference="A-1",
    opened_at=NOW - 30 * DAY,
    assignments=[
        _assignment(P["reassigned_away_isva"], NOW - 30 * DAY, NOW - 2 * DAY),
        _assignment(P["assigned_isva"], NOW - 2 * DAY),
        _assignment(P["disabled_assigned_isva"], NOW - 2 * DAY),
        _assignment(P["future_isva"], NOW + 2 * DAY),
    ],
)
# The disabled victim's own case: being disabled must still win.
DISABLED_VICTIMS_CASE = Case(
    id=uuid.uuid4(), organisation_id=ORG_A.id, victim_id=P["disabled_victim"].id, assignments=[]
)

NOTHING: frozenset[Action] = frozenset()
VICTIM_OWN = frozenset(
    {
        A.VIEW_CASE,
        A.VIEW_CASE_CONTENT,
        A.VIEW_MESSAGES,
        A.SEND_MESSAGE,
        A.VIEW_CONTACT_DETAILS,
        A.SEE_WHO_VIEWED,
    }
)
ASSIGNED = frozenset(
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
)
SUPERVISING = frozenset(
    {
        A.VIEW_CASE,
        A.VIEW_CASE_CONTENT,
        A.VIEW_MESSAGES,
        A.VIEW_CONTACT_DETAILS,
        A.ASSIGN,
        A.VIEW_AUDIT,
        A.RECORD_TOLD,
    }
)

# Who may do what to CASE, right now. Everything not listed is refused.
CASE_TRUTH = {
    "victim": VICTIM_OWN,
    "other_victim": NOTHING,
    "assigned_isva": ASSIGNED,
    "reassigned_away_isva": NOTHING,
    "future_isva": NOTHING,
    "unassigned_isva": NOTHING,
    "supervisor": SUPERVISING,
    "admin": NOTHING,  # least privilege: never case content, not even the summary
    "other_org_supervisor": NOTHING,
    "other_org_isva": NOTHING,
    "other_org_admin": NOTHING,
    "disabled_victim": NOTHING,
    "disabled_assigned_isva": NOTHING,
    "disabled_supervisor": NOTHING,
}

ORG_TRUTH = {
    "supervisor": frozenset({A.VIEW_AUDIT, A.ASSIGN, A.MANAGE_STAFF}),
    "admin": frozenset({A.MANAGE_STAFF, A.MANAGE_ORGANISATION}),
}


@pytest.mark.parametrize("person", sorted(CASE_TRUTH))
@pytest.mark.parametrize("action", list(Action))
def test_case_truth_table(person, action):
    # At NOW, the instant the assignments above are relative to (the module was imported then).
    assert can(P[person], action, CASE, at=NOW) is (action in CASE_TRUTH[person])


@pytest.mark.parametrize("person", sorted(PEOPLE))
@pytest.mark.parametrize("action", list(Action))
def test_organisation_truth_table(person, action):
    expected = action in ORG_TRUTH.get(person, NOTHING)
    assert can(P[person], action, ORG_A) is expected
    # Nobody may act on another organisation.
    if PEOPLE[person].organisation_id == ORG_A.id:
        assert can(P[person], action, ORG_B) is False


@pytest.mark.parametrize(
    ("actor", "target", "expected"),
    [
        ("admin", "assigned_isva", True),
        ("admin", "supervisor", True),
        ("admin", "victim", False),  # victims are not staff accounts
        ("supervisor", "unassigned_isva", True),
        ("supervisor", "admin", False),
        ("supervisor", "victim", False),
        ("assigned_isva", "unassigned_isva", False),
        ("victim", "assigned_isva", False),
        ("other_org_admin", "assigned_isva", False),
        ("disabled_supervisor", "unassigned_isva", False),
    ],
)
def test_managing_staff_accounts(actor, target, expected):
    assert can(P[actor], Action.MANAGE_STAFF, P[target]) is expected
    assert can(P[actor], Action.VIEW_CASE, P[target]) is False


def test_assignment_windows_are_half_open_and_follow_the_clock():
    past, future = CASE.assignments[0], CASE.assignments[3]
    away, coming = P["reassigned_away_isva"], P["future_isva"]
    assert can(away, A.VIEW_CASE, CASE, at=past.starts_at) is True
    assert can(away, A.VIEW_CASE, CASE, at=past.ends_at - timedelta(microseconds=1)) is True
    assert can(away, A.VIEW_CASE, CASE, at=past.ends_at) is False
    assert can(coming, A.VIEW_CASE, CASE, at=future.starts_at - timedelta(seconds=1)) is False
    assert can(coming, A.VIEW_CASE, CASE, at=future.starts_at) is True


def test_disabled_victim_cannot_see_even_their_own_case():
    assert can(P["disabled_victim"], A.VIEW_CASE, DISABLED_VICTIMS_CASE) is False
    enabled_twin = _user(ORG_A, Role.VICTIM)
    DISABLED_VICTIMS_CASE.victim_id = enabled_twin.id
    try:
        assert can(enabled_twin, A.VIEW_CASE, DISABLED_VICTIMS_CASE) is True
    finally:
        DISABLED_VICTIMS_CASE.victim_id = P["disabled_victim"].id


@pytest.mark.parametrize("nobody", [None, AnonymousUserMixin()])
def test_anonymous_visitors_may_do_nothing(nobody):
    assert not any(can(nobody, action, CASE) for action in Action)
    assert not any(can(nobody, action, ORG_A) for action in Action)


def test_unknown_objects_are_refused():
    assert not any(can(P["supervisor"], action, object()) for action in Action)
    assert not any(can(P["supervisor"], action, "a case id") for action in Action)
