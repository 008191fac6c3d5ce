"""Case pages: what each person sees, the IDOR matrix, and the audit rows each look writes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import time_machine

from portal.clock import utcnow
from portal.models import AuditOutcome
from portal.policy import case_rule
from tests.portal.policy.scenario import audit_count, audit_rows, build

STAFF_PAGES = ("caseworker.case_page", "caseworker.assign")
VICTIM_PAGES = ("victim.case_summary", "victim.who_has_viewed")


@pytest.fixture
def world(session):
    return build(session)


def test_supervisor_sees_the_case_its_history_and_its_audit_trail(world, client_request, login_as):
    login_as(world.isva)
    client_request.get("caseworker.case_page", case_id=world.case.id)
    login_as(world.supervisor)
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    main = page.select_one("main").text
    assert page.h1.text.strip() == "CASE-A"
    assert "Ruth Marker" in main  # the victim's chosen name
    assert "Priya Shah" in main
    assert "Tom Old" in main
    trail = page.find("caption", string=lambda s: s and "Audit trail for this case" in s)
    assert trail is not None
    rows = trail.find_parent("table").select("tbody tr")
    assert any("Priya Shah" in row.text and "Looked at the case" in row.text for row in rows)
    assert page.find("a", string=lambda s: s and "Change the ISVA" in s)


def test_isva_sees_the_case_but_not_its_audit_trail_or_the_assign_button(
    world, client_request, login_as
):
    login_as(world.isva)
    page = client_request.get("caseworker.case_page", case_id=world.case.id)
    assert "Audit trail for this case" not in page.text
    assert not page.find("a", string=lambda s: s and "ISVA" in s and "Change" in s)


def test_staff_read_writes_one_audit_row_with_the_request_id(
    world, session, client_request, login_as
):
    login_as(world.isva)
    client_request.get("caseworker.case_page", case_id=world.case.id)
    request_id = client_request.response.headers["X-Request-Id"]
    [row] = audit_rows(session, case_id=world.case.id)
    assert (row.actor_id, row.actor_role, row.action, row.outcome) == (
        world.isva.id,
        "isva",
        "case.view_case",
        AuditOutcome.ALLOWED,
    )
    assert row.request_id == request_id
    assert len(request_id) == 32
    assert row.organisation_id == world.org.id
    assert row.object_id == str(world.case.id)


def test_every_response_has_a_fresh_request_id(client):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert first != second


def test_victim_reads_are_not_audited_as_staff_reads(world, session, client_request, login_as):
    login_as(world.victim)
    page = client_request.get("victim.case_summary", case_id=world.case.id)
    assert "Your ISVA is Priya." in page.text  # first name only
    assert audit_count(session) == 0


@pytest.mark.parametrize(
    ("who", "pages", "whose_case"),
    [
        ("other_victim", VICTIM_PAGES, "case"),  # victim B cannot read victim A's case
        ("victim", VICTIM_PAGES, "other_case"),  # ... nor A read B's
        ("victim", STAFF_PAGES, "case"),  # a victim never gets the staff pages, even their own
        ("unassigned_isva", STAFF_PAGES, "case"),
        ("previous_isva", STAFF_PAGES, "case"),  # reassigned away: access gone at once
        ("isva", STAFF_PAGES[1:], "case"),  # an ISVA cannot reassign
        ("isva", VICTIM_PAGES, "case"),
        ("admin", STAFF_PAGES, "case"),  # least privilege: no case content for admins
        ("other_org_supervisor", STAFF_PAGES, "case"),
    ],
)
def test_idor_matrix_refuses_with_404_and_audits_the_refusal(
    world, session, client_request, login_as, who, pages, whose_case
):
    login_as(getattr(world, who))
    case = getattr(world, whose_case)
    for endpoint in pages:
        before = audit_count(session)
        client_request.get(endpoint, _expected_status=404, case_id=case.id)
        assert "Page not found" in client_request.response.get_data(as_text=True)
        rows = audit_rows(session, actor_id=getattr(world, who).id, outcome=AuditOutcome.DENIED)
        assert audit_count(session) == before + 1
        assert rows[-1].case_id == case.id
        assert rows[-1].object_id == str(case.id)


def test_a_refusal_looks_exactly_like_a_missing_case(world, session, client_request, login_as):
    """Byte for byte, bar the per-request id. The signed-in layout carries two values that move
    with the wall clock, not with the answer: the idle countdown (``data-session-timeout-seconds``,
    whole seconds to the end of the session) and the CSRF token (signed with a timestamp in
    seconds). The clock is frozen so that two requests either side of a second boundary (it
    happened on PostgreSQL) cannot tell the pages apart; a difference left is a real leak."""
    with time_machine.travel(utcnow(), tick=False):
        login_as(world.unassigned_isva)
        client_request.get("caseworker.home")  # the first request after sign-in may set a cookie
        missing_id = uuid.uuid4()
        refused = client_request.get_response("caseworker.case_page", case_id=world.case.id)
        missing = client_request.get_response("caseworker.case_page", case_id=missing_id)
    assert refused.status_code == missing.status_code == 404

    def strip(html: str) -> str:
        # The page links to itself (the language switcher), so its own id appears in it.
        return html.replace(str(world.case.id), "ID").replace(str(missing_id), "ID")

    assert strip(refused.get_data(as_text=True)) == strip(missing.get_data(as_text=True))

    def headers(response: Any) -> list[tuple[str, str]]:
        return sorted((k, v) for k, v in response.headers if k != "X-Request-Id")

    assert headers(refused) == headers(missing)
    assert refused.headers["X-Request-Id"] != missing.headers["X-Request-Id"]
    missing_rows = audit_rows(session, case_id=None, outcome=AuditOutcome.DENIED)
    assert len(missing_rows) == 1
    assert missing_rows[0].object_type == "case"


@pytest.mark.parametrize(
    "who",
    [
        "other_victim",
        "victim",
        "unassigned_isva",
        "previous_isva",
        "isva",
        "admin",
        "other_org_supervisor",
    ],
)
def test_only_a_supervisor_of_the_service_can_reassign(
    world, session, client_request, login_as, who
):
    """A valid form with a valid CSRF token still gets 404 from anyone else, changes nothing,
    and the refusal is on the trail."""
    login_as(getattr(world, who))
    token = client_request.csrf_token("/sign-in")  # the token is per session, not per form
    response = client_request.client.post(
        client_request.url("caseworker.assign", case_id=world.case.id),
        data={"csrf_token": token, "isva": str(world.unassigned_isva.id)},
    )
    assert response.status_code == 404
    session.expire_all()
    assert world.case.active_assignment().isva_id == world.isva.id
    [refusal] = audit_rows(session, actor_id=getattr(world, who).id)
    assert refusal.action == "case.assign"
    assert refusal.outcome == AuditOutcome.DENIED


def test_signed_out_visitor_is_sent_to_sign_in_from_every_case_page(app, world, client_request):
    for endpoint in STAFF_PAGES + VICTIM_PAGES:
        client_request.get(endpoint, _expected_status=302, case_id=world.case.id)
        assert client_request.response.headers["Location"].startswith("/sign-in")


def test_every_case_page_is_declared_through_the_case_loader(app):
    declared = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if case_rule(app.view_functions[rule.endpoint]) is not None
    }
    assert set(STAFF_PAGES + VICTIM_PAGES) <= declared
    # Any route taking a case id must go through the loader.
    for rule in app.url_map.iter_rules():
        if "case_id" in rule.arguments:
            assert rule.endpoint in declared, rule.rule


def test_who_has_viewed_lists_staff_reads_by_first_name_role_and_day(
    world, client_request, login_as
):
    for person in (world.isva, world.isva, world.supervisor):
        login_as(person)
        client_request.get("caseworker.case_page", case_id=world.case.id)
    login_as(world.unassigned_isva)  # refused: not a look at the case
    client_request.get("caseworker.case_page", _expected_status=404, case_id=world.case.id)
    login_as(world.victim)
    page = client_request.get("victim.who_has_viewed", case_id=world.case.id)
    items = [" ".join(li.text.split()) for li in page.select("ul.wp-viewings li")]
    assert len(items) == 2  # Priya's two looks today are one line
    assert any(item.startswith("Sam, Supervisor") for item in items)
    assert any(item.startswith("Priya, ISVA") for item in items)
    text = page.select_one("main").text
    assert "Shah" not in text
    assert "Una" not in text


def test_victim_home_links_to_the_case_summary(world, client_request, login_as):
    login_as(world.victim)
    page = client_request.get("victim.home")
    link = page.select_one(f'a[href="/my-case/cases/{world.case.id}"]')
    assert link is not None


def test_caseworker_home_links_to_the_case_page(world, client_request, login_as):
    login_as(world.isva)
    page = client_request.get("caseworker.home")
    assert page.select_one(f'a[href="/caseworker/cases/{world.case.id}"]').text.strip() == "CASE-A"


def test_case_routes_naming_another_object_check_the_case_first(
    app, world, session, client_request, login_as
):
    """Routes such as /cases/<case_id>/updates/<update_id>: whoever may not see the case gets
    404 and a refusal on the trail before the other object is even looked up; whoever may see
    the case gets 404 for an object that does not exist (never a 500, never a 200)."""
    from werkzeug.routing import UUIDConverter

    routes = []
    for rule in app.url_map.iter_rules():
        declared = case_rule(app.view_functions[rule.endpoint])
        others = rule.arguments - {"case_id"}
        if declared is None or not others or "GET" not in (rule.methods or ()):
            continue
        if all(isinstance(rule._converters[name], UUIDConverter) for name in others):
            routes.append((rule.endpoint, declared, others))
    assert routes, "expected case routes that also name an update or a message"
    people = [
        world.victim,
        world.other_victim,
        world.isva,
        world.previous_isva,
        world.supervisor,
        world.admin,
        world.other_org_supervisor,
    ]
    for endpoint, declared, others in routes:
        for person in people:
            login_as(person)
            before = len(audit_rows(session, actor_id=person.id, outcome=AuditOutcome.DENIED))
            values = {name: uuid.uuid4() for name in others}
            client_request.get(endpoint, _expected_status=404, case_id=world.case.id, **values)
            refusals = audit_rows(session, actor_id=person.id, outcome=AuditOutcome.DENIED)
            refused_by_loader = len(refusals) > before and refusals[-1].action == (
                f"case.{declared.action.value}"
            )
            assert refused_by_loader is not declared.allows(person, world.case), (
                endpoint,
                person.role,
            )
