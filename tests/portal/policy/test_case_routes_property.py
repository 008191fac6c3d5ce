"""Property: for any organisations, people, cases and assignments, every case-scoped route
answers exactly what the policy says (200 when allowed, else 404; a disabled account is
signed out, so it is sent to sign in)."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.clock import utcnow
from portal.models import Assignment, Case, Role
from portal.policy import case_rule
from tests.support.factories import make_case, make_org, make_user

# Assignment windows relative to now, in hours: (start, end or None).
WINDOWS = {
    "active_open": (-48, None),
    "active_ending_later": (-48, 48),
    "ended": (-96, -24),
    "future": (24, None),
    "future_bounded": (24, 72),
}

people = st.lists(
    st.tuples(
        st.integers(0, 1),  # organisation
        st.sampled_from(list(Role)),
        st.booleans() | st.just(True),  # enabled (mostly)
    ),
    min_size=1,
    max_size=4,
)
cases = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 5)), min_size=1, max_size=2)
assignments = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 5), st.sampled_from(sorted(WINDOWS))),
    max_size=5,
)


def case_routes(app):
    """Every GET route declared through the case loader whose only URL value is the case id,
    found from the url_map (routes that also name an update or a message need that object;
    their own tests cover them)."""
    found = []
    for rule in app.url_map.iter_rules():
        declared = case_rule(app.view_functions[rule.endpoint])
        if declared is not None and "GET" in (rule.methods or ()) and rule.arguments == {"case_id"}:
            found.append((rule.endpoint, declared))
    return found


@settings(
    # Each example makes (people x cases x routes) requests: up to ~200, so a few examples
    # cover every route for every role; WAYPOINT_PROPERTY_EXAMPLES=50 explores far more.
    max_examples=int(os.environ.get("WAYPOINT_PROPERTY_EXAMPLES", "4")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=people, cases=cases, assignments=assignments)
def test_every_case_route_allows_exactly_what_the_policy_says(
    app, session, client_request, login_as, people, cases, assignments
):
    routes = case_routes(app)
    assert len(routes) >= 4
    orgs = [make_org(session), make_org(session)]
    users = []
    for org_index, role, enabled in people:
        user = make_user(session, orgs[org_index], role)
        user.is_enabled = enabled
        users.append(user)
    now = utcnow()
    made_cases: list[Case] = []
    for org_index, victim_index in cases:
        org = orgs[org_index]
        victims = [u for u in users if u.role == Role.VICTIM and u.organisation_id == org.id]
        victim = victims[victim_index % len(victims)] if victims else make_user(session, org)
        made_cases.append(make_case(session, org, victim))
    isvas = [u for u in users if u.role == Role.ISVA]
    for case_index, isva_index, window in assignments:
        if not isvas:
            break
        start, end = WINDOWS[window]
        session.add(
            Assignment(
                case_id=made_cases[case_index % len(made_cases)].id,
                isva_id=isvas[isva_index % len(isvas)].id,
                starts_at=now + timedelta(hours=start),
                ends_at=now + timedelta(hours=end) if end is not None else None,
            )
        )
    session.flush()
    session.expire_all()

    missing = uuid.uuid4()
    for user in users:
        login_as(user)
        for case in [*made_cases, None]:
            for endpoint, rule in routes:
                response = client_request.get_response(
                    endpoint, case_id=case.id if case is not None else missing
                )
                # A disabled account is signed out: sent to sign in.
                allowed = rule.allows(user, case)
                expected = 302 if not user.is_enabled else (200 if allowed else 404)
                assert response.status_code == expected, (
                    f"{endpoint} for {user.role} (enabled={user.is_enabled}) on "
                    f"{'a missing case' if case is None else 'a case'}: "
                    f"{response.status_code} != {expected}"
                )
