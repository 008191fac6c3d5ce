"""Every page the page benchmark measures (bench/pages.py) takes the same number of queries on
a near-empty database and on one grown in every table those pages read: the victim's dashboard,
timeline and conversation, and the ISVA's caseload (sorted and filtered) and case page."""

from __future__ import annotations

import uuid
from datetime import timedelta

from notifications.models import ContactPoint, Notification
from portal.clock import utcnow
from portal.models import AuditEvent, AuditOutcome, CallbackRequest, Role, Update, UpdateStatus
from portal.models.message import Message, MessageDirection
from tests.portal.caseload.test_scale import grow_caseload
from tests.portal.policy.test_query_counts import counting
from tests.support.factories import make_case, make_org, make_user

SECTIONS = '{"what_happened": "An update.", "what_it_means": "", "what_happens_next": "", "who_to_contact": "", "your_rights": ""}'  # noqa: E501

PAGES = (
    ("victim", "victim.dashboard", {}),
    ("victim", "victim.timeline", {}),
    ("victim", "victim.messages", {}),
    ("isva", "caseworker.home", {}),
    ("isva", "caseworker.home", {"sort": "waiting", "signal": "unread"}),
    ("isva", "caseworker.case_page", {}),
)


def grow_case(session, case, victim, isva, n: int, start: int) -> None:
    """n more published updates, 4n more messages (every other one unread by the service),
    n audit rows, n failed notifications and n open call-back requests on one case."""
    now = utcnow()
    point = session.query(ContactPoint).filter_by(user_id=victim.id).one_or_none()
    if point is None:
        point = ContactPoint(
            user_id=victim.id, channel="sms", address="+447700900123", address_lookup="x"
        )
        session.add(point)
        session.flush()
    for i in range(start, start + n):
        at = now - timedelta(days=30, minutes=i)
        session.add(
            Update(
                case_id=case.id,
                event_key="investigation_update",
                source_agency="police",
                event_date=at.date(),
                status=UpdateStatus.PUBLISHED,
                published_at=at,
                author_id=isva.id,
                body=SECTIONS,
            )
        )
        session.add(
            AuditEvent(
                actor_id=isva.id,
                actor_role="isva",
                action="case.view_case",
                outcome=AuditOutcome.ALLOWED,
                organisation_id=case.organisation_id,
                case_id=case.id,
            )
        )
        session.add(
            Notification(
                recipient_id=victim.id,
                channel="sms",
                contact_point_id=point.id,
                kind="update_published",
                case_id=case.id,
                template="new_update",
                template_version=1,
                source_key=f"grow:{case.id}:{i}",
                dedupe_key=uuid.uuid4().hex,
                status="failed_permanent",
            )
        )
        session.add(CallbackRequest(case_id=case.id, requested_by_id=victim.id, reason="asked"))
        for j in range(4):
            from_victim = j % 2 == 0
            session.add(
                Message(
                    case_id=case.id,
                    seq=4 * i + j + 1,
                    author_id=victim.id if from_victim else isva.id,
                    author_role="victim" if from_victim else "isva",
                    direction=MessageDirection.TO_SERVICE
                    if from_victim
                    else MessageDirection.TO_VICTIM,
                    body=f"message {i}.{j}",
                    idempotency_key=uuid.uuid4().hex,
                )
            )
    session.flush()
    session.expire_all()


def page_counts(client_request, login_as, people, case) -> list[int]:
    counts = []
    for who, endpoint, args in PAGES:
        login_as(people[who])
        if endpoint != "caseworker.home":
            args = {**args, "case_id": case.id}
        client_request.get(endpoint, **args)  # warm: first reads mark things read
        with counting() as statements:
            client_request.get(endpoint, **args)
        counts.append(len(statements))
    return counts


def test_benchmarked_pages_take_the_same_queries_at_any_size(session, client_request, login_as):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA)
    victim = make_user(session, org)
    victim.safety_info_seen_at = utcnow()
    case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=60))
    people = {"victim": victim, "isva": isva}
    grow_case(session, case, victim, isva, 2, start=0)
    grow_caseload(session, org, isva, 3)
    small = page_counts(client_request, login_as, people, case)

    grow_case(session, case, victim, isva, 60, start=2)
    grow_caseload(session, org, isva, 300, start=3)
    other = make_org(session)  # another service's data, which no page should touch
    grow_caseload(session, other, make_user(session, other, Role.ISVA), 50, start=400)
    large = page_counts(client_request, login_as, people, case)

    assert small == large, list(zip([p[1] for p in PAGES], small, large, strict=True))
    page = client_request.get("caseworker.home", sort="waiting", signal="unread")
    assert "304 open cases" in page.select_one("[data-testid=caseload-summary]").text
