"""Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from portal.db import db

SUPPORTED_LOCALES = ("en", "cy")


def select_locale() -> str:
    """A signed-in victim's stored language (the same on every device), else the language
    chosen with the switcher (a cookie), else English."""
    from flask_login import current_user

    stored = getattr(current_user, "language", None) if current_user else None
    if stored in SUPPORTED_LOCALES:
        return str(stored)
    chosen = request.cookies.get("lang", "")
    return chosen if chosen in SUPPORTED_LOCALES else "en"


# A date or time formatted without an explicit pattern reads the UK way ("5 December 2026",
# "5 December 2026, 14:10"), never Babel's "en" default ("Dec 5, 2026, 2:10:00 PM").
UK_DATE_FORMATS = {
    **Babel.default_date_formats,
    "date.medium": "d MMMM yyyy",
    "datetime.medium": "d MMMM yyyy, HH:mm",
    "time.medium": "HH:mm",
}

babel = Babel(date_formats=UK_DATE_FORMATS)
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate", "select_locale"]
