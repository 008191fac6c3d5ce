"""Invitations: how a victim (with their case) or a staff member gets an account, and how an
ISVA gives a victim a fresh way in when they have forgotten their passphrase.

An invitation is single use and lasts 72 hours. Its link token (256 bits, hex) is stored as
a SHA-256 hash; the short code for handing over in person (8 characters, 40 bits) as a keyed
hash, and only works together with the person's email address or mobile number. Issuing a new
invitation revokes the person's earlier ones. The secrets are returned once, to be shown once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import (
    Assignment,
    Case,
    Invitation,
    InvitationPurpose,
    Role,
    SessionEndReason,
    User,
)
from portal.normalise import Identifier, normalise_name
from portal.rules import Action, can
from portal.services import audit
from portal.services.accounts.credentials import (
    AccountError,
    email_in_use,
    phone_in_use,
    set_passphrase,
)

log = logging.getLogger(__name__)

VALID_FOR = timedelta(hours=72)
# No 0/O, 1/I/L, 5/S, 2/Z or U/V: easy to read aloud and to type from a note.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTWXY346789"
CODE_LENGTH = 8
STAFF_ROLES_BY_INVITER = {
    Role.ADMIN: (Role.ISVA, Role.SUPERVISOR, Role.ADMIN),
    Role.SUPERVISOR: (Role.ISVA,),
}


@dataclass(frozen=True)
class Issued:
    """A new invitation and its secrets (shown once, never stored)."""

    invitation: Invitation
    token: str
    code: str | None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return lookup_hash(normalise_code(code), "invitation-code")


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def issue(
    session: Session,
    actor: User | None,
    user: User,
    purpose: InvitationPurpose,
    case: Case | None = None,
) -> Issued:
    """A new invitation for ``user``; their earlier unused ones stop working. ``actor`` is None
    when an operator provisions a service from the command line."""
    now = utcnow()
    session.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    # Hex (256 bits): no "-" in it, so an emailed link can never happen to spell a word or a
    # case-reference shape that the notification denylist refuses.
    token = secrets.token_hex(32)
    code = None
    if purpose is not InvitationPurpose.STAFF:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = Invitation(
        user_id=user.id,
        case_id=case.id if case is not None else None,
        created_by_id=actor.id if actor is not None else None,
        purpose=purpose,
        token_hash=_token_hash(token),
        code_hash=_code_hash(code) if code else None,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    session.add(invitation)
    session.flush()
    by = actor.id if actor is not None else "the command line"
    log.info("invitation %s issued for user %s by %s", invitation.id, user.id, by)
    return Issued(invitation, token, code)


def active_isvas(session: Session, organisation_id: uuid.UUID) -> list[User]:
    return list(
        session.scalars(
            select(User).where(
                User.organisation_id == organisation_id,
                User.role == Role.ISVA,
                User.is_enabled.is_(True),
            )
        ).all()
    )


def open_case(
    session: Session,
    actor: User,
    *,
    reference: str,
    name: str | None,
    email: str | None,
    phone: str | None,
    isva_id: uuid.UUID | None = None,
    request_id: str | None = None,
) -> tuple[Case, Issued]:
    """Open a case with a new victim account, assigned to an ISVA, and invite the victim.

    ``email`` and ``phone`` must already be normalised; at least one is needed to sign in.
    An ISVA opens cases for themselves; a supervisor picks an ISVA of their organisation.
    """
    isva = _isva_for_new_case(session, actor, isva_id)
    _check_new_case(session, actor, reference, email, phone)
    victim = _new_victim(session, actor, name, email, phone)
    now = utcnow()
    case = Case(
        organisation_id=actor.organisation_id,
        reference=reference,
        victim_id=victim.id,
        opened_at=now,
    )
    session.add(case)
    session.flush()
    session.add(
        Assignment(case_id=case.id, isva_id=isva.id, assigned_by_id=actor.id, starts_at=now)
    )
    session.flush()
    log.info("case %s opened by %s for ISVA %s", case.id, actor.id, isva.id)
    issued = issue(session, actor, victim, InvitationPurpose.VICTIM, case)
    audit.record(
        session,
        actor=actor,
        action="case.open",
        case=case,
        object_type="case",
        object_id=case.id,
        request_id=request_id,
    )
    audit.record(
        session,
        actor=actor,
        action="case.invite_victim",
        case=case,
        object_type="invitation",
        object_id=issued.invitation.id,
        request_id=request_id,
    )
    return case, issued


def _new_victim(
    session: Session, actor: User, name: str | None, email: str | None, phone: str | None
) -> User:
    """The victim's account, found later by its lookup hashes (the values are encrypted)."""
    victim = User(
        organisation_id=actor.organisation_id,
        role=Role.VICTIM,
        display_name=name or None,
        display_name_lookup=lookup_hash(normalise_name(name), "name") if name else None,
        email=email or None,
        email_lookup=Identifier("email", email).lookup if email else None,
        phone=phone or None,
        phone_lookup=Identifier("phone", phone).lookup if phone else None,
    )
    session.add(victim)
    session.flush()
    return victim


def _isva_for_new_case(session: Session, actor: User, isva_id: uuid.UUID | None) -> User:
    """An ISVA opens cases for themselves; a supervisor picks an active ISVA of their own
    organisation; nobody else opens cases."""
    role = Role(actor.role)
    if role is Role.ISVA:
        return actor
    if role is not Role.SUPERVISOR:
        raise AccountError("not allowed")
    isva_by_id = {u.id: u for u in active_isvas(session, actor.organisation_id)}
    chosen = isva_by_id.get(isva_id) if isva_id else None
    if chosen is None:
        raise AccountError(str(_l("Select the ISVA for this case")), field="isva")
    return chosen


