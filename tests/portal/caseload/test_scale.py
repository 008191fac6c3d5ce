"""The caseload's query count does not grow with the caseload: the same number of SQL
statements for 10 cases as for 1,000 (an ISVA's own page and a supervisor's whole team), and
an ISVA with 80 cases sees 25 per page across 4 pages."""

from __future__ import annotations

import uuid
from datetime import timedelta

from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import Assignment, CallbackRequest, Case, Role, User
from portal.models.message import Message, MessageDirection
from portal.normalise import normalise_name
from tests.portal.policy.test_query_counts import counting
from tests.support.factories import make_org, make_user


def grow_caseload(session, org, isva, n, start=0):
    """``n`` more open cases for ``isva``, every third with a victim's unread message and every
    fifth with a call-back request (so the signal queries have rows to group)."""
    now = utcnow()
    victims, cases = [], []
    for i in range(start, start + n):
        name = f"Victim {i}"
        victims.append(
            User(
                organisation_id=org.id,
                role=Role.VICTIM,
                display_name=name,
                display_name_lookup=lookup_hash(normalise_name(name), "name"),
            )
        )
    session.add_all(victims)
    session.flush()
    for i, victim in zip(range(start, start + n), victims, strict=True):
        cases.append(
            Case(
                organisation_id=org.id,
                reference=f"BULK-{i:05d}",
                victim_id=victim.id,
                opened_at=now - timedelta(days=i % 50),
            )
        )
    session.add_all(cases)
    session.flush()
    extras = []
    for i, case in enumerate(cases):
        extras.append(Assignment(case_id=case.id, isva_id=isva.id, starts_at=case.opened_at))
        if i % 3 == 0:
            extras.append(
                Message(
                    case_id=case.id,
                    seq=1,
                    author_id=case.victim_id,
                    author_role="victim",
                    direction=MessageDirection.TO_SERVICE,
                    body="Hello",
                    idempotency_key=uuid.uuid4().hex,
                    created_at=now - timedelta(days=3),
                )
            )
        if i % 5 == 0:
            extras.append(
                CallbackRequest(case_id=case.id, requested_by_id=case.victim_id, reason="asked")
            )
    session.add_all(extras)
    session.flush()


def statements_for(client_request, **args):
    with counting() as statements:
        page = client_request.get("caseworker.home", **args)
    return len(statements), page


def test_query_count_is_the_same_for_10_and_1000_cases(session, client_request, login_as):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA)
    supervisor = make_user(session, org, Role.SUPERVISOR)
    grow_caseload(session, org, isva, 10)
    login_as(isva)
    small_isva, page = statements_for(client_request)
    assert len(page.select("[data-testid=caseload] tbody tr")) == 10
    login_as(supervisor)
    small_team, _ = statements_for(client_request, scope="team")

    grow_caseload(session, org, isva, 990, start=10)
    login_as(isva)
    big_isva, page = statements_for(client_request)
    rows = page.select("[data-testid=caseload] tbody tr")
    assert len(rows) == 25
    assert "1000 open cases" in page.select_one("[data-testid=caseload-summary]").text
    # Most urgent first: the first row has a call-back request (and a message) waiting.
    assert rows[0].select("[data-signal=callbacks]")
    login_as(supervisor)
    big_team, page = statements_for(client_request, scope="team", sort="reference", page=40)
    assert next(r["data-case"] for r in page.select("tbody tr")) == "BULK-00975"

    assert small_isva == big_isva, (small_isva, big_isva)
    assert small_team == big_team, (small_team, big_team)
    assert big_isva <= 20


def test_isva_with_80_cases_pages_through_all_of_them(session, client_request, login_as):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA)
    grow_caseload(session, org, isva, 80)
    login_as(isva)
    seen = []
    for number in (1, 2, 3, 4):
        page = client_request.get("caseworker.home", sort="reference", page=number)
        seen += [row["data-case"] for row in page.select("[data-testid=caseload] tbody tr")]
    assert seen == [f"BULK-{i:05d}" for i in range(80)]
    pagination = page.select_one("nav.govuk-pagination")
    assert pagination is not None
    assert "4" in pagination.text
