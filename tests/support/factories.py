"""Small builders for test data; each flushes (never commits) so the test decides."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pyotp
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import Assignment, Case, Organisation, Role, User
from portal.normalise import normalise_email, normalise_name
from portal.passwords import hash_password

_seq = itertools.count(1)
DEFAULT_PASSWORD = "correct horse battery staple"
_DEFAULT_HASH = hash_password(DEFAULT_PASSWORD)  # Argon2 is slow on purpose: hash once
# When a shared world's case was opened (and its ISVA assigned): a fixed Monday before every
# date a test travels forward to. Opened "now", the case would not yet exist at a fixed date
# such as 1 March 2027 once the real date had passed it, and a test that travels there to
# publish would start failing on that day. (A case made inside a test's own travel opens then.)
CASES_OPENED_AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def make_org(session: Session, name: str | None = None) -> Organisation:
    org = Organisation(name=name or f"Test ISVA Service {next(_seq)}")
    session.add(org)
    session.flush()
    return org


def make_user(
    session: Session,
    org: Organisation,
    role: Role = Role.VICTIM,
    name: str | None = None,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    n = next(_seq)
    email = normalise_email(email or f"person{n}@example.org")
    name = name if name is not None else f"Person {n}"
    user = User(
        organisation_id=org.id,
        role=role,
        display_name=name,
        display_name_lookup=lookup_hash(normalise_name(name), "name") if name else None,
        email=email,
        email_lookup=lookup_hash(email, "email"),
        password_hash=_DEFAULT_HASH if password == DEFAULT_PASSWORD else hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def with_totp(user: User) -> User:
    """Two-step sign-in already set up (a fresh secret, confirmed now), as staff must have."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = utcnow()
    return user


def make_case(
    session: Session,
    org: Organisation,
    victim: User,
    isva: User | None = None,
    reference: str | None = None,
    opened_at: datetime | None = None,
) -> Case:
    opened = opened_at or utcnow()
    case = Case(
        organisation_id=org.id,
        reference=reference or f"TEST-{next(_seq):05d}",
        victim_id=victim.id,
        opened_at=opened,
    )
    session.add(case)
    session.flush()
    if isva is not None:
        session.add(Assignment(case_id=case.id, isva_id=isva.id, starts_at=opened))
        session.flush()
    return case
