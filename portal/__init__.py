"""Waypoint: the application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_babel import format_date, get_locale
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from portal import crypto, errors, jinja_i18n, proxy, security, transaction
from portal import logs as request_log
from portal.config import PROJECT_ROOT, Settings
from portal.db import end_request_transaction, engine_options
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the portal. ``settings`` defaults to the environment; tests pass their own."""
    settings = settings or Settings.from_env(**overrides)
    app = Flask(
        __name__,
        instance_path=settings.INSTANCE_PATH,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, settings)
    crypto.configure(settings.encryption_keys, settings.LOOKUP_HASH_KEY)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)

    db.init_app(app)
    app.teardown_request(end_request_transaction)
    transaction.init_app(app)  # the request commits once, or rolls back
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    jinja_i18n.install(app)  # after Flask-Babel's: the same catalogues, looked up once
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None

    from portal import models  # noqa: F401  (register every table with the metadata)
    from portal.auth import loader  # noqa: F401  (Flask-Login's user loader)

    security.init_app(app)
    request_log.init_app(app)  # request ids on responses, logs and audit rows
    errors.init_app(app)
    _register_blueprints(app)
    _register_template_globals(app, settings)
    _register_cli(app)

    import notifications

    notifications.init_app(app)
    from portal import api

    api.init_app(app)  # the partner API (/api/v1): JSON errors, API keys, no CSRF
    app.wsgi_app = proxy.wrap(  # type: ignore[method-assign,assignment]
        app.wsgi_app, settings.PROXY_HOPS, settings.TRUSTED_PROXIES
    )
    return app


def _configure(app: Flask, settings: Settings) -> None:
    logging.basicConfig(level=settings.LOG_LEVEL)
    secure_cookies = settings.uses_https
    config = dict(
        WAYPOINT_SETTINGS=settings,
        SECRET_KEY=settings.SECRET_KEY,
        SECRET_KEY_FALLBACKS=settings.secret_key_fallbacks,
        SQLALCHEMY_DATABASE_URI=settings.DATABASE_URL,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.DATABASE_URL),
        MAX_CONTENT_LENGTH=settings.MAX_CONTENT_LENGTH,
        SESSION_COOKIE_NAME="__Host-session" if secure_cookies else "session",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_PERMANENT=False,
        REMEMBER_COOKIE_DURATION=0,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which is short
        RATELIMIT_STORAGE_URI=settings.RATELIMIT_STORAGE_URI,
        RATELIMIT_HEADERS_ENABLED=True,
        PARTNER_API_RATE_LIMIT=settings.PARTNER_API_RATE_LIMIT,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="Europe/London",
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "portal" / "translations"),
        TESTING=settings.WAYPOINT_ENV == "test",
    )
    # Anything else the settings carry (tests: e.g. another translations directory) wins.
    app.config.update(config | settings.extra)


def _register_blueprints(app: Flask) -> None:
    from portal.auth import bp as auth_bp
    from portal.caseworker import bp as caseworker_bp
    from portal.info import bp as info_bp
    from portal.public.views import bp as public_bp
    from portal.victim import bp as victim_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(victim_bp)
    app.register_blueprint(caseworker_bp)
    app.register_blueprint(info_bp)


def _register_template_globals(app: Flask, settings: Settings) -> None:
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = jinja_i18n.format_datetime
    from portal.victim.widgets import character_count

    app.jinja_env.globals["character_count"] = character_count

    @app.context_processor
    def inject_service() -> dict[str, Any]:
        from portal.services.accounts.organisation_settings import for_signed_in_user

        service_name, crisis_contacts = for_signed_in_user(settings)
        return {
            "current_locale": str(get_locale() or "en"),
            "service_name": service_name,
            "crisis_contacts": crisis_contacts,
        }


def _register_cli(app: Flask) -> None:
    from portal.cli import demo_cli

    app.cli.add_command(demo_cli)
    from portal.cli_keys import keys_cli

    app.cli.add_command(keys_cli)
    from portal.cli_updates import updates_cli

    app.cli.add_command(updates_cli)
    from portal.cli_retention import retention_cli

    app.cli.add_command(retention_cli)
    from portal.cli_organisations import organisations_cli

    app.cli.add_command(organisations_cli)
