"""Assigning and reassigning ISVAs, the organisation's audit trail, and append-only audit rows."""

from __future__ import annotations

import inspect

import pytest
import sqlalchemy
from flask import g
from sqlalchemy import text

from portal.models import AuditEvent, AuditOutcome, Role
from portal.services import audit
from portal.services.caseload import assignment as cases
from tests.portal.policy.scenario import audit_rows, build
from tests.support.databases import is_postgres
from tests.support.factories import make_org, make_user


@pytest.fixture
def world(session):
    return build(session)


def test_reassignment_moves_access_at_once_and_is_audited(world, session, client_request, login_as):
    login_as(world.supervisor)
    page = client_request.get("caseworker.assign", case_id=world.case.id)
    checked = page.select_one("input[name=isva][checked]")
    assert checked["value"] == str(world.isva.id)  # the current ISVA is preselected
    client_request.post(
        "caseworker.assign", {"isva": str(world.unassigned_isva.id)}, case_id=world.case.id
    )
    assert client_request.response.headers["Location"] == f"/caseworker/cases/{world.case.id}"

    login_as(world.isva)  # reassigned away: gone at once
    client_request.get("caseworker.case_page", _expected_status=404, case_id=world.case.id)
    login_as(world.unassigned_isva)
    client_request.get("caseworker.case_page", case_id=world.case.id)

    session.expire_all()
    periods = sorted(world.case.assignments, key=lambda a: a.starts_at)
    current, previous = periods[-1], periods[-2]
    assert current.isva_id == world.unassigned_isva.id
    assert current.assigned_by_id == world.supervisor.id
    assert current.ends_at is None
    assert previous.ends_at == current.starts_at  # no gap, no overlap
    [row] = audit_rows(session, action="assignment.create")
    assert row.actor_id == world.supervisor.id
    assert row.object_id == str(current.id)
    assert row.outcome == AuditOutcome.ALLOWED


def test_assign_form_refuses_an_isva_of_another_service_and_changes_nothing(
    world, session, client_request, login_as
):
    outsider = make_user(session, world.other_org, Role.ISVA)
    login_as(world.supervisor)
    page = client_request.post(
        "caseworker.assign",
        {"isva": str(outsider.id)},
        _expected_status=200,
        case_id=world.case.id,
    )
    assert "Choose an ISVA from your service" in page.select_one(".govuk-error-summary").text
    assert page.title.text.startswith("Error:")
    page = client_request.post("caseworker.assign", {}, _expected_status=200, case_id=world.case.id)
    assert "Choose an ISVA" in page.select_one(".govuk-error-summary").text
    session.expire_all()
    assert world.case.active_assignment().isva_id == world.isva.id
    assert audit_rows(session, action="assignment.create") == []


def test_assign_service_rejects_non_isvas_disabled_isvas_and_the_same_isva(world, session):
    disabled = make_user(session, world.org, Role.ISVA)
    disabled.is_enabled = False
    for person in (world.supervisor, world.victim, disabled, world.isva):
        with pytest.raises(cases.AssignmentError):
            cases.assign(session, world.case, person.id, world.supervisor)
    with pytest.raises(cases.NotPermittedError):
        cases.assign(session, world.case, world.unassigned_isva.id, world.isva)
    with pytest.raises(cases.NotPermittedError):
        cases.assign(session, world.case, world.unassigned_isva.id, world.other_org_supervisor)
    assert [i.id for i in cases.assignable_isvas(session, world.org.id)] == sorted(
        [world.isva.id, world.previous_isva.id, world.unassigned_isva.id],
        key=lambda i: {
            world.isva.id: "Priya Shah",
            world.previous_isva.id: "Tom Old",
            world.unassigned_isva.id: "Una",
        }[i],
    )


def test_organisation_audit_trail_is_for_supervisors_newest_first_and_paginated(
    world, session, client_request, login_as, monkeypatch
):
    from portal.caseworker import audit as audit_views

    monkeypatch.setattr(audit_views, "PER_PAGE", 2)
    login_as(world.isva)
    client_request.get("caseworker.case_page", case_id=world.case.id)
    client_request.get("caseworker.case_page", case_id=world.case.id)
    login_as(world.other_org_supervisor)  # refused, and shown in both organisations' trails
    client_request.get("caseworker.case_page", _expected_status=404, case_id=world.case.id)
    for person in (world.isva, world.admin, world.victim):
        login_as(person)
        client_request.get("caseworker.audit_trail", _expected_status=404)

    login_as(world.supervisor)
    page = client_request.get("caseworker.audit_trail")
    rows = page.select("tbody tr")
    assert len(rows) == 2
    # Newest first: the other service's refused look at our case comes first.
    assert "Olu" in rows[0].text
    assert "Refused" in rows[0].text
    assert "Not a case of this service" not in rows[0].text  # it IS our case: named
    assert "CASE-A" in rows[0].text
    assert "Priya Shah" in rows[1].text
    assert page.select_one(".govuk-pagination") is not None
    page2 = client_request.get("caseworker.audit_trail", page=2)
    assert all("Priya Shah" in row.text for row in page2.select("tbody tr"))
    client_request.get("caseworker.audit_trail", page=999)  # past the end: empty, not an error
    client_request.get("/caseworker/audit?page=abc")  # nonsense: page 1

    # The other service's trail shows its supervisor's refused attempt, without naming our case.
    login_as(world.other_org_supervisor)
    page = client_request.get("caseworker.audit_trail")
    text_ = page.select_one("main").text
    assert "Not a case of this service" in text_
    assert "CASE-A" not in text_
    assert [r.action for r in audit_rows(session, actor_id=world.supervisor.id)] == [
        "audit.view_organisation"
    ] * 4


