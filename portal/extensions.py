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


babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate", "select_locale"]
