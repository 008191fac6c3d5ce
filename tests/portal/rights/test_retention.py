"""Retention: a case closed longer ago than its organisation's period loses its content and
its victim's contact details; nothing else changes. Checked with raw SQL over every table."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.crypto import EncryptedText, ring
from portal.db import Base
from portal.models import AuditEvent, Case, CaseStatus, User
from portal.services.rights import retention
from tests.portal.rights.conftest import World, plant


def raw_dump(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as the database holds it (ciphertexts undecrypted)."""
    dump = {}
    for name in inspect(session.connection()).get_table_names():
        rows = session.execute(text(f'SELECT * FROM "{name}"')).mappings().all()  # noqa: S608
        dump[name] = [dict(r) for r in rows]
    return dump


def readable(dump: dict[str, list[dict[str, Any]]]) -> str:
    """All the text in a dump, with every ciphertext decrypted with its own column's key."""
    contexts = {
        (table.name, column.name): column.type.context
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    }
    out = []
    for table, rows in dump.items():
        for row in rows:
            for column, value in row.items():
                if isinstance(value, bytes | memoryview):
                    context = contexts.get((table, column))
                    assert context is not None, f"binary value in {table}.{column}"
                    out.append(ring().decrypt(bytes(value), context))
                elif value is not None:
                    out.append(str(value))
    return "\n".join(out)


def ciphertexts(dump: dict[str, list[dict[str, Any]]]) -> set[bytes]:
    return {
        bytes(v)
        for rows in dump.values()
        for row in rows
        for v in row.values()
        if isinstance(v, bytes | memoryview)
    }


def refers(row: dict[str, Any], *ids: uuid.UUID) -> bool:
    """Whether a raw row holds one of these ids (SQLite stores them as hex text)."""
    wanted = {i for u in ids for i in (u, u.hex, str(u))}
    return any(v in wanted for v in row.values() if isinstance(v, str | uuid.UUID))


def close(case: Case, days_ago: int) -> None:
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow() - timedelta(days=days_ago)


@pytest.fixture
def due(world: World, session: Session) -> World:
    """A closed 13 months ago (due); B open; C closed 6 months ago (within its 12 months)."""
    close(world.a.case, 400)
    c = plant(session, world.org, world.isva, world.supervisor, "CCC")
    close(c.case, 180)
    world.c = c  # type: ignore[attr-defined]
    session.flush()
    return world


def test_retention_destroys_the_due_case_and_nothing_else(due: World, session: Session):
    a, b, c = due.a, due.b, due.c  # type: ignore[attr-defined]
    before = raw_dump(session)
    a_blobs = {
        bytes(v)
        for rows in before.values()
        for row in rows
        if refers(row, a.case.id, a.victim.id)
        for v in row.values()
        if isinstance(v, bytes | memoryview)
    }
    audit_before = [r for r in before["audit_events"] if refers(r, a.case.id)]
    assert a_blobs

    outcome = retention.run(session)
    session.flush()
    assert [p.case_id for p in outcome.plans] == [a.case.id]

    after = raw_dump(session)
    text_after = readable(after)
    for marker in a.shown + a.staff_only + a.never + a.internal:
        if marker != "REF-AAA":  # the tombstone keeps the service's reference, on purpose
            assert marker not in text_after, marker
    for marker in (
        b.shown + b.staff_only + b.never + b.internal + c.shown + c.staff_only + c.internal
    ):
        assert marker in text_after, marker
    assert not a_blobs & ciphertexts(after)

    # Only kept tables still refer to the case; its audit rows are all still there.
    for table, rows in after.items():
        holding = [r for r in rows if refers(r, a.case.id)]
        if holding:
            assert table in retention.KEPT_TABLES, table
    audit_after = [r for r in after["audit_events"] if refers(r, a.case.id)]
    assert audit_before == [r for r in audit_after if r["action"] != "case.destroy_retention"]
    assert [r["action"] for r in audit_after if r not in audit_before] == ["case.destroy_retention"]
    tombstone = next(r for r in after["cases"] if refers(r, a.case.id))
    assert tombstone["status"] == "destroyed"
    assert tombstone["reference"] == "REF-AAA"
    _assert_victim_erased(after, a.victim.id)
    _assert_unchanged(before, after, b.case.id, c.case.id)


