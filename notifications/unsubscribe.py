"""One-click unsubscribe for emails (RFC 8058): a signed link per contact point.

Every email carries ``List-Unsubscribe: <{PUBLIC_BASE_URL}/unsubscribe/{token}>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. A mail provider (Gmail, Yahoo) POSTs to
that address with no cookies and no CSRF token, so the link itself is the authority: an
itsdangerous signature made with the app's SECRET_KEY under a salt used for nothing else.

The token is opaque about the person. It holds the contact point's random id and a short keyed
digest of the address the point had when the email was sent (so a link from an old address
stops working once the person replaces that address on the same contact point); it never holds
the address itself, a name, or anything about a case. Tokens do not expire: mail may sit in an
inbox for years, and whoever holds the link already holds the mailbox it was sent to.
"""

from __future__ import annotations

import hmac
import logging
import uuid
from typing import Protocol

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import Session

from notifications.config import base_url
from notifications.contacts import set_enabled
from notifications.models import Channel, ConsentSource, ContactPoint
from portal.config import Settings
from portal.crypto import lookup_hash

log = logging.getLogger("notifications.unsubscribe")

SALT = "waypoint.email-unsubscribe.v1"
PATH = "/unsubscribe/"
MAX_TOKEN_LENGTH = 200  # a real token is about 100 characters


class LinkTarget(Protocol):
    """What a link is made from: the ORM contact point, or the worker's plain copy of it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def channel(self) -> str: ...
    @property
    def address_lookup(self) -> str: ...


def _serializer(secret_keys: str | list[str]) -> URLSafeSerializer:
    """itsdangerous signs with the last key of a list and accepts any of them."""
    return URLSafeSerializer(secret_keys, salt=SALT)


def accepted_keys(settings: Settings) -> list[str]:
    """The keys a link may be signed with, oldest first: the fallbacks, then SECRET_KEY."""
    return [*reversed(settings.secret_key_fallbacks), settings.SECRET_KEY]


def _binding(point: LinkTarget) -> str:
    return lookup_hash(point.address_lookup, "unsubscribe-link")[:16]


def make_token(secret_key: str, point: LinkTarget) -> str:
    return str(_serializer(secret_key).dumps([point.id.hex, _binding(point)]))


def unsubscribe_url(settings: Settings, point: LinkTarget) -> str | None:
    """The List-Unsubscribe address for an email to ``point`` (None for a mobile number).
    The worker calls this as it claims a send (claims.py), so each email names its recipient."""
    if point.channel != Channel.EMAIL:
        return None
    return base_url(settings) + PATH + make_token(settings.SECRET_KEY, point)


def point_for_token(
    session: Session, secret_keys: str | list[str], token: str
) -> ContactPoint | None:
    """The email contact point a token names, or None if the token is not one of ours, was
    altered, or names an address that has since been replaced or removed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer(secret_keys).loads(token)
    except BadData:
        return None
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    point_hex, binding = payload
    if not (isinstance(point_hex, str) and isinstance(binding, str)):
        return None
    try:
        point_id = uuid.UUID(hex=point_hex)
    except ValueError:
        return None
    point = session.get(ContactPoint, point_id)
    if point is None or point.channel != Channel.EMAIL:
        return None
    if not hmac.compare_digest(binding, _binding(point)):
        return None
    return point


def stop_emails(session: Session, point: ContactPoint) -> bool:
    """Turn the email contact point off, appending to the consent log; True if it changed.

    Idempotent: a point already off is left alone (no second consent entry). Nothing already
    handed to the mail relay is recalled; anything still queued is cancelled by the worker,
    which checks consent again when it claims a notification. Does not commit.
    """
    if not point.enabled:
        return False
    set_enabled(session, point, False, source=ConsentSource.EMAIL_LINK, actor_id=None)
    log.info("email contact point %s turned off by its unsubscribe link", point.id)
    return True
