"""Accounts: finding a person by what they sign in with, checking their passphrase, changing
it, and disabling an account. Every change that affects who can sign in ends all sessions.

Services take the database session and the acting user, never commit, never read the request.
"""

from __future__ import annotations

import logging

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.models import AuditOutcome, Role, SessionEndReason, User
from portal.normalise import (
    Identifier,
    InvalidIdentifierError,
    normalise_phone,
    parse_identifier,
)
from portal.passwords import hash_password, needs_rehash, verify_password
from portal.refusal import Refusal
from portal.rules import Action, can
from portal.services import audit
from portal.services.accounts import passphrases, sessions

log = logging.getLogger(__name__)


class AccountError(Refusal):
    """A request about an account that cannot be done; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_uk_mobile(text: str) -> str:
    """E.164 for a UK mobile number; raises InvalidIdentifierError for anything else."""
    normalised = normalise_phone(text)
    number = phonenumbers.parse(normalised)
    if phonenumbers.region_code_for_number(number) != "GB" or phonenumbers.number_type(
        number
    ) not in (phonenumbers.PhoneNumberType.MOBILE,):
        raise InvalidIdentifierError("not a UK mobile number")
    return normalised


def find_user(session: Session, identifier: Identifier) -> User | None:
    column = User.email_lookup if identifier.kind == "email" else User.phone_lookup
    return session.scalar(select(User).where(column == identifier.lookup))


def email_in_use(session: Session, email: str) -> bool:
    return find_user(session, Identifier("email", email)) is not None


def phone_in_use(session: Session, phone: str) -> bool:
    return find_user(session, Identifier("phone", phone)) is not None


def authenticate(session: Session, identifier_text: str, passphrase: str) -> User | None:
    """The enabled user these credentials belong to, or None.

    The same work is done whether or not the account exists (a dummy Argon2 verification), so
    neither the answer nor its timing says whether an email address or number has an account.
    """
    identifier = parse_identifier(identifier_text)
    user = find_user(session, identifier) if identifier is not None else None
    usable = user is not None and user.is_enabled and user.password_hash is not None
    stored = user.password_hash if usable and user is not None else None
    if not verify_password(stored, passphrase) or user is None or not usable:
        log.info("sign-in refused")
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(passphrase)
    return user


def identifiers_of(user: User) -> tuple[str, ...]:
    return tuple(value for value in (user.email, user.phone) if value)


def set_passphrase(
    session: Session,
    user: User,
    passphrase: str,
    reason: SessionEndReason = SessionEndReason.PASSWORD_CHANGED,
) -> None:
    """Store a new passphrase and end every session the user has (checked by the caller)."""
    problem = passphrases.problem(passphrase, identifiers=identifiers_of(user))
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = hash_password(passphrase)
    user.password_changed_at = utcnow()
    sessions.revoke_all(session, user.id, reason)


def change_passphrase(session: Session, user: User, current: str, new: str) -> None:
    """The signed-in user changes their passphrase; every session of theirs ends."""
    if not verify_password(user.password_hash, current):
        raise AccountError("current", field="current_password")
    set_passphrase(session, user, new)
    log.info("passphrase changed for user %s", user.id)


def may_disable(actor: User, user: User) -> bool:
    """Staff accounts follow the access policy (admins: any staff of their organisation;
    supervisors: its ISVAs); a victim's account only an admin of their organisation. Never
    one's own account (an organisation must not lock out its last admin by accident)."""
    if actor.id == user.id or not actor.is_enabled:
        return False
    if Role(user.role).is_staff:
        return can(actor, Action.MANAGE_STAFF, user)
    return Role(actor.role) is Role.ADMIN and actor.organisation_id == user.organisation_id


def disable_user(session: Session, actor: User, user: User, request_id: str | None = None) -> None:
    """Disable an account and end all of its sessions at once (audited)."""
    if not may_disable(actor, user):
        raise AccountError("not allowed")
    user.is_enabled = False
    user.disabled_at = utcnow()
    sessions.revoke_all(session, user.id, SessionEndReason.DISABLED)
    audit.record(
        session,
        actor=actor,
        action="staff.disable" if user.is_staff else "account.disable",
        outcome=AuditOutcome.ALLOWED,
        object_type="user",
        object_id=user.id,
        request_id=request_id,
    )
    log.info("user %s disabled by %s", user.id, actor.id)


LANGUAGES = ("en", "cy")


def set_language(user: User, code: str) -> bool:
    """Store the language a victim reads in (pages, texts and emails); False if not offered.
    Staff pages are in English, so only a victim's choice is kept."""
    if code not in LANGUAGES:
        return False
    if Role(user.role) is Role.VICTIM:
        user.language = code
    return True


def mark_safety_info_seen(user: User) -> None:
    if user.safety_info_seen_at is None:
        user.safety_info_seen_at = utcnow()
