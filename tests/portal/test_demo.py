"""Demo data: every role present, cases at different stages, idempotent, refused in production."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import demo
from portal.models import Assignment, Case, Role, User


def test_seed_creates_the_demo_service_and_is_idempotent(session):
    people = demo.seed(session)
    counts = {
        role: count
        for role, count in session.execute(select(User.role, func.count()).group_by(User.role))
    }
    assert counts[Role.SUPERVISOR] >= 1
    assert counts[Role.ISVA] >= 2
    assert counts[Role.VICTIM] >= 3
    cases = session.scalars(select(Case)).all()
    assert len(cases) >= 3
    assert len({c.opened_at.date() for c in cases}) == len(cases)
    assert all(c.active_assignment() is not None for c in cases)

    total = session.scalar(select(func.count()).select_from(User))
    again = demo.seed(session)
    assert session.scalar(select(func.count()).select_from(User)) == total
    assert session.scalar(select(func.count()).select_from(Assignment)) == len(cases)
    assert [p.email for p in again] == [p.email for p in people]


def test_seed_command_prints_sign_ins(make_app):
    app = make_app()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "sam.isva@demo.example.org" in result.output
    assert "demo victim passphrase a" in result.output


def test_seed_command_refuses_in_production(make_app):
    from portal.config import new_key

    app = make_app(
        WAYPOINT_ENV="production",
        PUBLIC_BASE_URL="https://waypoint.example.org",
        SMS_PROVIDER="twilio",
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="test-token",
        TWILIO_FROM_NUMBER="+447700900000",
        EMAIL_PROVIDER="smtp",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        ENCRYPTION_KEYS=new_key(),
    )
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "Refusing to seed demo data in production" in result.output
