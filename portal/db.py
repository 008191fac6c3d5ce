"""The declarative Base every model uses, and the engine tweaks each database needs.

Constraint names are fixed by convention so Alembic migrations are identical on SQLite and
PostgreSQL; timestamps are timezone-aware UTC on both (SQLite stores no zone, so we restore it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ColumnElement, DateTime, MetaData, Uuid, any_, bindparam, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

from portal.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC going in and coming out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use portal.clock.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), uuid.UUID: Uuid()},
    )


class IdMixin:
    """UUID primary key: ids in URLs reveal nothing about how many cases a service holds."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


db = SQLAlchemy(model_class=Base, disable_autonaming=True)


class IdArray:
    """A set of ids bound as ONE PostgreSQL array parameter (``= ANY(:ids)``): the statement's
    text never grows with the set, and the planner sees how many ids there are, so it probes
    an index per id rather than hashing a whole table (as ``IN (SELECT unnest(...))`` did)."""

    def __init__(self, ids: Iterable[uuid.UUID]) -> None:
        self.param = bindparam(None, list(ids), type_=postgresql.ARRAY(Uuid()))


def among(column: Any, ids: Any) -> ColumnElement[bool]:
    """``column IN ids``, where ``ids`` is a list of ids, a subquery selecting them, or an
    ``IdArray`` (PostgreSQL only)."""
    if isinstance(ids, IdArray):
        return column == any_(ids.param)
    return column.in_(ids)


def engine_options(url: str) -> dict[str, Any]:
    """The engine's options. SQL parameters are never echoed into logs or errors (they can hold
    lookups or ciphertexts). PostgreSQL connections run without JIT compilation: the portal's
    queries are short, and a misestimated one (an ISVA's caseload signals at 300,000 victims)
    spent 12 ms compiling to run in 4."""
    options: dict[str, Any] = {"hide_parameters": True, "pool_pre_ping": True}
    if url.startswith("postgresql"):
        options["connect_args"] = {"options": "-c jit=off"}
    return options


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Make SQLite behave: foreign keys on, WAL for a web process beside a worker, and let
    SQLAlchemy (not the driver) emit BEGIN so savepoints and BEGIN IMMEDIATE work."""
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Requests that never write: their transactions stay DEFERRED (readers never wait on SQLite).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _request_begin_mode() -> str:
    """A web request that may write (POST and the like) takes SQLite's write lock when its
    transaction begins. A DEFERRED transaction that has read cannot be upgraded once another
    process (the notification worker, the scheduler) has committed since: SQLite answers
    "database is locked" at once, whatever the busy timeout. IMMEDIATE waits its turn instead."""
    if has_request_context() and request.method not in READ_ONLY_METHODS:
        return "IMMEDIATE"
    return ""


def end_request_transaction(_error: BaseException | None) -> None:
    """teardown_request: a request that may write ends its session (so its transaction, and on
    SQLite the write lock) with the request. Flask-SQLAlchemy ends it with the app context,
    which outlives the request when one was pushed already (a CLI command, a test)."""
    if request.method not in READ_ONLY_METHODS:
        db.session.remove()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Any) -> None:
    """Emit BEGIN ourselves on SQLite; ``execution_options(sqlite_begin="IMMEDIATE")`` takes the
    write lock up front (what FOR UPDATE would do elsewhere; SQLite silently drops FOR UPDATE),
    and so does every transaction of a request that may write (every one, not only the first:
    a request can commit more than once, e.g. the session's last-seen time, then its work).
    PostgreSQL is untouched: its row locks and MVCC need none of this."""
    if conn.dialect.name != "sqlite":
        return
    mode = conn.get_execution_options().get("sqlite_begin") or _request_begin_mode()
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def insert_once(session: Any, model: type[Base], values: dict[str, Any], unique: list[str]) -> bool:
    """INSERT ... ON CONFLICT (unique) DO NOTHING: True only for the one caller whose row went
    in. A concurrent transaction inserting the same key waits on the unique index, then adds
    nothing, so "do this once" holds across processes on PostgreSQL and SQLite alike."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(model).on_conflict_do_nothing(index_elements=unique).returning(model.id)  # type: ignore[attr-defined]
    return session.scalar(statement, values) is not None
