"""One transaction owner per request (portal/transaction.py): a request commits once when it
succeeded and rolls back everything it wrote when a service refused, even when the view caught
the refusal and answered 200 or redirected; what must outlast a refusal (the audit row of a
case read or of a denial) is kept.

The refusal tests wrap a real service so that it does its real writes and then raises its
real domain error: the situation a view cannot see from outside (part of the work was written
before the service found the reason to say no).
"""

from __future__ import annotations

import ast
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.loader import SESSION_KEY
from portal.clock import utcnow
from portal.extensions import db
from portal.models import Assignment, AuditEvent, AuditOutcome, User
from portal.models.message import Absence
from portal.models.update import UpdateCadence
from portal.refusal import Refusal
from portal.services.accounts.sessions import SessionLimits, start
from portal.services.caseload import assignment
from portal.services.messaging import availability
from portal.services.updates import checkins
from tests.portal.policy.scenario import Scenario, audit_rows, build
from tests.support.pages import ClientRequest


@pytest.fixture
def world(session: Session) -> Scenario:
    return build(session)


def _then_refuse(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, refusal: Callable[[], Refusal]
) -> None:
    """Make ``module.name`` do its real work (its writes), then raise ``refusal()`` (created in
    the request, as services do: creating a refusal is what marks the request)."""
    real = getattr(module, name)

    def writes_then_refuses(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)
        db.session.flush()  # the partial write reaches the database, not only the session
        raise refusal()

    monkeypatch.setattr(module, name, writes_then_refuses)


def test_a_refused_assignment_leaves_no_partial_write_but_keeps_the_read_audit(
    world, session, client_request, login_as, monkeypatch
):
    _then_refuse(monkeypatch, assignment, "assign", lambda: assignment.AssignmentError("Not now"))
    login_as(world.supervisor)
    page = client_request.post(
        "caseworker.assign",
        {"isva": str(world.unassigned_isva.id)},
        _expected_status=200,  # the view caught the refusal and shows the form again
        case_id=world.case.id,
    )
    assert "Not now" in page.select_one(".govuk-error-summary").text

    session.expire_all()
    assert world.case.active_assignment().isva_id == world.isva.id  # not reassigned
    assert (
        session.scalar(
            select(Assignment).where(
                Assignment.case_id == world.case.id, Assignment.isva_id == world.unassigned_isva.id
            )
        )
        is None
    )
    assert audit_rows(session, action="assignment.create") == []  # the service's own audit row
    # The supervisor did see the case page: that read stays on the trail.
    reads = audit_rows(session, action="case.assign", actor_id=world.supervisor.id)
    assert reads
    assert {row.outcome for row in reads} == {AuditOutcome.ALLOWED}


def test_a_refused_check_in_choice_leaves_no_partial_write(
    world, session, client_request, login_as, monkeypatch
):
    _then_refuse(monkeypatch, checkins, "set_by_victim", lambda: checkins.CheckInError("Not now"))
    login_as(world.victim)
    client_request.post(
        "victim.checkin_cadence",
        {"weeks": "2"},
        _expected_status=200,
        _form_url=client_request.url("victim.reminders_page", case_id=world.case.id),
        case_id=world.case.id,
    )
    session.expire_all()
    assert session.get(UpdateCadence, world.case.id) is None
    assert audit_rows(session, object_id=str(world.case.id), actor_id=world.victim.id) == []


def test_a_refusal_followed_by_a_redirect_still_rolls_back(
    world, session, client_request, login_as, monkeypatch
):
    today = utcnow().date()
    absence = availability.set_absence(
        session, world.isva, world.isva, world.unassigned_isva, today, today + timedelta(days=3)
    )
    session.flush()
    _then_refuse(
        monkeypatch, availability, "end_absence", lambda: availability.AbsenceError("Not now")
    )
    login_as(world.isva)
    client_request.post(
        "caseworker.end_out_of_office",
        {},
        _expected_status=302,  # redirect-after-POST is success, but a service refused
        _form_url=client_request.url("caseworker.out_of_office"),
        absence_id=absence.id,
    )
    session.expire_all()
    assert session.get(Absence, absence.id).ended_at is None
    assert audit_rows(session, action="absence.end") == []


