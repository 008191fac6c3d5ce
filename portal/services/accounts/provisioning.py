"""Putting a service into use from the command line: its organisation and its first admin.

Everything after that happens in the portal, by that admin. Both steps can be run again: the
same organisation with the same settings changes nothing, and inviting the same first admin
again (say the link expired, or the email went astray) replaces the invitation. What cannot be
reconciled, such as a second first admin, is refused with the reason and nothing changes.
Every change is audited under the organisation, with the command line as the actor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.crypto import lookup_hash
from portal.models import InvitationPurpose, Organisation, Role, User
from portal.normalise import Identifier, InvalidIdentifierError, normalise_email, normalise_name
from portal.refusal import Refusal
from portal.services import audit
from portal.services.accounts import invitations
from portal.services.accounts.credentials import find_user
from portal.services.accounts.organisation_settings import (
    OrganisationSettings,
    SettingsError,
    validated,
)

NAME_MAX = 200
LABELS = {
    "service_name": "service name",
    "reply_target_working_days": "reply target",
    "crisis_contacts": "crisis contacts",
    "exit_url": "exit site",
    "retention_months": "retention",
}


class ProvisioningError(Refusal, ValueError):
    """What the operator asked for cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Created:
    organisation: Organisation
    created: bool  # False: it existed already with exactly these settings


@dataclass(frozen=True)
class AdminInvited:
    admin: User
    issued: invitations.Issued
    first_invitation: bool  # False: an earlier invitation was replaced


def find_organisation(session: Session, name: str) -> Organisation | None:
    """By name, ignoring case and spacing (names are how operators refer to services)."""
    wanted = normalise_name(name)
    # A few dozen rows nationally: compare in Python, as normalise_name does.
    for org in session.scalars(select(Organisation)):
        if normalise_name(org.name) == wanted:
            return org
    return None


def create_organisation(session: Session, name: str, settings: OrganisationSettings) -> Created:
    """A new organisation with these settings, or the existing one if nothing differs."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ProvisioningError(f"Give the organisation a name of {NAME_MAX} characters or fewer.")
    try:
        values = validated(settings)
    except SettingsError as error:
        raise ProvisioningError(f"{LABELS[error.field].capitalize()}: {error.message}.") from None
    existing = find_organisation(session, name)
    if existing is not None:
        differ = [LABELS[key] for key, value in values.items() if getattr(existing, key) != value]
        if differ:
            raise ProvisioningError(
                f"{existing.name!r} already exists with different settings ({', '.join(differ)}). "
                "Nothing was changed: its administrators change settings in the portal."
            )
        return Created(existing, created=False)
    org = Organisation(name=name, **values)
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor=None,
        actor_role=audit.OPERATOR,
        action="organisation.create",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
    )
    return Created(org, created=True)


def invite_first_admin(
    session: Session, org: Organisation, *, name: str, email: str
) -> AdminInvited:
    """Invite the organisation's first admin (emailed, and returned to show once).

    Refused once the organisation has an admin who has set up their account: from then on
    admins invite people in the portal, where it is audited against a person.
    """
    name = " ".join(name.split())
    if not name or len(name) > 100 or not name.isprintable():
        raise ProvisioningError("Give the admin's full name, 100 characters or fewer.")
    try:
        address = normalise_email(email)
    except InvalidIdentifierError:
        raise ProvisioningError(f"{email!r} is not a valid email address.") from None
    user, first = _admin_to_invite(session, org, name, address)
    issued = invitations.issue(session, None, user, InvitationPurpose.STAFF)
    invitations.email_invitation(session, user, issued)
    audit.record(
        session,
        actor=None,
        actor_role=audit.OPERATOR,
        action="staff.invite_first_admin",
        organisation_id=org.id,
        object_type="user",
        object_id=user.id,
    )
    return AdminInvited(user, issued, first_invitation=first)


def _admin_to_invite(
    session: Session, org: Organisation, name: str, address: str
) -> tuple[User, bool]:
    """The admin account to (re)invite, and whether it is new. Only while nobody has set up an
    admin account: an unfinished invitation is sent again to the same address, never to a
    second one, and an address in use elsewhere is refused."""
    admins = session.scalars(
        select(User).where(User.organisation_id == org.id, User.role == Role.ADMIN)
    ).all()
    active = [a for a in admins if a.password_hash is not None and a.is_enabled]
    if active:
        raise ProvisioningError(
            f"{org.name!r} already has an administrator who has set up their account. "
            "Invite more people in the portal (Staff, then Invite a member of staff)."
        )
    user = find_user(session, Identifier("email", address))
    if user is not None and (user.organisation_id != org.id or Role(user.role) is not Role.ADMIN):
        raise ProvisioningError(
            "There is already an account with this email address; "
            "use another address for the administrator."
        )
    if user is not None and not user.is_enabled:
        raise ProvisioningError(
            "This administrator's account has been turned off; invite someone else."
        )
    if user is not None:
        return user, False
    pending = [a for a in admins if a.is_enabled]
    if pending:
        raise ProvisioningError(
            f"{org.name!r} already has an administrator invited who has not yet set up "
            "their account. Invite the same address again to send them a fresh link."
        )
    user = User(
        organisation_id=org.id,
        role=Role.ADMIN,
        display_name=name,
        display_name_lookup=lookup_hash(normalise_name(name), "name"),
        email=address,
        email_lookup=Identifier("email", address).lookup,
    )
    session.add(user)
    session.flush()
    return user, True
