"""Partner systems and their API keys: create, issue (shown once), revoke, authenticate.

A key reads ``wp_<prefix>_<secret>``. The prefix (12 hex characters) is public and finds the
row; the secret (32 random bytes, URL-safe base64) is never stored: only its SHA-256, compared
in constant time. An unknown prefix is checked against a dummy hash so that unknown, revoked
and wrong keys take the same path and get the same answer.

Only an organisation's admins manage its partners (``Action.MANAGE_ORGANISATION``). Case links
say which of the organisation's cases a partner may post to, by the partner's own reference.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.journey import EVENTS, Agency, Event
from portal.models import Case, Organisation, User
from portal.models.partner import ApiKey, Partner, PartnerCaseLink
from portal.refusal import Refusal
from portal.rules import Action, can
from portal.services import audit

KEY_PATTERN = re.compile(r"^wp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
PARTNER_AGENCIES: tuple[Agency, ...] = (Agency.POLICE, Agency.CPS, Agency.WCU, Agency.PROBATION)
NAME_MAX = 120
REFERENCE_MAX = 64
REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./:_-]{0,63}$")
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


class PartnerError(Refusal, ValueError):
    """Refused as asked; ``errors`` maps form fields to plain-English messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotAllowedError(Refusal, PermissionError):
    """Only the organisation's admins manage partners (views 404 before this can happen)."""


def _check(session: Session, actor: User, organisation_id: uuid.UUID) -> None:
    org = session.get(Organisation, organisation_id)
    if org is None or not can(actor, Action.MANAGE_ORGANISATION, org):
        raise NotAllowedError("may not manage partners")


# --- the catalogue, as partners see it ----------------------------------------------------------


def postable_events() -> tuple[Event, ...]:
    """Events some partner agency tells the victim about: what the API accepts."""
    return tuple(e for e in EVENTS if any(a in PARTNER_AGENCIES for a in e.who_tells))


def may_publish_directly(ev: Event) -> bool:
    """Never without an ISVA's review: sensitive news, or news the ISVA must break first."""
    return not (ev.sensitive or ev.isva_first or ev.isva_first_outcomes)


def direct_publish_choices(agency: str) -> tuple[Event, ...]:
    """The events an admin may let this agency's partner publish without an ISVA's review."""
    return tuple(e for e in postable_events() if agency in e.who_tells and may_publish_directly(e))


# --- partners -----------------------------------------------------------------------------------


def partners(session: Session, organisation_id: uuid.UUID) -> Sequence[Partner]:
    """The organisation's partners with their keys (two queries whatever the number)."""
    return session.scalars(
        select(Partner)
        .where(Partner.organisation_id == organisation_id)
        .options(selectinload(Partner.keys))
        .order_by(Partner.name)
    ).all()


def partner_for(session: Session, actor: User, partner_id: uuid.UUID) -> Partner | None:
    """One of the actor's organisation's partners (None otherwise: the view answers 404)."""
    partner = session.get(Partner, partner_id)
    if partner is None or partner.organisation_id != actor.organisation_id:
        return None
    return partner


def create_partner(session: Session, actor: User, name: str, agency: str) -> Partner:
    _check(session, actor, actor.organisation_id)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = str(_l("Enter the partner's name"))
    elif len(name) > NAME_MAX:
        errors["name"] = str(_l("The name must be %(max)s characters or fewer", max=NAME_MAX))
    if agency not in {a.value for a in PARTNER_AGENCIES}:
        errors["agency"] = str(_l("Choose the partner's agency"))
    if errors:
        raise PartnerError(errors)
    partner = Partner(
        organisation_id=actor.organisation_id,
        name=name,
        agency=agency,
        direct_publish_events="",
        created_by_id=actor.id,
    )
    session.add(partner)
    session.flush()
    audit.record(
        session, actor=actor, action="partner.create", object_type="partner", object_id=partner.id
    )
    return partner


def set_direct_publish(
    session: Session, actor: User, partner: Partner, event_keys: Iterable[str]
) -> Partner:
    """Which of this partner's events reach the victim without an ISVA's review."""
    _check(session, actor, partner.organisation_id)
    allowed = {e.key for e in direct_publish_choices(partner.agency)}
    chosen = set(event_keys)
    if not chosen <= allowed:
        raise PartnerError(
            {"events": str(_l("Only events that are not sensitive can be published directly"))}
        )
    partner.direct_publish_events = " ".join(sorted(chosen))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="partner.set_direct_publish",
        object_type="partner",
        object_id=partner.id,
    )
    return partner


