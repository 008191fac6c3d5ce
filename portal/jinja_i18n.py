"""The templates' ``_()`` / ``ngettext()`` and ``format_datetime``: Flask-Babel's catalogue,
found once per locale, and its date patterns without the per-call lookups.

Flask-Babel's own Jinja callables find the request's domain, locale and catalogue through
about a dozen context lookups for every string a template translates (12 µs a string; 7 here,
of which 4.5 are Jinja's own; a caseload page translates a few hundred). These ask only for
the locale (so ``force_locale``
still switches language mid-request) and keep the catalogue Flask-Babel gave for it. Escaping
and ``%(name)s`` formatting stay Jinja's own (``newstyle``). The portal has one translation
domain; a second one would need a key of its own here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.core import Locale
from babel.dates import parse_pattern
from babel.support import NullTranslations
from flask import Flask
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale, get_timezone, get_translations


def install(app: Flask) -> None:
    """Replace the gettext callables Flask-Babel installed in ``app``'s Jinja environment."""
    catalogues: dict[Locale | None, NullTranslations] = {}

    def catalogue() -> NullTranslations:
        locale = get_locale()  # None outside a request: Flask-Babel's null catalogue
        found = catalogues.get(locale)
        if found is None:
            found = catalogues[locale] = get_translations()
        return found

    def gettext(string: str) -> str:
        return catalogue().ugettext(string)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return catalogue().ungettext(singular, plural, n)

    def pgettext(context: str, string: str) -> str:
        return catalogue().upgettext(context, string)

    def npgettext(context: str, singular: str, plural: str, n: int) -> Any:
        return catalogue().unpgettext(context, singular, plural, n)

    # Added to the environment by Jinja's i18n extension, which Flask-Babel loaded.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext,
        ngettext=ngettext,
        newstyle=True,
        pgettext=pgettext,
        npgettext=npgettext,
    )


def format_datetime(value: datetime | None, format: str | None = None) -> str:
    """The ``format_datetime`` filter: Flask-Babel's, without its per-call lookups for a
    pattern a template names (a conversation formats ~50 times a page). The same babel
    pattern, applied to the moment in the user's time zone (Europe/London), in their locale."""
    if (
        not isinstance(value, datetime)
        or value.tzinfo is None  # babel reads a naive time as UTC; astimezone would not
        or format is None
        or format in ("short", "medium", "long", "full")
    ):
        return str(babel_format_datetime(value, format))
    return str(parse_pattern(format).apply(value.astimezone(get_timezone()), get_locale()))
