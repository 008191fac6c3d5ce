"""The case page and the audit trail page use a fixed number of queries, however long the
assignment history or the trail (no query per row)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.clock import utcnow
from portal.models import Assignment, AuditOutcome, Role
from portal.services import audit
from tests.support.factories import make_case, make_org, make_user


@contextmanager
def counting():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def grow(session, org, case, supervisor, n):
    """n more past assignments (each a different ISVA) and n more audit rows by them."""
    start = utcnow() - timedelta(days=400)
    for i in range(n):
        isva = make_user(session, org, Role.ISVA)
        session.add(
            Assignment(
                case_id=case.id,
                isva_id=isva.id,
                starts_at=start + timedelta(days=i),
                ends_at=start + timedelta(days=i + 1),
            )
        )
        audit.record(
            session, actor=isva, action="case.view_case", outcome=AuditOutcome.ALLOWED, case=case
        )
    session.flush()
    session.expire_all()


def test_case_page_and_audit_page_queries_do_not_grow_with_rows(session, client_request, login_as):
    org = make_org(session)
    supervisor = make_user(session, org, Role.SUPERVISOR)
    case = make_case(session, org, make_user(session, org), make_user(session, org, Role.ISVA))
    login_as(supervisor)
    counts = []
    for more in (1, 15):
        grow(session, org, case, supervisor, more)
        with counting() as case_page:
            client_request.get("caseworker.case_page", case_id=case.id)
        with counting() as trail_page:
            client_request.get("caseworker.audit_trail")
        counts.append((len(case_page), len(trail_page)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 15, counts
