"""``make run`` on SQLite: the web server, the notification worker and the scheduler are separate
processes writing one file. A request that reads and then writes must not fail with "database
is locked" because the worker committed in between; pages that only read never wait.

These run on a SQLite file whatever TEST_DATABASE_URL says (the problem is SQLite's own; on
PostgreSQL the begin hook does nothing and the whole suite runs through it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask, request
from sqlalchemy import event, select

from portal import create_app
from portal.clock import utcnow
from portal.extensions import db
from portal.models import Organisation, UserSession
from portal.services.accounts import sessions
from tests.conftest import make_settings, migrate
from tests.support.pages import ClientRequest
from tests.support.signin import signed_in_client


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    path = tmp_path / "waypoint.db"
    app = create_app(make_settings(f"sqlite:///{path}", tmp_path / "instance"))
    migrate(app)
    yield app, path
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Worker:
    """Stands in for the notification worker: its own connection to the file, writing in a
    transaction of its own. It does not wait for a lock (timeout 0), so a test can see at once
    whether the web request holds the write lock, without threads or sleeps."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        self.results: list[str] = []

    def try_to_commit(self, name: str) -> None:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            self.results.append(str(error))
            return
        self.connection.execute("UPDATE organisations SET name = ?", (name,))
        self.connection.execute("COMMIT")
        self.results.append("committed")


def test_stay_signed_in_works_when_the_worker_commits_between_its_read_and_its_write(
    sqlite_app: tuple[Flask, Path],
) -> None:
    """The "Stay signed in" button reads the session, then writes its last-seen time. The
    worker tries to commit right after that read: it has to wait for the request (which holds
    the write lock from its BEGIN), so the request finishes and the worker commits after it.
    Without the write lock up front, the worker's commit would go through and the request's
    write would fail at once with "database is locked" (an error page, no extra time)."""
    app, path = sqlite_app
    worker = Worker(path)
    with time_machine.travel(utcnow(), tick=False) as clock:
        client, record_id = signed_in_client(app)
        token = ClientRequest(app, client).csrf_token("/sign-in")
        # Five seconds on: too soon for the request to refresh its last-seen time on its own
        # (every 15 s), so the read and the button's write share one transaction.
        clock.shift(5)

        def worker_commits_after_the_first_read(*args: Any) -> None:
            statement = args[2]
            if request.method == "POST" and not worker.results and statement.startswith("SELECT"):
                worker.try_to_commit("Renamed by the worker")

        with app.app_context():
            engine = db.engine
        event.listen(engine, "after_cursor_execute", worker_commits_after_the_first_read)
        try:
            response = client.post("/session/keep-alive", data={"csrf_token": token})
        finally:
            event.remove(engine, "after_cursor_execute", worker_commits_after_the_first_read)

        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        limits = sessions.SessionLimits.from_settings(app.config["WAYPOINT_SETTINGS"])
        assert response.get_json() == {"secondsRemaining": int(limits.victim_idle.total_seconds())}
        assert worker.results == ["database is locked"]  # it waited for the request
        worker.try_to_commit("Renamed by the worker")  # and then went ahead
        assert worker.results[-1] == "committed"
        with app.app_context():
            record = db.session.get(UserSession, record_id)
            assert record is not None
            assert record.last_seen_at == utcnow()  # the button's write went through
            assert db.session.scalar(select(Organisation.name)) == "Renamed by the worker"
            db.session.remove()


def test_pages_that_only_read_never_wait_for_the_worker(sqlite_app: tuple[Flask, Path]) -> None:
    """While the worker is in the middle of a write, a GET still answers at once: only
    requests that may write take the write lock (so reading stays concurrent)."""
    app, path = sqlite_app
    worker = Worker(path)
    with time_machine.travel(utcnow(), tick=False):
        client, _record_id = signed_in_client(app)
        worker.connection.execute("BEGIN IMMEDIATE")
        worker.connection.execute("UPDATE organisations SET name = 'Mid-write'")
        try:
            response = client.get("/my-case/")
        finally:
            worker.connection.execute("COMMIT")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_a_post_leaves_no_write_lock_behind_when_served_inside_an_app_context(
    sqlite_app: tuple[Flask, Path],
) -> None:
    """A POST holds the write lock until its session ends. When an app context was already
    pushed (a CLI command, a test), Flask reuses it for the request, so the session must end
    with the request, not with that context, or the worker would wait on a lock nobody uses."""
    app, path = sqlite_app
    worker = Worker(path)
    with time_machine.travel(utcnow(), tick=False) as clock:
        client, _record_id = signed_in_client(app)
        token = ClientRequest(app, client).csrf_token("/sign-in")
        clock.shift(5)
        with app.app_context():
            response = client.post("/session/keep-alive", data={"csrf_token": token})
            assert response.status_code == 200
            worker.try_to_commit("After the request")
    assert worker.results == ["committed"]
