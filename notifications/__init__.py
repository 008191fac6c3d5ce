"""Waypoint's notification service: how people are told that something is new, never what.

``notify(session, recipient, kind, source_key=...)`` is the only way in (outbox.py). The worker
(worker.py) drains the outbox through the providers (providers/); webhooks.py takes Twilio's
status callbacks and inbound STOP/START/HELP; unsubscribe_views.py takes the one-click
unsubscribe link every email carries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.outbox import NotifyResult, notify
from notifications.tasks import failed_notifications_for_cases

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["NotifyResult", "failed_notifications_for_cases", "init_app", "notify"]


def init_app(app: Flask) -> None:
    """Register the tables, provider registry, webhooks, the dev outbox page and the CLI."""
    import logging

    from notifications import models  # noqa: F401  (tables on the metadata)
    from notifications.cli import notifications_cli
    from notifications.config import build_providers
    from notifications.unsubscribe_views import bp as unsubscribe_bp
    from notifications.webhooks import bp as webhooks_bp

    # The Twilio SDK logs request URLs (with phone numbers) at INFO: never let it.
    logging.getLogger("twilio").setLevel(logging.WARNING)
    _check_templates(app)
    app.extensions["notifications"] = {"providers": build_providers(app)}
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(unsubscribe_bp)
    if app.debug or app.config["WAYPOINT_SETTINGS"].is_development:
        # `make run` (development, not debug) shows what the console provider "sent".
        from notifications.devoutbox import bp as dev_bp

        app.register_blueprint(dev_bp)
    app.cli.add_command(notifications_cli)


def _check_templates(app: Flask) -> None:
    """Refuse to start if the configured service name or address would make any message, in
    English or Welsh, fail the neutrality check (a worker must never meet that mid-send)."""
    from notifications.config import base_url
    from notifications.render import KINDS, LANGUAGES, UnsafeContentError, render
    from portal.config import ConfigError

    settings = app.config["WAYPOINT_SETTINGS"]
    for kind, language in ((k, lang) for k in KINDS for lang in LANGUAGES):
        try:
            render(
                kind,
                service=settings.SERVICE_NAME,
                url=base_url(settings),
                code="000000",
                language=language,
            )
        except UnsafeContentError:
            raise ConfigError(
                "SERVICE_NAME or PUBLIC_BASE_URL would make notifications name the service's "
                "purpose (or not fit one SMS); choose a neutral name."
            ) from None
