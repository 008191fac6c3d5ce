"""Normalise email addresses and phone numbers before hashing them for lookup, so that
'Sam@Example.org ' and 'sam@example.org' (or '07700 900123' and '+447700900123') match."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidIdentifierError(ValueError):
    """The text is not a usable email address or UK-style phone number."""


def normalise_email(text: str) -> str:
    try:
        result = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidIdentifierError(str(exc)) from None
    return result.normalized.lower()


def normalise_phone(text: str, region: str = "GB") -> str:
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifierError(str(exc)) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifierError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_name(text: str) -> str:
    """Case- and space-insensitive form of a name, for the keyed-hash search of names."""
    return " ".join(text.casefold().split())
