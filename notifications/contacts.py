"""Contact points and consent: every change goes through here and appends to the consent log.

Services take the session and the acting user and never commit. A verification code is made
here, sent through ``notify`` (kind "verification"), and kept only as a hash; it is never
logged.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import policy
from notifications.models import (
    Channel,
    Choice,
    Consent,
    ConsentSource,
    ContactPoint,
    NotificationPreference,
)
from notifications.outbox import NotifyResult, notify, staff_contact_point
from notifications.render import KIND_VERIFICATION
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import User
from portal.normalise import normalise_email, normalise_phone

CODE_TTL = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5


class VerificationError(ValueError):
    """The code was wrong, expired, or tried too often."""


def address_lookup(channel: str, normalised: str) -> str:
    return lookup_hash(normalised, f"contact:{channel}")


def normalise_address(channel: str, text: str) -> str:
    """Raises portal.normalise.InvalidIdentifierError for a bad number or address."""
    return normalise_phone(text) if channel == Channel.SMS else normalise_email(text)


def log_consent(
    session: Session,
    user_id: uuid.UUID,
    field: str,
    old: str | None,
    new: str | None,
    *,
    source: str,
    actor_id: uuid.UUID | None,
    contact_point_id: uuid.UUID | None = None,
    reason: str | None = None,
) -> Consent:
    entry = Consent(
        user_id=user_id,
        contact_point_id=contact_point_id,
        field=field,
        old_value=old,
        new_value=new,
        source=source,
        reason=reason,
        actor_id=actor_id,
        at=utcnow(),
    )
    session.add(entry)
    return entry


def contact_point(session: Session, user_id: uuid.UUID, channel: str) -> ContactPoint | None:
    return session.scalar(
        select(ContactPoint).where(ContactPoint.user_id == user_id, ContactPoint.channel == channel)
    )


def set_address(
    session: Session,
    user: User,
    channel: str,
    text: str,
    *,
    safe_confirmed: bool,
    source: str,
    actor: User,
) -> ContactPoint:
    """Add or replace a mobile number or email address. A new address starts unverified and
    off; it needs a code before anything else is sent to it."""
    normalised = normalise_address(channel, text)
    now = utcnow()
    point = contact_point(session, user.id, channel)
    if point is None:
        point = ContactPoint(user_id=user.id, channel=channel, address="", address_lookup="")
        session.add(point)
    point.address = normalised
    point.address_lookup = address_lookup(channel, normalised)
    point.verified_at = None
    point.enabled = False
    point.opted_out_at = None
    point.safe_confirmed_at = now if safe_confirmed else None
    point.verification_code_hash = None
    point.verification_expires_at = None
    point.verification_attempts = 0
    session.flush()
    log_consent(
        session,
        user.id,
        f"{channel}.address",
        None,
        "added",
        source=source,
        actor_id=actor.id,
        contact_point_id=point.id,
    )
    if safe_confirmed:
        log_consent(
            session,
            user.id,
            f"{channel}.safe_confirmed",
            None,
            "yes",
            source=source,
            actor_id=actor.id,
            contact_point_id=point.id,
        )
    return point


def _code_hash(point: ContactPoint, code: str) -> str:
    return lookup_hash(f"{point.id}:{code}", "verification-code")


def send_code(session: Session, user: User, point: ContactPoint) -> NotifyResult:
    """Make a fresh code, keep its hash, and queue it to the contact point (which must be
    confirmed safe; it is switched on so the worker may send to it)."""
    if point.safe_confirmed_at is None:
        raise VerificationError("confirm the contact point is safe to use first")
    code = f"{secrets.randbelow(1_000_000):06d}"
    point.enabled = True
    point.verification_code_hash = _code_hash(point, code)
    point.verification_expires_at = utcnow() + CODE_TTL
    point.verification_attempts = 0
    session.flush()
    return notify(
        session,
        user,
        KIND_VERIFICATION,
        source_key=f"verify:{point.id}:{secrets.token_hex(8)}",
        contact_point=point,
        secret=code,
    )


def verify_code(session: Session, user: User, point: ContactPoint, code: str) -> None:
    now = utcnow()
    if (
        point.verification_code_hash is None
        or point.verification_expires_at is None
        or point.verification_expires_at < now
    ):
        raise VerificationError("expired")
    if point.verification_attempts >= MAX_CODE_ATTEMPTS:
        raise VerificationError("too_many")
    point.verification_attempts += 1
    if not hmac.compare_digest(point.verification_code_hash, _code_hash(point, code.strip())):
        raise VerificationError("wrong")
    point.verified_at = now
    point.enabled = True
    point.verification_code_hash = None
    point.verification_expires_at = None
    log_consent(
        session,
        user.id,
        f"{point.channel}.verified",
        None,
        "yes",
        source="portal",
        actor_id=user.id,
        contact_point_id=point.id,
    )
    log_consent(
        session,
        user.id,
        f"{point.channel}.enabled",
        "no",
        "yes",
        source="portal",
        actor_id=user.id,
        contact_point_id=point.id,
    )


def set_enabled(
    session: Session,
    point: ContactPoint,
    enabled: bool,
    *,
    source: str,
    actor_id: uuid.UUID | None,
    reason: str | None = None,
) -> None:
    """Turn a channel on or off (off is the one-tap opt-out; it also clears an SMS STOP)."""
    old = "yes" if point.usable else "no"
    point.enabled = enabled
    if enabled:
        point.opted_out_at = None
    log_consent(
        session,
        point.user_id,
        f"{point.channel}.enabled",
        old,
        "yes" if enabled else "no",
        source=source,
        actor_id=actor_id,
        contact_point_id=point.id,
        reason=reason,
    )


def staff_emails_on(session: Session, user: User) -> bool:
    """Whether a member of staff gets emails about new work (their contact point is made on
    first use, so none yet means on, if they have an email address)."""
    point = contact_point(session, user.id, Channel.EMAIL)
    return point.usable if point is not None else bool(user.email)


def set_staff_emails(session: Session, user: User, enabled: bool) -> None:
    """Staff turn their work emails off, or back on after the unsubscribe link turned them
    off (their own account page)."""
    point = contact_point(session, user.id, Channel.EMAIL)
    if point is None:
        if enabled:
            return  # made, switched on, at first use
        point = staff_contact_point(session, user)
        if point is None:
            return
    if point.enabled != enabled:
        set_enabled(session, point, enabled, source=ConsentSource.PORTAL, actor_id=user.id)


def record_opt_out(
    session: Session, point: ContactPoint, *, source: str, actor_id: uuid.UUID | None = None
) -> None:
    if point.opted_out_at is not None:
        return
    point.opted_out_at = utcnow()
    log_consent(
        session,
        point.user_id,
        f"{point.channel}.opted_out",
        "no",
        "yes",
        source=source,
        actor_id=actor_id,
        contact_point_id=point.id,
    )


def record_opt_in(session: Session, point: ContactPoint, *, source: str) -> None:
    if point.opted_out_at is None:
        return
    point.opted_out_at = None
    log_consent(
        session,
        point.user_id,
        f"{point.channel}.opted_out",
        "yes",
        "no",
        source=source,
        actor_id=None,
        contact_point_id=point.id,
    )


def points_for_number(session: Session, number: str) -> list[ContactPoint]:
    lookup = address_lookup(Channel.SMS, number)
    return list(
        session.scalars(
            select(ContactPoint).where(
                ContactPoint.channel == Channel.SMS, ContactPoint.address_lookup == lookup
            )
        )
    )


def ensure_preferences(session: Session, user_id: uuid.UUID) -> NotificationPreference:
    pref = policy.preferences(session, user_id)
    if pref is None:
        pref = NotificationPreference(
            user_id=user_id,
            choices={},
            quiet_start_minute=policy.DEFAULT_QUIET_START,
            quiet_end_minute=policy.DEFAULT_QUIET_END,
        )
        session.add(pref)
        session.flush()
    return pref


def set_choices(
    session: Session,
    user_id: uuid.UUID,
    choices: dict[str, str],
    *,
    source: str,
    actor_id: uuid.UUID | None,
    reason: str | None = None,
) -> None:
    pref = ensure_preferences(session, user_id)
    current = dict(pref.choices or {})
    for category, choice in choices.items():
        if category not in policy.PREFERENCE_CATEGORIES or choice not in policy.allowed_choices(
            category
        ):
            raise ValueError("unknown category or choice")
        old = current.get(category, Choice.TELL_ME)
        if old != choice:
            log_consent(
                session,
                user_id,
                f"category.{category}",
                old,
                choice,
                source=source,
                actor_id=actor_id,
                reason=reason,
            )
            current[category] = choice
    pref.choices = current


def set_quiet_hours(
    session: Session,
    user_id: uuid.UUID,
    start_minute: int,
    end_minute: int,
    *,
    source: str,
    actor_id: uuid.UUID | None,
    reason: str | None = None,
) -> None:
    if not (0 <= start_minute < 1440 and 0 <= end_minute < 1440):
        raise ValueError("quiet hours must be times of day")
    pref = ensure_preferences(session, user_id)
    old = f"{pref.quiet_start_minute}-{pref.quiet_end_minute}"
    new = f"{start_minute}-{end_minute}"
    if old != new:
        pref.quiet_start_minute = start_minute
        pref.quiet_end_minute = end_minute
        log_consent(
            session,
            user_id,
            "quiet_hours",
            old,
            new,
            source=source,
            actor_id=actor_id,
            reason=reason,
        )
