"""Retention: destroying a case's content and its victim's contact details once the case has
been closed for longer than its organisation's retention period (``retention_months``), or at
once after a closed case's approved erasure request.

What is kept, and why: the case row as a tombstone (reference, dates, status "destroyed"), its
assignments (who was responsible), the audit trail (the law requires a record of who accessed
and changed personal data, and it holds ids and labels only), and the records of subject access
and erasure requests (dates only: the proof the request was handled). Everything else that
refers to the case is deleted with real DELETEs, found through the schema itself: every table
with a ``case_id`` column that is not in ``KEPT_TABLES``, and every row that refers to a
deleted row. So a new table that holds case content is destroyed without anyone remembering to
add it here.

The victim's own account data (contact points, consent log, notification preferences and
records, sessions, invitations, recovery codes) goes too, once none of their cases is left
undestroyed; their user row keeps only its id, role and organisation (name, email, phone,
passphrase and TOTP secret set to NULL; disabled).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.db import Base
from portal.models import AuditOutcome, Case, CaseStatus, Organisation, User
from portal.models.rights import ErasureRequest, ErasureStatus, RetentionRun
from portal.services import audit
from portal.services.updates.deadlines import add_months

log = logging.getLogger(__name__)

# Tables with a case_id whose rows outlive the case's content (see the module docstring).
KEPT_TABLES = frozenset(
    {
        "cases",
        "audit_events",
        "assignments",
        "subject_access_requests",
        "erasure_requests",
    }
)
# Rows about the victim as a person, destroyed once none of their cases remains.
VICTIM_OWNED = (
    ("notification_contact_points", "user_id"),
    ("notification_preferences", "user_id"),
    ("reminder_settings", "user_id"),
    ("notification_consents", "user_id"),
    ("notifications", "recipient_id"),
    ("recovery_codes", "user_id"),
    ("user_sessions", "user_id"),
    ("invitations", "user_id"),
    ("case_update_disclosure_choices", "victim_id"),
)
# Tables that refer to users but hold nothing about a victim (staff and organisation records).
# A new table referring to users must be classified: a test checks every one is.
NOT_ABOUT_VICTIMS = frozenset(
    {"users", "saved_replies", "staff_absences", "partners", "partner_api_keys"}
)
CHUNK = 500


@dataclass
class CasePlan:
    """What destroying one case removes: rows per table (counts only, never contents)."""

    case_id: uuid.UUID
    organisation_id: uuid.UUID
    reason: str  # "retention" or "erasure"
    user_data: bool  # the victim's account data goes too
    rows: dict[str, int] = field(default_factory=dict)
    _keys: dict[str, list[Any]] = field(default_factory=dict, repr=False)


@dataclass
class Outcome:
    dry_run: bool
    plans: list[CasePlan]
    run: RetentionRun | None = None

    @property
    def summary(self) -> dict[str, Any]:
        return {
            str(p.case_id): {"reason": p.reason, "user_data": p.user_data, "rows": p.rows}
            for p in self.plans
        }


def months_after(moment: datetime, months: int) -> datetime:
    """The same instant ``months`` calendar months later (clamped to the month's end)."""
    day = add_months(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def due_cases(session: Session, now: datetime | None = None) -> list[tuple[Case, str]]:
    """Closed cases past their organisation's period, or with an approved erasure request."""
    now = now or utcnow()
    closed = session.execute(
        select(Case, Organisation.retention_months)
        .join(Organisation, Organisation.id == Case.organisation_id)
        .where(Case.status == CaseStatus.CLOSED)
        .order_by(Case.closed_at, Case.id)
        # Two runs at once (PostgreSQL): each case is taken by one; SQLite's BEGIN IMMEDIATE
        # already lets only one run write at a time.
        .with_for_update(of=Case, skip_locked=True)
    ).all()
    erasing = set(
        session.scalars(
            select(ErasureRequest.case_id).where(ErasureRequest.status == ErasureStatus.APPROVED)
        )
    )
    due = []
    for case, months in closed:
        if case.id in erasing:
            due.append((case, "erasure"))
        elif case.closed_at is not None and months_after(case.closed_at, months) <= now:
            due.append((case, "retention"))
    return due


def _tables() -> dict[str, Table]:
    return dict(Base.metadata.tables)


def _single_pk(table: Table) -> Column[Any]:
    pk = list(table.primary_key.columns)
    if len(pk) != 1:
        raise RuntimeError(f"retention needs a single-column primary key on {table.name}")
    return pk[0]


def _in(column: Column[Any], values: list[Any]) -> ColumnElement[bool]:
    return or_(*(column.in_(values[i : i + CHUNK]) for i in range(0, len(values), CHUNK)))


def plan_case(session: Session, case: Case, reason: str, destroying: set[uuid.UUID]) -> CasePlan:
    """Find every row destroying ``case`` removes (primary keys), without changing anything."""
    others = session.scalar(
        select(Case.id).where(
            Case.victim_id == case.victim_id,
            Case.status != CaseStatus.DESTROYED,
            Case.id.not_in(destroying | {case.id}),
        )
    )
    plan = CasePlan(case.id, case.organisation_id, reason, user_data=others is None)
    tables = _tables()
    roots = _roots(case, tables, plan.user_data)
    wanted = {fk.column.name for t in tables.values() for fk in t.foreign_keys}
    # Parents before children: a row referring to a row being deleted is deleted too.
    referenced: dict[str, dict[str, list[Any]]] = {}
    for table in Base.metadata.sorted_tables:
        conditions = [*roots.get(table.name, []), *_references(table, referenced)]
        if not conditions:
            continue
        if table.name in KEPT_TABLES:
            raise RuntimeError(f"{table.name} is kept but refers to rows being destroyed")
        pk = _single_pk(table)
        columns = [pk, *(table.c[c] for c in sorted(wanted & set(table.c.keys())) if c != pk.name)]
        rows = session.execute(select(*columns).where(or_(*conditions))).all()
        if not rows:
            continue
        plan.rows[table.name] = len(rows)
        plan._keys[table.name] = [r[0] for r in rows]
        referenced[table.name] = {
            col.name: [r[i] for r in rows if r[i] is not None] for i, col in enumerate(columns)
        }
    return plan


def _roots(
    case: Case, tables: dict[str, Table], user_data: bool
) -> dict[str, list[ColumnElement[bool]]]:
    """Rows destroyed for what they are: the case's own rows, and (when the victim has no other
    case) the victim's own rows."""
    roots: dict[str, list[ColumnElement[bool]]] = {}
    for name, table in tables.items():
        if name not in KEPT_TABLES and "case_id" in table.c:
            roots.setdefault(name, []).append(table.c.case_id == case.id)
    if user_data:
        for name, column in VICTIM_OWNED:
            if name in tables:
                roots.setdefault(name, []).append(tables[name].c[column] == case.victim_id)
    return roots


def _references(
    table: Table, referenced: dict[str, dict[str, list[Any]]]
) -> list[ColumnElement[bool]]:
    """Rows of ``table`` that refer to a row of another table already planned for destruction."""
    conditions = []
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent is table:
            continue
        values = referenced.get(parent.name, {}).get(fk.column.name)
        if values:
            conditions.append(_in(fk.parent, values))
    return conditions


def _destroy(session: Session, case: Case, plan: CasePlan) -> None:
    tables = _tables()
    for table in reversed(Base.metadata.sorted_tables):
        keys = plan._keys.get(table.name)
        if not keys:
            continue
        pk = _single_pk(table)
        # A kept row of the same table pointing at a doomed one (a notification coalesced into
        # another) loses only that pointer.
        for fk in table.foreign_keys:
            if fk.column.table is table:
                session.execute(
                    update(table)
                    .where(_in(fk.parent, keys), ~_in(pk, keys))
                    .values({fk.parent.name: None})
                )
        session.execute(delete(table).where(_in(pk, keys)))
    if plan.user_data:
        users = tables["users"]
        session.execute(
            update(users)
            .where(users.c.id == case.victim_id)
            .values(
                display_name=None,
                display_name_lookup=None,
                email=None,
                email_lookup=None,
                phone=None,
                phone_lookup=None,
                password_hash=None,
                totp_secret=None,
                totp_confirmed_at=None,
                totp_last_step=None,
                safety_info_seen_at=None,
                password_changed_at=None,
                is_enabled=False,
                disabled_at=utcnow(),
            )
        )
    case.status = CaseStatus.DESTROYED
    for request in session.scalars(
        select(ErasureRequest).where(
            ErasureRequest.case_id == case.id, ErasureRequest.status == ErasureStatus.APPROVED
        )
    ):
        request.status = ErasureStatus.CARRIED_OUT
        request.carried_out_at = utcnow()
    audit.record(
        session,
        actor=None,
        action=f"case.destroy_{plan.reason}",
        outcome=AuditOutcome.ALLOWED,
        case=case,
        object_type="case",
        object_id=case.id,
    )


def run(session: Session, *, dry_run: bool = False, now: datetime | None = None) -> Outcome:
    """Destroy every case that is due (one transaction, the caller commits). A dry run plans
    the same work and changes nothing, not even the run log."""
    started = utcnow()
    due = due_cases(session, now)
    destroying = {case.id for case, _ in due}
    plans = []
    for case, reason in due:
        plan = plan_case(session, case, reason, destroying)
        plans.append(plan)
        if not dry_run:
            _destroy(session, case, plan)
            session.flush()
            log.info("retention destroyed case %s (%s)", case.id, reason)
            victim = session.get(User, case.victim_id)
            if victim is not None:
                session.expire(victim)  # the row was changed underneath the ORM
    outcome = Outcome(dry_run, plans)
    if not dry_run:
        outcome.run = RetentionRun(
            started_at=started,
            finished_at=utcnow(),
            dry_run=False,
            cases_destroyed=len(plans),
            summary=outcome.summary,
        )
        session.add(outcome.run)
    return outcome


def describe(outcome: Outcome) -> Iterable[str]:
    """Lines for the command's output: ids and counts only."""
    verb = "would destroy" if outcome.dry_run else "destroyed"
    if not outcome.plans:
        yield f"no cases are due for destruction ({'dry run' if outcome.dry_run else 'run'})"
    for plan in outcome.plans:
        yield f"case {plan.case_id} ({plan.reason}): {verb}" + (
            " case content and the victim's account data" if plan.user_data else " case content"
        )
        for table, count in sorted(plan.rows.items()):
            yield f"  {table}: {count} row(s)"
