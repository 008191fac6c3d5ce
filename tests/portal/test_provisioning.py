"""Putting a service into use from the command line: ``flask organisations``.

Each test runs the real CLI against its own committed copy of the migrated database, as an
operator would on a new deployment (production settings included)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from notifications.models import Notification
from portal.config import new_key
from portal.extensions import db
from portal.models import AuditEvent, Invitation, Organisation, Role, User

CREATE = [
    "organisations",
    "create",
    "--name",
    "Northshire ISVA Service",
    "--service-name",
    "Compass",
    "--reply-days",
    "2",
    "--retention-months",
    "24",
    "--crisis-contact",
    "Samaritans: 116 123",
    "--crisis-contact",
    "Local line: 0800 123 456",
    "--exit-url",
    "https://www.example.org/news",
]
INVITE = [
    "organisations",
    "invite-admin",
    "--organisation",
    "northshire isva service",
    "--name",
    "Dana Okafor",
    "--email",
    "Dana.Okafor@northshire.example.org",
]
PRODUCTION = {
    "WAYPOINT_ENV": "production",
    "PUBLIC_BASE_URL": "https://waypoint.example.org",
    "SMS_PROVIDER": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "test-token",
    "TWILIO_FROM_NUMBER": "+447700900000",
    "EMAIL_PROVIDER": "smtp",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
}
LINK = re.compile(r"^  (https?://\S+/invitation/\S+)$", re.MULTILINE)


def run(app: Flask, args: list[str]) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=args)
    return result.exit_code, result.output


def count(app: Flask, statement) -> int:
    with app.app_context():
        return db.session.scalar(statement) or 0


def audit_rows(app: Flask) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.occurred_at)).all()
        return [(r.action, r.actor_role, str(r.actor_id) if r.actor_id else None) for r in rows]


@pytest.fixture
def production_app(make_app) -> Flask:
    return make_app(**PRODUCTION, ENCRYPTION_KEYS=new_key())


def test_an_operator_sets_up_a_service_in_production(production_app):
    app = production_app
    code, output = run(app, CREATE)
    assert code == 0, output
    assert "Created 'Northshire ISVA Service'" in output
    with app.app_context():
        org = db.session.scalar(select(Organisation))
        assert (
            org.name,
            org.service_name,
            org.reply_target_working_days,
            org.retention_months,
            org.crisis_contacts,
            org.exit_url,
        ) == (
            "Northshire ISVA Service",
            "Compass",
            2,
            24,
            "Samaritans|116 123;Local line|0800 123 456",
            "https://www.example.org/news",
        )
    code, output = run(app, INVITE)
    assert code == 0, output
    links = LINK.findall(output)
    assert len(links) == 1
    assert links[0].startswith("https://waypoint.example.org/invitation/")
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        assert admin.email == "dana.okafor@northshire.example.org"
        assert admin.display_name == "Dana Okafor"
        assert admin.password_hash is None  # they choose it when they accept
        queued = db.session.scalars(select(Notification)).all()
        assert [(n.kind, n.recipient_id, n.status) for n in queued] == [
            ("staff_invitation", admin.id, "queued")
        ]
        assert links[0].endswith("/" + queued[0].secret)
    assert audit_rows(app) == [
        ("organisation.create", "operator", None),
        ("staff.invite_first_admin", "operator", None),
    ]
    # The link opens the invitation (the admin chooses a passphrase, then sets up TOTP).
    client = app.test_client()
    response = client.get(urlsplit(links[0]).path, base_url="https://waypoint.example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/invitation/passphrase"


def test_creating_again_with_the_same_settings_changes_nothing(make_app):
    app = make_app()
    assert run(app, CREATE)[0] == 0
    code, output = run(app, [*CREATE[:3], "  NORTHSHIRE isva   Service ", *CREATE[4:]])
    assert code == 0, output
    assert "already exists with these settings: nothing changed" in output
    assert count(app, select(func.count()).select_from(Organisation)) == 1
    assert [row[0] for row in audit_rows(app)] == ["organisation.create"]


def test_creating_again_with_other_settings_is_refused_and_names_them(make_app):
    app = make_app()
    assert run(app, CREATE)[0] == 0
    code, output = run(app, [*CREATE[:6], "--retention-months", "6"])
    assert code == 1
    assert "already exists with different settings" in output
    assert "retention" in output
    assert "crisis contacts" in output
    with app.app_context():
        org = db.session.scalar(select(Organisation))
        assert org.retention_months == 24
    assert len(audit_rows(app)) == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--service-name", "Northshire Rape Support", "does not say what the service is for"),
        ("--service-name", "", "Enter a service name"),
        ("--exit-url", "http://www.example.org/", "starting with https://"),
        ("--retention-months", "0", "from 1 to 120"),
        ("--reply-days", "11", "from 1 to 10"),
        ("--crisis-contact", "Samaritans 116 123", "a colon"),
        ("--name", "   ", "Give the organisation a name"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_created(make_app, option, value, message):
    app = make_app()
    code, output = run(app, ["organisations", "create", "--name", "Service", option, value])
    assert code == 1
    assert message in output
    assert count(app, select(func.count()).select_from(Organisation)) == 0
    assert audit_rows(app) == []


def test_inviting_the_first_admin_again_replaces_the_link(make_app):
    app = make_app()
    run(app, CREATE)
    first = LINK.findall(run(app, INVITE)[1])[0]
    code, output = run(app, INVITE)
    assert code == 0, output
    assert "The earlier invitation no longer works" in output
    second = LINK.findall(output)[0]
    assert first != second
    client = app.test_client()
    assert client.get(urlsplit(first).path).status_code == 404
    assert client.get(urlsplit(second).path).status_code == 302
    assert count(app, select(func.count()).select_from(User)) == 1
    with app.app_context():
        live = db.session.scalars(select(Invitation).where(Invitation.revoked_at.is_(None))).all()
        assert len(live) == 1


def test_a_second_first_admin_is_refused(make_app):
    app = make_app()
    run(app, CREATE)
    run(app, INVITE)
    other = [*INVITE[:-1], "someone.else@northshire.example.org"]
    code, output = run(app, other)
    assert code == 1
    assert "already has an administrator invited" in output
    # Once the admin has set up their account, everyone else is invited in the portal.
    with app.app_context():
        admin = db.session.scalar(select(User))
        admin.password_hash = "set"
        db.session.commit()
    for args in (INVITE, other):
        code, output = run(app, args)
        assert code == 1
        assert "Invite more people in the portal" in output
    assert count(app, select(func.count()).select_from(User)) == 1
    assert count(app, select(func.count()).select_from(Notification)) == 1


def test_an_address_already_in_use_or_not_an_address_is_refused(make_app):
    app = make_app()
    run(app, CREATE)
    run(app, ["organisations", "create", "--name", "Southshire Service"])
    run(app, [*INVITE[:3], "Southshire Service", *INVITE[4:]])
    code, output = run(app, INVITE)
    assert code == 1
    assert "already an account with this email address" in output
    code, output = run(app, [*INVITE[:-1], "dana at northshire"])
    assert code == 1
    assert "is not a valid email address" in output
    code, output = run(app, [*INVITE[:3], "Nowhere", *INVITE[4:]])
    assert code == 1
    assert "There is no organisation called 'Nowhere'" in output


def test_the_list_shows_each_service_and_its_staff(make_app):
    app = make_app()
    assert "No organisations yet" in run(app, ["organisations", "list"])[1]
    run(app, CREATE)
    run(app, INVITE)
    output = run(app, ["organisations", "list"])[1]
    assert "Northshire ISVA Service  (service name 'Compass', 1 staff" in output
    assert "dana" not in output.lower()
