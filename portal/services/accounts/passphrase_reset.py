"""A victim who has forgotten their passphrase asks for a one-time code, sent to a contact
point they have already confirmed as safe and verified; the code, with their email address or
mobile number, then works like a reset invitation from their ISVA (the same single-use,
hashed invitation machinery, valid for 15 minutes instead of 72 hours).

The answer is the same whether or not the account exists, and whether or not a code was sent,
so the page reveals nothing to someone trying an address. Staff reset through an admin.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from notifications import notify
from notifications.contacts import address_lookup
from notifications.models import Channel, ContactPoint
from notifications.policy import usable_contact_points
from portal.clock import utcnow
from portal.models import InvitationPurpose, Role, User
from portal.normalise import Identifier, parse_identifier
from portal.services.accounts import invitations
from portal.services.accounts.credentials import find_user

CODE_VALID_FOR = timedelta(minutes=15)  # what the neutral verification message says

log = logging.getLogger(__name__)


def request_reset(session: Session, identifier_text: str) -> bool:
    """Send a reset code if the details match a victim with a usable contact point.

    Returns whether a code was queued (for tests and logs only: never shown to the person).
    """
    identifier = parse_identifier(identifier_text)
    user = find_user(session, identifier) if identifier is not None else None
    if user is None or Role(user.role) is not Role.VICTIM or not user.is_enabled:
        return False
    point = _send_to(session, user, identifier)
    if point is None:
        return False
    issued = invitations.issue(session, user, user, InvitationPurpose.RESET)
    issued.invitation.expires_at = utcnow() + CODE_VALID_FOR
    assert issued.code is not None  # victims' invitations always carry a code
    notify(
        session,
        user,
        "verification",
        source_key=f"passphrase-reset:{issued.invitation.id}",
        contact_point=point,
        secret=invitations.format_code(issued.code),
    )
    log.info("passphrase reset code queued for user %s", user.id)
    return True


def _send_to(session: Session, user: User, identifier: Identifier | None) -> ContactPoint | None:
    """The usable contact point matching what they typed, else their first usable one."""
    points = usable_contact_points(session, user.id)
    if identifier is not None:
        channel = Channel.EMAIL if identifier.kind == "email" else Channel.SMS
        wanted = address_lookup(channel, identifier.normalised)
        for point in points:
            if point.address_lookup == wanted:
                return point
    return points[0] if points else None
