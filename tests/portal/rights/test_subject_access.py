"""Subject access requests: the one-month due date, recording and releasing, the staff copy
(which adds notes to file) and who may reach it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from portal.clock import utcnow
from portal.models import AuditEvent
from portal.models.rights import SubjectAccessRequest
from portal.services.rights.requests import sar_due_on
from portal.services.updates.deadlines import london_today
from tests.portal.rights.conftest import World


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 9, 3), date(2025, 10, 3)),  # the ICO's own example
        (date(2025, 1, 31), date(2025, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 12, 15), date(2026, 1, 15)),  # over the year end
        (date(2026, 1, 31), date(2026, 3, 2)),  # 28 February 2026 is a Saturday
        (date(2025, 11, 25), date(2025, 12, 29)),  # Christmas Day and Boxing Day, then Monday
    ],
)
def test_due_one_calendar_month_after_receipt(received, due):
    assert sar_due_on(received) == due


def _days(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def test_an_isva_records_a_request_and_a_supervisor_releases_it(
    world: World, session, login_as, client_request
):
    login_as(world.isva)
    received = london_today() - timedelta(days=45)
    client_request.post(
        "caseworker.case_subject_access", {"received_on": _days(received)}, case_id=world.a.case.id
    )
    sar = session.query(SubjectAccessRequest).one()
    assert (sar.received_on, sar.due_on) == (received, sar_due_on(received))
    assert sar.recorded_by_id == world.isva.id
    assert session.query(AuditEvent).filter_by(action="sar.record").count() == 1

    # The ISVA may download it but not release it.
    page = client_request.get("caseworker.case_subject_access", case_id=world.a.case.id)
    assert "Mark as released" not in page.get_text()
    response = client_request.get_response(
        "caseworker.subject_access_export", case_id=world.a.case.id, sar_id=sar.id, kind="json"
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="subject-access-{received}'
    )
    document = json.loads(response.get_data(as_text=True))
    assert document["produced_for"] == "subject_access_request"
    text = response.get_data(as_text=True)
    for marker in world.a.shown + world.a.staff_only:
        assert marker in text, marker
    for marker in world.a.never + world.b.shown + world.b.staff_only:
        assert marker not in text, marker
    assert session.query(AuditEvent).filter_by(action="sar.export").count() == 1
    client_request.post(
        "caseworker.release_subject_access",
        {},
        _expected_status=404,
        _form_url=client_request.url("caseworker.case_subject_access", case_id=world.a.case.id),
        case_id=world.a.case.id,
        sar_id=sar.id,
    )

    login_as(world.supervisor)
    page = client_request.get("caseworker.subject_access_list")
    row = page.select_one("[data-testid=sars] tbody tr")
    assert "REF-AAA" in row.get_text()
    assert "Overdue" in row.get_text()
    client_request.post(
        "caseworker.release_subject_access",
        {},
        _form_url=client_request.url("caseworker.case_subject_access", case_id=world.a.case.id),
        case_id=world.a.case.id,
        sar_id=sar.id,
    )
    session.expire_all()
    assert sar.released_by_id == world.supervisor.id
    page = client_request.get("caseworker.subject_access_list")
    assert "There are no open subject access requests." in page.get_text()


def test_a_date_in_the_future_is_refused_and_nothing_is_recorded(
    world: World, session, login_as, client_request
):
    login_as(world.isva)
    page = client_request.post(
        "caseworker.case_subject_access",
        {"received_on": _days((utcnow() + timedelta(days=3)).date())},
        _expected_status=200,
        case_id=world.a.case.id,
    )
    assert "today or in the past" in page.select_one(".govuk-error-summary").get_text()
    page = client_request.post(
        "caseworker.case_subject_access",
        {"received_on": ["31", "2", "2025"]},
        _expected_status=200,
        case_id=world.a.case.id,
    )
    assert page.select_one(".govuk-error-summary")
    assert session.query(SubjectAccessRequest).count() == 0


@pytest.mark.parametrize("who", ["admin", "unassigned_isva"])
def test_staff_without_access_to_the_case_get_404(
    world: World, session, login_as, client_request, who
):
    sar = SubjectAccessRequest(
        organisation_id=world.org.id,
        case_id=world.a.case.id,
        received_on=date(2025, 1, 2),
        due_on=date(2025, 2, 3),
        recorded_by_id=world.isva.id,
    )
    session.add(sar)
    session.flush()
    login_as(getattr(world, who))
    client_request.get(
        "caseworker.case_subject_access", _expected_status=404, case_id=world.a.case.id
    )
    for kind in ("html", "json"):
        response = client_request.get_response(
            "caseworker.subject_access_export", case_id=world.a.case.id, sar_id=sar.id, kind=kind
        )
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        # Nothing planted in case A (its name, email, reference, messages, updates...): the
        # markers themselves, not "AAA", which a random CSRF token on the page can contain.
        assert not [marker for marker in world.a.shown if marker in body]
    # The supervisors' list is theirs alone.
    client_request.get("caseworker.subject_access_list", _expected_status=404)


def test_victims_cannot_reach_staff_routes(world: World, session, login_as, client_request):
    login_as(world.a.victim)
    client_request.get(
        "caseworker.case_subject_access", _expected_status=404, case_id=world.a.case.id
    )
    login_as(world.b.victim)
    client_request.get(
        "caseworker.case_subject_access", _expected_status=404, case_id=world.a.case.id
    )


def test_a_request_of_another_case_is_not_found_through_this_one(
    world: World, session, login_as, client_request
):
    sar = SubjectAccessRequest(
        organisation_id=world.org.id,
        case_id=world.b.case.id,
        received_on=date(2025, 1, 2),
        due_on=date(2025, 2, 3),
        recorded_by_id=world.isva.id,
    )
    session.add(sar)
    session.flush()
    login_as(world.isva)  # assigned to both cases
    response = client_request.get_response(
        "caseworker.subject_access_export", case_id=world.a.case.id, sar_id=sar.id, kind="json"
    )
    assert response.status_code == 404


def test_the_pages_are_linked_from_where_staff_look(world: World, login_as, client_request):
    login_as(world.supervisor)
    page = client_request.get("caseworker.case_subject_access", case_id=world.a.case.id)
    current = page.select_one("[data-testid=case-nav] [aria-current=page]")
    assert current.get_text().strip() == "Subject access"
    case_page = client_request.get("caseworker.case_page", case_id=world.a.case.id)
    assert case_page.find("a", string="Subject access")
    caseload = client_request.get("caseworker.home")
    assert caseload.find("a", href="/caseworker/subject-access")
    login_as(world.admin)
    admin_home = client_request.get("caseworker.home")
    assert admin_home.find("a", href="/caseworker/organisation")
