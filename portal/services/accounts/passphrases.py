"""The passphrase rule (NIST SP 800-63B and OWASP ASVS 5.0 section 6.2): 12 to 128 characters,
spaces and any characters allowed, no composition rules, and not one of the common passwords
that zxcvbn ships (30,000 from real breaches).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _squashed(text: str) -> str:
    return "".join(text.casefold().split())


def has_unreadable_characters(text: str) -> bool:
    """NUL and other control characters, or U+FFFD (what invalid UTF-8 decodes to)."""
    return any(
        ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t") for ch in text
    )


def problem(passphrase: str, *, identifiers: tuple[str, ...] = ()) -> str | None:
    """Why this passphrase cannot be used, in words for the person choosing it; else None."""
    if has_unreadable_characters(passphrase):
        return str(_l("Your passphrase has a character we cannot read. Type it again."))
    if len(passphrase) < MIN_LENGTH:
        return str(_l("Your passphrase must be at least 12 characters"))
    if len(passphrase) > MAX_LENGTH:
        return str(_l("Your passphrase must be 128 characters or fewer"))
    common = common_passwords()
    if passphrase.casefold() in common or _squashed(passphrase) in common:
        return str(
            _l(
                "That passphrase is too easy to guess because many people use it. "
                "Try 3 or 4 words that do not go together."
            )
        )
    squashed = _squashed(passphrase)
    if any(ident and squashed == _squashed(ident) for ident in identifiers):
        return str(_l("Your passphrase must not be your email address or mobile number"))
    if len(set(squashed)) < 3:
        return str(
            _l(
                "That passphrase is too easy to guess because it repeats the same characters. "
                "Try 3 or 4 words that do not go together."
            )
        )
    return None
