"""Demo data for ``make run``: one ISVA service, its staff, and victims at different stages.

Idempotent: running it twice changes nothing. The passphrases are for a local demo only and are
printed by ``flask demo seed``; production refuses to seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import Assignment, Case, Organisation, Role, User
from portal.normalise import normalise_email, normalise_name
from portal.passwords import hash_password

DEMO_ORGANISATION = "Riverside ISVA Service (demo)"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    role: Role
    passphrase: str


STAFF = [
    DemoPerson(
        "Priya", "priya.supervisor@demo.example.org", Role.SUPERVISOR, "demo supervisor passphrase"
    ),
    DemoPerson("Sam", "sam.isva@demo.example.org", Role.ISVA, "demo isva passphrase one"),
    DemoPerson("Alex", "alex.isva@demo.example.org", Role.ISVA, "demo isva passphrase two"),
    DemoPerson("Jordan", "jordan.admin@demo.example.org", Role.ADMIN, "demo admin passphrase"),
]

# (person, case reference, assigned ISVA's email, days since the case opened)
VICTIMS = [
    (
        DemoPerson("Ruth", "ruth@demo.example.org", Role.VICTIM, "demo victim passphrase a"),
        "RIV-2026-0001",
        "sam.isva@demo.example.org",
        12,
    ),
    (
        DemoPerson("Mo", "mo@demo.example.org", Role.VICTIM, "demo victim passphrase b"),
        "RIV-2026-0002",
        "sam.isva@demo.example.org",
        140,
    ),
    (
        DemoPerson("", "kit@demo.example.org", Role.VICTIM, "demo victim passphrase c"),
        "RIV-2025-0107",
        "alex.isva@demo.example.org",
        420,
    ),
]


def seed(session: Session) -> list[DemoPerson]:
    """Create the demo records that are missing; return everyone who can sign in."""
    org = session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
    if org is None:
        org = Organisation(name=DEMO_ORGANISATION)
        session.add(org)
        session.flush()
    users: dict[str, User] = {}
    for person in STAFF + [v[0] for v in VICTIMS]:
        users[person.email] = _ensure_user(session, org, person)
    for person, reference, isva_email, age_days in VICTIMS:
        case = session.scalar(
            select(Case).where(Case.organisation_id == org.id, Case.reference == reference)
        )
        if case is None:
            opened = utcnow() - timedelta(days=age_days)
            case = Case(
                organisation_id=org.id,
                reference=reference,
                victim_id=users[person.email].id,
                opened_at=opened,
            )
            session.add(case)
            session.flush()
            session.add(
                Assignment(
                    case_id=case.id,
                    isva_id=users[isva_email].id,
                    assigned_by_id=users[STAFF[0].email].id,
                    starts_at=opened,
                )
            )
    session.flush()
    return STAFF + [v[0] for v in VICTIMS]


def _ensure_user(session: Session, org: Organisation, person: DemoPerson) -> User:
    email = normalise_email(person.email)
    lookup = lookup_hash(email, "email")
    user = session.scalar(select(User).where(User.email_lookup == lookup))
    if user is None:
        user = User(
            organisation_id=org.id,
            role=person.role,
            display_name=person.name or None,
            display_name_lookup=lookup_hash(normalise_name(person.name), "name")
            if person.name
            else None,
            email=email,
            email_lookup=lookup,
            password_hash=hash_password(person.passphrase),
        )
        session.add(user)
        session.flush()
    return user