def _assert_victim_erased(after: dict[str, list[dict[str, Any]]], victim_id: uuid.UUID) -> None:
    """The victim's account is an empty shell, and nothing else of theirs is left."""
    victim_row = next(r for r in after["users"] if refers({"id": r["id"]}, victim_id))
    for column in ("display_name", "display_name_lookup", "email", "email_lookup", "phone"):
        assert victim_row[column] is None, column
    assert victim_row["password_hash"] is None
    assert victim_row["totp_secret"] is None
    assert not victim_row["is_enabled"]
    for table in ("user_sessions", "notification_contact_points", "notification_consents"):
        assert not [r for r in after[table] if refers(r, victim_id)], table


def _assert_unchanged(
    before: dict[str, list[dict[str, Any]]],
    after: dict[str, list[dict[str, Any]]],
    *case_ids: uuid.UUID,
) -> None:
    """Every row of these cases is exactly as it was (the trail and run log only grow)."""
    for table, rows in before.items():
        if table in ("audit_events", "retention_runs"):
            continue
        for row in rows:
            if refers(row, *case_ids):
                assert row in after[table], (table, row)


def test_a_second_run_changes_nothing(due: World, session: Session):
    retention.run(session)
    session.flush()
    first = raw_dump(session)
    outcome = retention.run(session)
    session.flush()
    assert outcome.plans == []
    second = raw_dump(session)
    assert len(second.pop("retention_runs")) == len(first.pop("retention_runs")) + 1
    assert second == first


def test_a_dry_run_lists_the_work_and_changes_nothing(due: World, session: Session):
    before = raw_dump(session)
    outcome = retention.run(session, dry_run=True)
    session.flush()
    assert raw_dump(session) == before
    (plan,) = outcome.plans
    assert plan.case_id == due.a.case.id
    assert plan.rows["messages"] == 3
    assert plan.rows["case_updates"] == 4
    assert plan.rows["notification_contact_points"] == 1
    lines = "\n".join(retention.describe(outcome))
    assert "would destroy" in lines
    assert "messages: 3 row(s)" in lines
    assert "AAA" not in lines  # ids and counts, never contents


def test_the_period_is_the_organisations_and_counts_calendar_months(due: World, session):
    due.org.retention_months = 24
    session.flush()
    assert retention.run(session, dry_run=True).plans == []
    due.org.retention_months = 6
    due.c.case.closed_at = utcnow() - timedelta(days=1)  # type: ignore[attr-defined]
    session.flush()
    with time_machine.travel(utcnow() + timedelta(days=200), tick=False):
        ids = {p.case_id for p in retention.run(session, dry_run=True).plans}
    assert ids == {due.a.case.id, due.c.case.id}  # type: ignore[attr-defined]


def test_a_victim_with_another_live_case_keeps_their_account(due: World, session: Session):
    from tests.support.factories import make_case

    make_case(session, due.org, due.a.victim, due.isva, reference="REF-AAA-2")
    (plan,) = retention.run(session).plans
    assert not plan.user_data
    session.flush()
    session.expire_all()
    victim = session.get(User, due.a.victim.id)
    assert victim is not None
    assert victim.email == "aaamail@example.org"
    assert victim.is_enabled
    assert session.get(Case, due.a.case.id).status == CaseStatus.DESTROYED
    assert session.query(AuditEvent).filter_by(case_id=due.a.case.id).count() >= 3


def test_every_table_that_can_hold_a_victims_data_is_classified():
    """A table referring to a person is destroyed with the case (it has a case_id, or refers
    to a table that has), destroyed with the victim (VICTIM_OWNED), or declared to hold no
    victim's data. A new table fails here until someone decides which."""
    tables = Base.metadata.tables
    owned = {name for name, _ in retention.VICTIM_OWNED}

    def reaches_a_case(table, seen=()) -> bool:
        if "case_id" in table.c and table.name not in ("cases",):
            return True
        return any(
            reaches_a_case(fk.column.table, (*seen, table.name))
            for fk in table.foreign_keys
            if fk.column.table.name not in (*seen, table.name, "users", "organisations")
        )

    unclassified = [
        name
        for name, table in tables.items()
        if any(fk.column.table.name == "users" for fk in table.foreign_keys)
        and name not in owned
        and name not in retention.NOT_ABOUT_VICTIMS
        and name not in retention.KEPT_TABLES
        and not reaches_a_case(table)
    ]
    assert unclassified == []
