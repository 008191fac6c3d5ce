"""The caseload page: only the right cases, sorting, a filter per signal, search by reference
or whole name, the supervisor's "my cases / whole team" switch, and bad input never breaking it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.models import CallbackReason, Role
from portal.models.audit import AuditEvent
from portal.services.messaging import callbacks
from portal.services.messaging import messages as messaging
from tests.portal.caseload.conftest import MONDAY, World
from tests.support.factories import make_case, make_user


def references(page) -> list[str]:
    return [row["data-case"] for row in page.select("[data-testid=caseload] tbody tr")]


def three_cases(w: World, time_machine):
    """RASSO-0001 (no work), B-2 (a message since Monday), A-3 (a call-back since Tuesday,
    and a message since Wednesday)."""
    session = w.session
    b2 = make_case(session, w.org, make_user(session, w.org, name="Bea Jones"), w.isva, "B-2")
    a3 = make_case(session, w.org, make_user(session, w.org, name="Ann Lee"), w.isva, "A-3")
    messaging.send_from_victim(session, b2, b2.victim, "Hi", messaging.new_idempotency_key())
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)
    callbacks.request_callback(session, a3, a3.victim, CallbackReason.ASKED)
    time_machine.move_to(MONDAY + timedelta(days=2), tick=False)
    messaging.send_from_victim(session, a3, a3.victim, "Hi", messaging.new_idempotency_key())
    session.flush()
    return b2, a3


def test_isva_sees_their_own_open_cases_with_what_needs_doing(
    world: World, client_request, login_as, time_machine
):
    w = world
    three_cases(w, time_machine)
    make_case(w.session, w.org, make_user(w.session, w.org), w.other_isva, "THEIRS-1")
    login_as(w.isva)
    page = client_request.get("caseworker.home")
    assert page.h1.text.strip() == "Your cases"
    # Most urgent first: B-2's reply is overdue by Wednesday (target 1 working day).
    assert references(page) == ["B-2", "A-3", "RASSO-0001"]
    b2 = page.select_one("tr[data-case=B-2]")
    assert b2.select_one("[data-signal=reply_overdue]")
    assert "1 unread message" in b2.text
    assert "Ruth Example" in page.select_one("tr[data-case=RASSO-0001]").text
    assert "Nothing needed now" in page.select_one("tr[data-case=RASSO-0001]").text
    # An ISVA cannot widen the scope to the team.
    assert references(client_request.get("caseworker.home", scope="team")) == references(page)


def test_sorting_by_reference_and_by_waiting_longest(
    world: World, client_request, login_as, time_machine
):
    three_cases(world, time_machine)
    login_as(world.isva)
    page = client_request.get("caseworker.home", sort="reference")
    assert references(page) == ["A-3", "B-2", "RASSO-0001"]
    header = page.select_one("th[aria-sort]")
    assert "Case" in header.text
    page = client_request.get("caseworker.home", sort="waiting")
    assert references(page) == ["B-2", "A-3", "RASSO-0001"]
    # Sort links keep the other choices and are plain links (no JavaScript needed).
    link = page.select_one("thead a[href*='sort=reference']")
    assert link is not None


def test_a_filter_per_signal_keeps_cases_with_any_ticked_signal(
    world: World, client_request, login_as, time_machine
):
    three_cases(world, time_machine)
    login_as(world.isva)
    page = client_request.get("caseworker.home", signal="callbacks")
    assert references(page) == ["A-3"]
    box = page.select_one("input[name=signal][value=callbacks]")
    assert box.has_attr("checked")
    assert "(1)" in page.select_one("label[for=" + box["id"] + "]").text
    page = client_request.get("caseworker.home", signal=["callbacks", "reply_overdue"])
    assert sorted(references(page)) == ["A-3", "B-2"]
    page = client_request.get("caseworker.home", signal="failed")
    assert references(page) == []
    assert "No cases match" in page.text


def test_search_by_reference_prefix_or_whole_name(
    world: World, client_request, login_as, time_machine
):
    three_cases(world, time_machine)
    login_as(world.isva)
    assert references(client_request.get("caseworker.home", q="rasso")) == ["RASSO-0001"]
    assert references(client_request.get("caseworker.home", q="A-3")) == ["A-3"]
    # Whole names match (any case, extra spaces); parts of names cannot: they are encrypted.
    assert references(client_request.get("caseworker.home", q="  bea   JONES ")) == ["B-2"]
    assert references(client_request.get("caseworker.home", q="Bea")) == []
    # Wildcards are searched for literally.
    assert references(client_request.get("caseworker.home", q="%")) == []
    page = client_request.get("caseworker.home", q="_")
    assert references(page) == []
    assert "part of a name will not be found" in page.text


def test_bad_input_falls_back_to_the_defaults(world: World, client_request, login_as):
    login_as(world.isva)
    page = client_request.get(
        "caseworker.home", sort="nonsense", signal="x", page="-4", scope="all", q="x" * 500
    )
    assert page.h1.text.strip() == "Your cases"
    page = client_request.get("caseworker.home", page="999")
    assert references(page) == ["RASSO-0001"]


def test_supervisor_sees_the_whole_team_and_can_switch_to_their_own(
    world: World, client_request, login_as, time_machine
):
    w = world
    three_cases(w, time_machine)
    make_case(w.session, w.org, make_user(w.session, w.org), w.other_isva, "THEIRS-1")
    make_case(w.session, w.org, make_user(w.session, w.org), None, "NOBODY-1")
    login_as(w.supervisor)
    page = client_request.get("caseworker.home")
    assert page.h1.text.strip() == "Team cases"
    assert set(references(page)) == {"A-3", "B-2", "RASSO-0001", "THEIRS-1", "NOBODY-1"}
    nobody = page.select_one("tr[data-case=NOBODY-1]")
    assert "Not assigned" in nobody.text
    assert nobody.select_one("a[href$='/assign']") is not None
    assert "Omar Reid" in page.select_one("tr[data-case=THEIRS-1]").text
    assert references(client_request.get("caseworker.home", scope="mine")) == []
    page = client_request.get("caseworker.home", scope="team", isva=str(w.other_isva.id))
    assert references(page) == ["THEIRS-1"]
    assert references(client_request.get("caseworker.home", isva="unassigned")) == ["NOBODY-1"]


def test_admin_home_has_no_case_data(world: World, client_request, login_as):
    login_as(make_user(world.session, world.org, Role.ADMIN))
    page = client_request.get("caseworker.home")
    assert page.h1.text.strip() == "Administration"
    assert "RASSO-0001" not in page.text


def test_each_look_at_the_list_is_audited_without_the_search_words(
    world: World, client_request, login_as, time_machine
):
    w = world
    login_as(w.supervisor)
    client_request.get("caseworker.home")
    time_machine.move_to(MONDAY + timedelta(minutes=1), tick=False)
    assert references(client_request.get("caseworker.home", q="ruth example")) == ["RASSO-0001"]
    rows = w.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("caseload.%"))
        .order_by(AuditEvent.occurred_at)
    ).all()
    assert [(r.action, r.actor_id, r.object_id, r.case_id) for r in rows] == [
        ("caseload.view", w.supervisor.id, "team", None),
        ("caseload.search", w.supervisor.id, "team", None),
    ]
    # The trail shows who looked, in words; nothing in it holds the name that was searched for.
    trail = client_request.get("caseworker.audit_trail")
    assert "Looked at the list of cases" in trail.text
    assert "Searched the list of cases" in trail.text
    for row in rows:
        assert "ruth" not in " ".join(str(v) for v in vars(row).values()).lower()