# --- keys ---------------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    raw: str  # shown once, never stored


def issue_key(session: Session, actor: User, partner: Partner) -> IssuedKey:
    """A new key for the partner; the raw key is returned once and never stored."""
    _check(session, actor, partner.organisation_id)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        partner_id=partner.id,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        created_by_id=actor.id,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="partner.issue_key",
        object_type="partner_api_key",
        object_id=key.id,
    )
    return IssuedKey(key, f"wp_{prefix}_{secret}")


def revoke_key(session: Session, actor: User, partner: Partner, key_id: uuid.UUID) -> ApiKey:
    _check(session, actor, partner.organisation_id)
    key = session.get(ApiKey, key_id)
    if key is None or key.partner_id != partner.id:
        raise NotAllowedError("no such key for this partner")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        key.revoked_by_id = actor.id
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="partner.revoke_key",
            object_type="partner_api_key",
            object_id=key.id,
        )
    return key


def authenticate(session: Session, authorization: str | None) -> ApiKey | None:
    """The live key named by an ``Authorization: Bearer`` header, or None (one answer for
    missing, malformed, unknown, wrong and revoked keys). Records when the key was used."""
    scheme, _, token = (authorization or "").partition(" ")
    match = KEY_PATTERN.match(token.strip()) if scheme.lower() == "bearer" else None
    if match is None:
        return None
    prefix, secret = match.groups()
    key = session.scalar(
        select(ApiKey).where(ApiKey.prefix == prefix).options(selectinload(ApiKey.partner))
    )
    expected = key.secret_hash if key is not None else _DUMMY_HASH
    matches = hmac.compare_digest(expected, hash_secret(secret))
    if key is None or not matches or key.revoked_at is not None:
        return None
    key.last_used_at = utcnow()
    return key


def key_prefix(authorization: str | None) -> str | None:
    """The public prefix of a well-formed key (for rate limiting), without checking it."""
    _, _, token = (authorization or "").partition(" ")
    match = KEY_PATTERN.match(token.strip())
    return match.group(1) if match else None


# --- case links ---------------------------------------------------------------------------------


def reference_lookup(reference: str) -> str:
    return lookup_hash(reference.strip().upper(), "partner-case-reference")


def link_case(
    session: Session,
    actor: User,
    partner: Partner,
    case_reference: str,
    partner_reference: str,
) -> PartnerCaseLink:
    """Let the partner post to one of the organisation's cases under its own reference."""
    _check(session, actor, partner.organisation_id)
    errors: dict[str, str] = {}
    case = session.scalar(
        select(Case).where(
            Case.organisation_id == partner.organisation_id,
            Case.reference == (case_reference or "").strip(),
        )
    )
    if case is None:
        errors["case_reference"] = str(_l("There is no case with that reference"))
    partner_reference = (partner_reference or "").strip()
    if not REFERENCE_PATTERN.match(partner_reference):
        errors["partner_reference"] = str(
            _l(
                "Enter the partner's reference: up to %(max)s letters, numbers, spaces, "
                "dots, slashes, colons, hyphens or underscores",
                max=REFERENCE_MAX,
            )
        )
    elif case is not None and link_for(session, partner, partner_reference) is not None:
        errors["partner_reference"] = str(_l("This partner already uses that reference"))
    if errors or case is None:
        raise PartnerError(errors)
    link = PartnerCaseLink(
        partner_id=partner.id,
        case_id=case.id,
        reference_lookup=reference_lookup(partner_reference),
        reference=partner_reference,
        created_by_id=actor.id,
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="partner.link_case",
        object_type="partner_case_link",
        object_id=link.id,
    )
    return link


def link_for(session: Session, partner: Partner, partner_reference: str) -> PartnerCaseLink | None:
    return session.scalar(
        select(PartnerCaseLink).where(
            PartnerCaseLink.partner_id == partner.id,
            PartnerCaseLink.reference_lookup == reference_lookup(partner_reference),
        )
    )


def links(session: Session, partner: Partner) -> list[tuple[PartnerCaseLink, str]]:
    """The partner's links with the service's case reference, in one query."""
    rows = session.execute(
        select(PartnerCaseLink, Case.reference)
        .join(Case, Case.id == PartnerCaseLink.case_id)
        .where(PartnerCaseLink.partner_id == partner.id)
        .order_by(PartnerCaseLink.created_at)
        .limit(500)
    ).all()
    return [(link, ref) for link, ref in rows]
