"""Normalise email addresses and phone numbers before hashing them for lookup, so that
'Sam@Example.org ' and 'sam@example.org' (or '07700 900123' and '+447700900123') match.

``parse_identifier`` turns what someone typed at sign-in into one of them; it lives here, below
the services, because the sign-in throttle (portal/throttle.py) keys on it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context

from portal.crypto import lookup_hash


class InvalidIdentifierError(ValueError):
    """The text is not a usable email address or UK-style phone number."""


def normalise_email(text: str) -> str:
    try:
        result = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidIdentifierError(str(exc)) from None
    return result.normalized.lower()


# Ofcom's drama range for UK mobiles (07700 900000 to 07700 900999): never given to a real
# person, so safe in demos and tests, but not a valid number to libphonenumber.
DRAMA_MOBILES = range(7700900000, 7700901000)


def _drama_allowed() -> bool:
    """Drama numbers are accepted in development and test only, never in production (and
    never outside an app, where the environment is unknown)."""
    if not has_app_context():
        return False
    settings = current_app.config.get("WAYPOINT_SETTINGS")
    return settings is not None and not settings.is_production


def is_drama_mobile(number: phonenumbers.PhoneNumber) -> bool:
    return number.country_code == 44 and number.national_number in DRAMA_MOBILES


def normalise_phone(text: str, region: str = "GB") -> str:
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifierError(str(exc)) from None
    valid = phonenumbers.is_valid_number(number) or (is_drama_mobile(number) and _drama_allowed())
    if not valid:
        raise InvalidIdentifierError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_name(text: str) -> str:
    """Case- and space-insensitive form of a name, for the keyed-hash search of names."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Identifier:
    kind: Literal["email", "phone"]
    normalised: str

    @property
    def lookup(self) -> str:
        return lookup_hash(self.normalised, self.kind)


def parse_identifier(text: str) -> Identifier | None:
    """An email address or a phone number (UK by default), normalised; None if neither."""
    text = (text or "").strip()
    if not text or len(text) > 254 or "\x00" in text:
        return None
    try:
        if "@" in text:
            return Identifier("email", normalise_email(text))
        return Identifier("phone", normalise_phone(text))
    except InvalidIdentifierError:
        return None
