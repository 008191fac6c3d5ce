"""Test databases: one migrated template per test session, cloned when a test needs a real,
committed database (several connections or processes); otherwise a rolled-back transaction.

TEST_DATABASE_URL chooses the server: unset means SQLite files; a postgresql:// URL means
PostgreSQL, where each pytest process gets its own template (named with its pid).
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

_counter = itertools.count()


def server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return url or None


def is_postgres() -> bool:
    url = server_url()
    return bool(url and url.startswith("postgresql"))


def _pg_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _admin_engine():
    return create_engine(
        _pg_url(server_url() or "").set(database="postgres"), isolation_level="AUTOCOMMIT"
    )


class DatabaseFactory:
    """Makes the template once, then hands out fresh copies of it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.tag = f"wp{os.getpid()}"
        self.template_url = self._new_url("tpl")
        self.created: list[str] = []

    def _new_url(self, suffix: str) -> str:
        if is_postgres():
            name = f"{self.tag}_{suffix}"
            return (
                _pg_url(server_url() or "").set(database=name).render_as_string(hide_password=False)
            )
        return f"sqlite:///{self.workdir / f'{suffix}.db'}"

    def create_empty(self, url: str) -> None:
        if is_postgres():
            name = make_url(url).database
            with _admin_engine().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.created.append(name or "")
        else:
            path = Path(make_url(url).database or "")
            path.unlink(missing_ok=True)

    def empty(self) -> str:
        """A new database with no tables (a first deployment migrates it itself)."""
        url = self._new_url(f"e{next(_counter)}")
        self.create_empty(url)
        return url

    def clone(self) -> str:
        url = self._new_url(f"c{next(_counter)}")
        if is_postgres():
            name = make_url(url).database
            with _admin_engine().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                template = make_url(self.template_url).database
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            self.created.append(name or "")
        else:
            src = Path(make_url(self.template_url).database or "")
            dst = Path(make_url(url).database or "")
            shutil.copyfile(src, dst)
        return url

    def drop(self, url: str) -> None:
        if is_postgres():
            name = make_url(url).database
            with _admin_engine().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            for suffix in ("", "-wal", "-shm"):
                Path((make_url(url).database or "") + suffix).unlink(missing_ok=True)

    def drop_all(self) -> None:
        if not is_postgres():
            return
        with _admin_engine().connect() as conn:
            for name in [*self.created, make_url(self.template_url).database]:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