def test_audit_service_offers_no_way_to_change_or_remove_a_row():
    public = {name for name, _ in inspect.getmembers(audit, inspect.isfunction)}
    assert not {n for n in public if any(w in n for w in ("update", "delete", "remove", "edit"))}
    source = inspect.getsource(audit)
    assert "delete(" not in source
    assert "update(" not in source


def test_audit_rows_cannot_be_changed_or_removed_on_postgresql(world, session):
    """On PostgreSQL the trigger refuses UPDATE, DELETE and TRUNCATE. SQLite has no such guard,
    which this test asserts too, so the difference is explicit rather than skipped."""
    row = audit.record(
        session, actor=world.isva, action="case.view_case", outcome=AuditOutcome.ALLOWED
    )
    session.flush()
    statements = [
        text("UPDATE audit_events SET action = 'tampered' WHERE id = :id"),
        text("DELETE FROM audit_events WHERE id = :id"),
    ]
    if is_postgres():
        statements.append(text("TRUNCATE audit_events"))
        for statement in statements:
            with (
                pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"),
                session.begin_nested(),
            ):
                session.execute(statement, {"id": row.id})
        session.expire_all()
        assert session.get(AuditEvent, row.id).action == "case.view_case"
    else:
        assert session.get_bind().dialect.name == "sqlite"
        with session.begin_nested():
            result = session.execute(statements[0], {"id": row.id.hex})
        assert result.rowcount == 1  # SQLite: only the application's discipline protects it


def test_audit_rows_never_hold_names_or_emails(world, session, client_request, login_as):
    login_as(world.supervisor)
    client_request.get("caseworker.case_page", case_id=world.case.id)
    client_request.post(
        "caseworker.assign", {"isva": str(world.unassigned_isva.id)}, case_id=world.case.id
    )
    for row in session.scalars(sqlalchemy.select(AuditEvent)):
        values = " ".join(str(getattr(row, c.key)) for c in AuditEvent.__table__.columns)
        for secret in ("Ruth", "Marker", "Priya", "Una", "Sam", "example.org"):
            assert secret not in values


def test_org_without_isvas_gets_a_plain_message(session, client_request, login_as):
    org = make_org(session)
    supervisor = make_user(session, org, Role.SUPERVISOR)
    from tests.support.factories import make_case

    case = make_case(session, org, make_user(session, org, Role.VICTIM))
    login_as(supervisor)
    page = client_request.get("caseworker.assign", case_id=case.id)
    assert "no ISVAs in your service" in page.text


def test_who_has_viewed_counts_days_in_london_time(world, session):
    """Two looks an hour apart either side of midnight in London (23:30 and 00:30 BST) are
    two days, although both are on the same UTC date."""
    from datetime import UTC, datetime

    for when in (
        datetime(2026, 7, 1, 22, 30, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
    ):
        event = audit.record(
            session,
            actor=world.isva,
            action="case.view_case",
            outcome=AuditOutcome.ALLOWED,
            case=world.case,
        )
        event.occurred_at = when
    audit.record(  # a refusal is not a look
        session,
        actor=world.unassigned_isva,
        action="case.view_case",
        outcome=AuditOutcome.DENIED,
        case=world.case,
    )
    session.flush()
    viewings = audit.staff_viewings(session, world.case)
    assert [(v.first_name, v.role, v.day.isoformat()) for v in viewings] == [
        ("Priya", Role.ISVA, "2026-07-02"),
        ("Priya", Role.ISVA, "2026-07-01"),
    ]


def test_the_audit_helper_fills_in_the_request_id_and_outcome(world, session, app):
    """Every service writes the trail through ``audit.record``: inside a request the row carries
    that request's id (so it can be traced in the logs), outside one (CLI, worker) none."""
    with app.test_request_context():
        g.request_id = "req-in-flight"
        inside = audit.record(session, actor=world.isva, action="case.close", case=world.case)
        given = audit.record(session, actor=world.isva, action="case.close", request_id="req-given")
    outside = audit.record(session, actor=None, actor_role=audit.OPERATOR, action="case.close")
    session.flush()
    assert (inside.request_id, inside.outcome) == ("req-in-flight", AuditOutcome.ALLOWED)
    assert inside.case_id == world.case.id
    assert given.request_id == "req-given"
    assert outside.request_id is None
