"""The supervisor's team view: each ISVA's caseload size and action counts from the same
signals, out-of-office and cover, unassigned cases, and a query count that does not grow."""

from __future__ import annotations

from datetime import date

from portal.models import CallbackReason, Role
from portal.services.messaging import availability, callbacks
from portal.services.messaging import messages as messaging
from tests.portal.caseload.conftest import World
from tests.portal.caseload.test_scale import grow_caseload
from tests.portal.policy.test_query_counts import counting
from tests.support.factories import make_case, make_user


def test_team_view_counts_each_isvas_cases_and_work(world: World, client_request, login_as):
    w = world
    messaging.send_from_victim(w.session, w.case, w.victim, "Hi", messaging.new_idempotency_key())
    second = make_case(w.session, w.org, make_user(w.session, w.org), w.isva, "P-2")
    callbacks.request_callback(w.session, second, second.victim, CallbackReason.ASKED)
    make_case(w.session, w.org, make_user(w.session, w.org), w.other_isva, "O-1")
    make_case(w.session, w.org, make_user(w.session, w.org), None, "NOBODY-1")
    availability.set_absence(
        w.session, w.supervisor, w.other_isva, w.isva, date(2027, 3, 1), date(2027, 3, 5)
    )
    w.session.flush()
    login_as(w.supervisor)
    page = client_request.get("caseworker.team")
    priya = page.select_one(f"tr[data-isva='{w.isva.id}']")
    assert priya.select_one("[data-testid=cases]").text.strip() == "2"
    assert priya.select_one("[data-testid=needs-action]").text.strip() == "2"
    assert "Unread: 1" in priya.select_one("[data-signal=unread]").text
    assert "Call-backs: 1" in priya.select_one("[data-signal=callbacks]").text
    assert "In" in priya.text
    omar = page.select_one(f"tr[data-isva='{w.other_isva.id}']")
    assert omar.select_one("[data-testid=cases]").text.strip() == "1"
    assert "Nothing needed now" in omar.text
    assert "Away until" in omar.text
    assert "covered by Priya Shah" in omar.text
    unassigned = page.select_one("tr[data-isva=unassigned]")
    assert unassigned.select_one("[data-testid=cases]").text.strip() == "1"
    assert unassigned.select_one("a[href*='isva=unassigned']")
    # Each ISVA links to their cases on the caseload, where reassigning happens.
    assert omar.select_one(f"a[href*='isva={w.other_isva.id}']")


def test_only_supervisors_reach_the_team_view(world: World, client_request, login_as):
    for person in (world.isva, make_user(world.session, world.org, Role.ADMIN), world.victim):
        login_as(person)
        client_request.get("caseworker.team", _expected_status=404)


def test_team_view_query_count_does_not_grow(session, client_request, login_as, world: World):
    w = world
    login_as(w.supervisor)
    grow_caseload(session, w.org, w.isva, 5)
    with counting() as small:
        client_request.get("caseworker.team")
    grow_caseload(session, w.org, w.other_isva, 300, start=5)
    with counting() as big:
        page = client_request.get("caseworker.team")
    assert len(small) == len(big), (len(small), len(big))
    omar = page.select_one(f"tr[data-isva='{w.other_isva.id}']")
    assert omar.select_one("[data-testid=cases]").text.strip() == "300"
