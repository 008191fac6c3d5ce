"""A victim asks for erasure; a supervisor decides; the retention run carries it out once the
case is closed (never while it is open), and the victim's sessions end with it."""

from __future__ import annotations

from datetime import timedelta

from portal.clock import utcnow
from portal.models import AuditEvent, Case, CaseStatus
from portal.models.rights import ErasureRequest, ErasureStatus
from portal.services.rights import retention
from tests.portal.rights.conftest import World


def test_request_decide_and_carry_out(world: World, session, login_as, client_request):
    login_as(world.a.victim)
    page = client_request.get("victim.erasure_request")
    text = " ".join(page.get_text().split())
    assert "What we must keep" in text
    assert "nothing is destroyed until your case is closed" in text
    # Not confirming is an error on the form, and nothing is recorded.
    page = client_request.post(
        "victim.erasure_request", {"case": str(world.a.case.id)}, _expected_status=200
    )
    assert "Confirm that you understand" in page.select_one(".govuk-error-summary").get_text()
    assert session.query(ErasureRequest).count() == 0
    # Another victim's case is not a choice.
    client_request.post(
        "victim.erasure_request",
        {"case": str(world.b.case.id), "understood": "y"},
        _expected_status=200,
    )
    assert session.query(ErasureRequest).count() == 0
    client_request.post("victim.erasure_request", {"case": str(world.a.case.id), "understood": "y"})
    # Asking twice keeps one request.
    client_request.post("victim.erasure_request", {"case": str(world.a.case.id), "understood": "y"})
    request = session.query(ErasureRequest).one()
    assert (request.case_id, request.status) == (world.a.case.id, ErasureStatus.PENDING)
    page = client_request.get("victim.my_information")
    assert page.select_one("[data-testid=erasure-status]")

    # Only a supervisor decides.
    for who in (world.isva, world.admin):
        login_as(who)
        client_request.get(
            "caseworker.decide_erasure",
            _expected_status=404,
            case_id=world.a.case.id,
            request_id=request.id,
        )
    login_as(world.supervisor)
    page = client_request.get("caseworker.subject_access_list")
    assert "REF-AAA" in page.select_one("[data-testid=erasures]").get_text()
    client_request.post(
        "caseworker.decide_erasure",
        {"decision": "approve"},
        case_id=world.a.case.id,
        request_id=request.id,
    )
    session.expire_all()
    assert request.status == ErasureStatus.APPROVED
    assert session.query(AuditEvent).filter_by(action="erasure.approve").count() == 1

    # While the case is open nothing is destroyed.
    assert retention.run(session).plans == []
    login_as(world.a.victim)
    client_request.get("victim.home")

    case = session.get(Case, world.a.case.id)
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow() - timedelta(days=1)  # well within the 12 months
    session.flush()
    (plan,) = retention.run(session).plans
    assert (plan.case_id, plan.reason) == (world.a.case.id, "erasure")
    session.flush()
    session.expire_all()
    assert request.status == ErasureStatus.CARRIED_OUT
    assert session.get(Case, world.a.case.id).status == CaseStatus.DESTROYED
    # The victim's session ended with their account.
    client_request.get("victim.home", _expected_status=302)
    assert client_request.response.headers["Location"].endswith("/signed-out")
    # B is untouched.
    assert session.get(Case, world.b.case.id).status == CaseStatus.OPEN


def test_a_refused_request_destroys_nothing(world: World, session, login_as, client_request):
    login_as(world.a.victim)
    client_request.post("victim.erasure_request", {"case": str(world.a.case.id), "understood": "y"})
    request = session.query(ErasureRequest).one()
    login_as(world.supervisor)
    client_request.post(
        "caseworker.decide_erasure",
        {"decision": "refuse"},
        case_id=world.a.case.id,
        request_id=request.id,
    )
    world.a.case.status = CaseStatus.CLOSED
    world.a.case.closed_at = utcnow()
    session.merge(world.a.case)
    session.flush()
    assert retention.run(session, dry_run=True).plans == []
    # A decided request cannot be decided again.
    page = client_request.post(
        "caseworker.decide_erasure",
        {"decision": "approve"},
        _expected_status=200,
        case_id=world.a.case.id,
        request_id=request.id,
    )
    assert "already been decided" in page.select_one(".govuk-error-summary").get_text()
