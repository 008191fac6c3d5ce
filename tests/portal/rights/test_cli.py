"""`flask retention run [--dry-run]` on a committed database, as cron would run it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Case, CaseStatus, Role
from portal.models.message import Message
from portal.models.rights import RetentionRun
from tests.portal.rights.conftest import plant
from tests.support.factories import make_org, make_user


def test_dry_run_then_run_then_nothing_left(make_app):
    app = make_app()
    with app.app_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA, name="Sam Taylor")
        supervisor = make_user(session, org, Role.SUPERVISOR, name="Pat Lead")
        due = plant(session, org, isva, supervisor, "OLD")
        due.case.status = CaseStatus.CLOSED
        due.case.closed_at = utcnow() - timedelta(days=400)
        kept = plant(session, org, isva, supervisor, "NEW")
        session.commit()
        due_id, kept_id = due.case.id, kept.case.id
        db.session.remove()

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"case {due_id} (retention): would destroy" in dry.output
    assert "messages: 3 row(s)" in dry.output
    assert "OLD" not in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 6
        assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 0
        db.session.remove()

    real = runner.invoke(args=["retention", "run"])
    assert real.exit_code == 0, real.output
    assert f"case {due_id} (retention): destroyed" in real.output
    again = runner.invoke(args=["retention", "run"])
    assert "no cases are due" in again.output
    with app.app_context():
        assert db.session.get(Case, due_id).status == CaseStatus.DESTROYED
        assert db.session.get(Case, kept_id).status == CaseStatus.OPEN
        remaining = db.session.scalars(select(Message.case_id)).all()
        assert set(remaining) == {kept_id}
        runs = db.session.scalars(select(RetentionRun).order_by(RetentionRun.started_at)).all()
        assert [r.cases_destroyed for r in runs] == [1, 0]
        assert runs[0].summary[str(due_id)]["rows"]["messages"] == 3
        db.session.remove()


def test_two_runs_at_once_destroy_each_case_once(make_app):
    """On PostgreSQL a second run skips the case the first has locked; on SQLite runs are
    serialised by BEGIN IMMEDIATE. Either way the case is destroyed and audited once."""
    from sqlalchemy.orm import Session

    from portal.models import AuditEvent
    from portal.services.rights import retention

    app = make_app()
    with app.app_context():
        session = db.session()
        org = make_org(session)
        isva = make_user(session, org, Role.ISVA, name="Sam Taylor")
        supervisor = make_user(session, org, Role.SUPERVISOR, name="Pat Lead")
        due = plant(session, org, isva, supervisor, "OLD")
        due.case.status = CaseStatus.CLOSED
        due.case.closed_at = utcnow() - timedelta(days=400)
        session.commit()
        due_id = due.case.id
        db.session.remove()
        engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")
        with app.test_request_context():
            first = Session(bind=engine)
            assert [p.case_id for p in retention.run(first).plans] == [due_id]
            if engine.dialect.name == "postgresql":
                with Session(bind=engine) as second:
                    assert retention.run(second).plans == []
                    second.commit()
            first.commit()
            first.close()
            with Session(bind=engine) as third:
                assert retention.run(third).plans == []
                third.commit()
                destroyed = third.scalars(
                    select(AuditEvent).where(
                        AuditEvent.case_id == due_id, AuditEvent.action == "case.destroy_retention"
                    )
                ).all()
                assert len(destroyed) == 1
        db.engine.dispose()