def _check_new_case(
    session: Session, actor: User, reference: str, email: str | None, phone: str | None
) -> None:
    """Refuse a case the victim could not sign in to, or that repeats an account or reference."""
    if not email and not phone:
        raise AccountError(str(_l("Enter an email address or a mobile number")), field="email")
    if email and email_in_use(session, email):
        raise AccountError(
            str(_l("There is already an account with this email address")), field="email"
        )
    if phone and phone_in_use(session, phone):
        raise AccountError(
            str(_l("There is already an account with this mobile number")), field="phone"
        )
    if session.scalar(
        select(Case.id).where(
            Case.organisation_id == actor.organisation_id, Case.reference == reference
        )
    ):
        raise AccountError(
            str(_l("There is already a case with this reference")), field="reference"
        )


def may_reissue(actor: User, case: Case) -> bool:
    """The case's active ISVA(s), or a supervisor of its organisation: exactly who the access
    policy lets see the victim's contact details, which a reissue shows or sends."""
    return Role(actor.role) in (Role.ISVA, Role.SUPERVISOR) and can(
        actor, Action.VIEW_CONTACT_DETAILS, case
    )


def reissue_for_case(
    session: Session, actor: User, case: Case, request_id: str | None = None
) -> Issued:
    """A fresh invitation for the case's victim: a first one again if they never accepted,
    otherwise a passphrase reset (accepting it ends every session they have)."""
    if not may_reissue(actor, case):
        raise AccountError("not allowed")
    victim = case.victim
    purpose = InvitationPurpose.VICTIM if victim.password_hash is None else InvitationPurpose.RESET
    issued = issue(session, actor, victim, purpose, case)
    audit.record(
        session,
        actor=actor,
        action="case.reissue_invitation",
        case=case,
        object_type="invitation",
        object_id=issued.invitation.id,
        request_id=request_id,
    )
    return issued


def invite_staff(
    session: Session,
    actor: User,
    *,
    name: str,
    email: str,
    role: Role,
    request_id: str | None = None,
) -> tuple[User, Issued]:
    """A new staff account in the actor's organisation, and its invitation (shown once to the
    inviter, and emailed to the new person's work address by the notification worker)."""
    allowed = STAFF_ROLES_BY_INVITER.get(Role(actor.role), ())
    if role not in allowed:
        raise AccountError(str(_l("Select a role you can invite")), field="role")
    if email_in_use(session, email):
        raise AccountError(
            str(_l("There is already an account with this email address")), field="email"
        )
    user = User(
        organisation_id=actor.organisation_id,
        role=role,
        display_name=name,
        display_name_lookup=lookup_hash(normalise_name(name), "name"),
        email=email,
        email_lookup=Identifier("email", email).lookup,
    )
    session.add(user)
    session.flush()
    issued = issue(session, actor, user, InvitationPurpose.STAFF)
    email_invitation(session, user, issued)
    audit.record(
        session,
        actor=actor,
        action="staff.invite",
        object_type="user",
        object_id=user.id,
        request_id=request_id,
    )
    return user, issued


def email_invitation(session: Session, user: User, issued: Issued) -> None:
    """Queue the invitation link to a member of staff's work address, in this transaction.
    Victims are never emailed a link: theirs is handed over by their ISVA."""
    from notifications import notify
    from notifications.render import KIND_STAFF_INVITATION

    notify(
        session,
        user,
        KIND_STAFF_INVITATION,
        source_key=f"invitation:{issued.invitation.id}",
        secret=issued.token,
    )


def find_by_token(session: Session, token: str) -> Invitation | None:
    """The usable invitation for a link token, else None (unknown, used, revoked, expired)."""
    if not token or len(token) > 200:
        return None
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or not invitation.is_usable(utcnow()) or not invitation.user.is_enabled:
        return None
    return invitation


def find_by_code(session: Session, code: str, identifier: Identifier | None) -> Invitation | None:
    """The usable invitation for a short code, if it belongs to this email address or number."""
    if identifier is None or len(normalise_code(code)) != CODE_LENGTH:
        return None
    candidates = session.scalars(
        select(Invitation).where(Invitation.code_hash == _code_hash(code))
    ).all()
    now = utcnow()
    for invitation in candidates:
        user = invitation.user
        owned = (
            user.email_lookup == identifier.lookup
            if identifier.kind == "email"
            else user.phone_lookup == identifier.lookup
        )
        if owned and invitation.is_usable(now) and user.is_enabled:
            return invitation
    return None


def get_usable(session: Session, invitation_id: uuid.UUID) -> Invitation | None:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or not invitation.is_usable(utcnow()) or not invitation.user.is_enabled:
        return None
    return invitation


def accept(session: Session, invitation: Invitation, passphrase: str) -> User:
    """Set the passphrase and use up the invitation; every earlier session of the user ends.

    The UPDATE claims the invitation only if it is still unused, so two simultaneous
    acceptances cannot both succeed.
    """
    now = utcnow()
    user = invitation.user
    # Raises AccountError before anything changes; ends every session the user had.
    set_passphrase(session, user, passphrase, SessionEndReason.RESET)
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if not getattr(claimed, "rowcount", 0):
        raise AccountError("invitation already used")
    log.info("invitation %s accepted by user %s", invitation.id, user.id)
    return user
