"""Shared fixtures: the app, a database per test, a page-parsing client and login_as."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from portal import create_app
from portal.config import Settings, new_key
from portal.extensions import db, limiter
from portal.models import User
from tests.support.databases import DatabaseFactory
from tests.support.pages import ClientRequest

TEST_KEYS = {
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-production-checks",
    "ENCRYPTION_KEYS": new_key(),
    "LOOKUP_HASH_KEY": new_key(),
}


def make_settings(database_url: str, instance: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "WAYPOINT_ENV": "test",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "EXIT_URL": "http://127.0.0.1:9/neutral",
        **TEST_KEYS,
        **overrides,
    }
    return Settings.from_env(environ={}, **values)


def migrate(app: Flask) -> None:
    """Run every migration (all heads) against the app's database."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def suite_clock() -> Iterator[None]:
    """With WAYPOINT_TEST_NOW (an ISO 8601 instant), run every test as if it started then
    (the clock ticks on; tests that move time themselves still do), to find a test that passes
    only at some hours, days or dates, or that will fail once the real date passes a date it
    travels to: `make test-clock WHEN=2027-06-14T23:30:00Z`. Only this process's clock moves,
    with the live server's threads (nothing reads the database server's; the browser tests
    take every time they show from the server), so that target leaves out what runs in
    another process, and the liveness test that compares the clock with a file's real
    modification time."""
    when = os.environ.get("WAYPOINT_TEST_NOW")
    if not when:
        yield
        return
    with time_machine.travel(datetime.fromisoformat(when), tick=True):
        yield


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    workdir = tmp_path_factory.mktemp("db")
    factory = DatabaseFactory(workdir)
    factory.create_empty(factory.template_url)
    template_app = create_app(make_settings(factory.template_url, workdir / "instance"))
    migrate(template_app)
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def app(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The portal on its own copy of the migrated template (the template itself must stay
    unconnected so PostgreSQL can clone it); tests run inside a rolled-back transaction."""
    return create_app(make_settings(databases.clone(), tmp_path_factory.mktemp("instance")))


@pytest.fixture
def make_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Flask]]:
    """Build an app with other settings on a fresh, committed copy of the migrated database."""
    made: list[tuple[Flask, str]] = []

    def factory(**overrides: Any) -> Flask:
        url = overrides.pop("DATABASE_URL", None) or databases.clone()
        new = create_app(make_settings(url, tmp_path_factory.mktemp("instance"), **overrides))
        made.append((new, url))
        return new

    yield factory
    for made_app, url in made:
        with made_app.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.drop(url)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session whose work is rolled back after the test, even if the code commits.

    No app context stays pushed while the test runs: each test-client request gets a fresh one
    (as in production), with its own session joined to the same outer transaction.
    """
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    # Plain SQLAlchemy sessions bound to the test's connection (Flask-SQLAlchemy's own Session
    # would pick the engine and miss the test's uncommitted rows), one per app context.
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    limiter.reset()
    test_session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield test_session
    finally:
        test_session.close()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def client_request(app: Flask, client: FlaskClient) -> ClientRequest:
    return ClientRequest(app, client)


@pytest.fixture
def login_as(app: Flask, client: FlaskClient, session: Session) -> Callable[[User], User]:
    """Sign a user in on the test client without the sign-in form: a real server-side session
    (as after passphrase and TOTP), its token in the client's session cookie."""
    from portal.auth.loader import SESSION_KEY
    from portal.services.accounts.sessions import SessionLimits, start

    def login(user: User) -> User:
        token, _record = start(
            session, user, SessionLimits.from_settings(app.config["WAYPOINT_SETTINGS"])
        )
        session.flush()
        with client.session_transaction() as flask_session:
            flask_session.clear()
            flask_session[SESSION_KEY] = token
        return user

    return login


E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ is a browser test (``-m "not e2e"`` runs the rest)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
