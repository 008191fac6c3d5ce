"""Throttling, not lockout (OWASP ASVS 5.0 V6.3.1; the approach of SecureDrop and Hush Line,
with the window kept short so that an abuser cannot keep a victim out for long).

Limits, and why:
- Per account identifier (a keyed hash of the normalised email address or number, so the
  limiter's storage holds no contact details): 10 failed sign-ins a minute and 50 an hour.
  Only failures count, so the real person's successful sign-in is never charged. Someone
  hammering a victim's address can keep that address throttled for at most an hour after they
  stop, and the victim's ISVA can always issue a fresh invitation, which is throttled apart.
- Per IP address: 30 sign-in attempts a minute, to slow one machine trying many accounts.
- TOTP: 5 wrong codes a minute and 20 an hour per account (a million codes, three valid).
- Invitation short codes (40 bits, and only with the right email or number): 10 tries a
  minute and 50 an hour per IP address; 5 failures per 15 minutes per identifier.
The storage is Flask-Limiter's (memory:// by default; RATELIMIT_STORAGE_URI for Redis when
several web processes run). Behind a proxy, configure ProxyFix so the IP is the client's.

The key functions and the failure-only counting are shared by the auth pages and the
unsubscribe links (notifications/unsubscribe_views.py), so this module sits below both: it
imports no view and no service.
"""

from __future__ import annotations

import hashlib

from flask import g, request, session
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from portal.crypto import lookup_hash
from portal.normalise import parse_identifier

SIGN_IN_PER_IDENTIFIER = "10 per minute; 50 per hour"
SIGN_IN_PER_IP = "30 per minute"
TOTP_PER_ACCOUNT = "5 per minute; 20 per hour"
CODE_PER_IP = "10 per minute; 50 per hour"
CODE_PER_IDENTIFIER = "5 per 15 minutes"
INVITATION_LINK_PER_IP = "30 per minute"


def ip_key() -> str:
    return "ip:" + get_remote_address()


def identifier_key() -> str:
    """The same key for every spelling of one email address or number."""
    text = request.form.get("identifier", "")
    identifier = parse_identifier(text)
    if identifier is not None:
        return "id:" + lookup_hash(identifier.normalised, "throttle")
    digest = hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8", "replace"))
    return "raw:" + digest.hexdigest()


def pending_user_key() -> str:
    data = session.get("pending")
    user = data.get("user") if isinstance(data, dict) else None
    return "user:" + str(user) if user else ip_key()


def mark_failed() -> None:
    """Call when a check failed, so the failure-only limits count this request."""
    g.auth_attempt_failed = True


def failed(_response: Response) -> bool:
    return bool(g.get("auth_attempt_failed"))