def test_a_refusal_outside_a_request_marks_nothing(app: Flask):
    """CLI commands and workers own their transactions: a refusal there is only an exception."""
    with app.app_context():
        error = checkins.CheckInError("no")
    assert isinstance(error, Refusal)
    assert isinstance(error, ValueError)  # callers catching ValueError still do


# --- on a committed database: what the request commits is there for everyone else -------------


@dataclass(frozen=True)
class Ids:
    case: uuid.UUID
    supervisor: uuid.UUID
    unassigned_isva: uuid.UUID
    other_org_supervisor: uuid.UUID


@pytest.fixture
def committed(make_app) -> Iterator[tuple[Flask, Ids, sqlalchemy.Engine]]:
    app = make_app()
    with app.app_context():
        built = build(db.session())
        db.session.commit()
        world = Ids(
            case=built.case.id,
            supervisor=built.supervisor.id,
            unassigned_isva=built.unassigned_isva.id,
            other_org_supervisor=built.other_org_supervisor.id,
        )
    engine = sqlalchemy.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    yield app, world, engine
    engine.dispose()


def _signed_in(app: Flask, user_id: object) -> ClientRequest:
    """A test client signed in as the user, with a committed server-side session."""
    with app.app_context():
        user = db.session.get(User, user_id)
        token, _record = start(
            db.session(), user, SessionLimits.from_settings(app.config["WAYPOINT_SETTINGS"])
        )
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session[SESSION_KEY] = token
    return ClientRequest(app, client)


def test_a_successful_post_is_committed(committed):
    app, world, engine = committed
    as_supervisor = _signed_in(app, world.supervisor)
    as_supervisor.post(
        "caseworker.assign", {"isva": str(world.unassigned_isva)}, case_id=world.case
    )
    with Session(engine) as fresh:  # another connection: sees only what was committed
        active = fresh.scalars(
            select(Assignment).where(Assignment.case_id == world.case, Assignment.ends_at.is_(None))
        ).all()
        assert [a.isva_id for a in active] == [world.unassigned_isva]
        actions = set(
            fresh.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == world.supervisor))
        )
        assert {"case.assign", "assignment.create"} <= actions


def test_a_denied_case_read_is_answered_404_and_its_audit_row_is_committed(committed):
    app, world, engine = committed
    outsider = _signed_in(app, world.other_org_supervisor)
    outsider.get("caseworker.case_page", _expected_status=404, case_id=world.case)
    with Session(engine) as fresh:
        [row] = fresh.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == world.other_org_supervisor)
        ).all()
        assert row.outcome == AuditOutcome.DENIED
        assert row.object_id == str(world.case)


# --- so it stays that way ----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# Who may call commit() in code a web request runs: the owner, and the views that declare
# @owns_transaction (and the one CLI command that lives in a blueprint). CLI modules and the
# workers are their own owners and are not listed here.
COMMITTERS = {
    ("portal/transaction.py", "commit_before_work"),
    ("portal/transaction.py", "finish"),
    ("portal/api/views.py", "case_events"),
    ("portal/api/views.py", "_after_race"),
    ("portal/auth/loader.py", "end_for_exit"),  # for the exit page (@owns_transaction)
    ("portal/auth/views.py", "prune_sessions"),  # a CLI command
}
REQUEST_CODE = [
    *(p for p in (ROOT / "portal").rglob("*.py") if not p.name.startswith("cli")),
    ROOT / "notifications" / "webhooks.py",
    ROOT / "notifications" / "unsubscribe_views.py",
]


def _commits(path: Path) -> set[tuple[str, str]]:
    found = set()
    tree = ast.parse(path.read_text())
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                found.add((path.relative_to(ROOT).as_posix(), function.name))
    return found


def test_only_the_request_owner_commits():
    """Services never commit, and views leave it to portal.transaction."""
    committers = set().union(*(_commits(path) for path in REQUEST_CODE))
    assert committers == COMMITTERS
