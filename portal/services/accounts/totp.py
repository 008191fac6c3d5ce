"""Time-based one-time codes (RFC 6238) and single-use recovery codes.

A code is accepted for the current 30-second step or one step either side (clock drift), and
only for a step later than the last one accepted, so a code seen over someone's shoulder cannot
be used again. Recovery codes are stored as keyed hashes and each works once.
"""

from __future__ import annotations

import hmac
import io
import logging
import secrets

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import RecoveryCode, Role, User

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10  # about 49 bits each
DRIFT_STEPS = 1


def begin_enrolment(user: User) -> str:
    """Give the user a new, unconfirmed secret (kept if enrolment is already under way)."""
    if user.totp_secret is None or user.totp_confirmed_at is not None:
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = None
        user.totp_last_step = None
    return user.totp_secret


def provisioning_uri(user: User, issuer: str) -> str:
    # Victims' authenticator apps show only the neutral service name, never an email address.
    account = user.email if Role(user.role).is_staff and user.email else issuer
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> bytes:
    """The QR code as a standalone SVG document (served from our own origin: CSP img-src)."""
    qr = segno.make(uri, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=5, border=4, dark="#0b0c0c", light="#ffffff")
    return out.getvalue()


def format_secret(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def verify_code(user: User, code: str) -> bool:
    """Accept a 6-digit code once; records the step so the same code is refused next time."""
    cleaned = _clean(code)
    if user.totp_secret is None or len(cleaned) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = totp.timecode(utcnow())
    last = user.totp_last_step if user.totp_last_step is not None else -1
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if step <= last:
            continue
        if hmac.compare_digest(totp.generate_otp(step), cleaned):
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(session: Session, user: User, code: str) -> list[str] | None:
    """Turn TOTP on if the first code is right; returns the new recovery codes (shown once)."""
    if user.totp_secret is None or not verify_code(user, code):
        return None
    user.totp_confirmed_at = utcnow()
    log.info("two-step verification turned on for user %s", user.id)
    return new_recovery_codes(session, user)


def turn_off(session: Session, user: User) -> None:
    """Victims may turn TOTP off again (never staff: it is required for them)."""
    if Role(user.role).is_staff:
        raise PermissionError("staff must keep two-step verification")
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    log.info("two-step verification turned off for user %s", user.id)


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _recovery_hash(user: User, code: str) -> str:
    return lookup_hash(f"{user.id}:{_normalise_recovery(code)}", "recovery-code")


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with 10 new ones; the plain codes are returned once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user, raw)))
    session.flush()
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Accept an unused recovery code once."""
    if len(_normalise_recovery(code)) != RECOVERY_CODE_LENGTH:
        return False
    row = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(user, code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    log.info("recovery code used by user %s", user.id)
    return True


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )
