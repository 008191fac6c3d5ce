"""Worker tuning and the provider registry, built from the portal's settings.

Tuning values come from app.config (tests pass them to create_app) or the environment, with
production-safe defaults. ``WAYPOINT_FAULT`` is a test-only fault hook (see worker.py); it is
refused outside WAYPOINT_ENV=test so it cannot be switched on in production.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from flask import Flask

from notifications.providers.base import Provider
from notifications.providers.console import ConsoleProvider
from portal.config import ConfigError, Settings

FAULTS = ("after_claim", "before_provider", "after_provider")


@dataclass
class WorkerConfig:
    NOTIFY_BATCH_SIZE: int = 50
    NOTIFY_LEASE_SECONDS: float = 300.0  # longer than a batch can take to send
    NOTIFY_POLL_SECONDS: float = 1.0
    NOTIFY_PROVIDER_TIMEOUT: float = 10.0
    NOTIFY_BACKOFF_BASE: float = 30.0
    NOTIFY_BACKOFF_CAP: float = 3600.0
    NOTIFY_MAX_ATTEMPTS: int = 10
    # How long after an in-doubt send before asking the provider what it saw.
    NOTIFY_RECONCILE_DELAY: float = 60.0
    WAYPOINT_FAULT: str = ""

    @classmethod
    def from_app(cls, app: Flask) -> WorkerConfig:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = app.config.get(f.name, os.environ.get(f.name))
            if raw is None or raw == "":
                continue
            kind = type(getattr(cls, f.name))
            values[f.name] = kind(raw)
        config = cls(**values)
        settings: Settings = app.config["WAYPOINT_SETTINGS"]
        if config.NOTIFY_LEASE_SECONDS < 3 * config.NOTIFY_PROVIDER_TIMEOUT + 1:
            raise ConfigError(
                "NOTIFY_LEASE_SECONDS must be at least 3 x NOTIFY_PROVIDER_TIMEOUT + 1: a send "
                "must always end inside its lease."
            )
        if config.WAYPOINT_FAULT:
            if settings.WAYPOINT_ENV != "test":
                raise ConfigError("WAYPOINT_FAULT is a test-only hook; refusing to start.")
            if config.WAYPOINT_FAULT not in FAULTS:
                raise ConfigError(f"WAYPOINT_FAULT must be one of {', '.join(FAULTS)}.")
        return config


def build_providers(app: Flask) -> dict[str, Provider]:
    """One provider per channel, as configured (console unless told otherwise)."""
    settings: Settings = app.config["WAYPOINT_SETTINGS"]
    config = WorkerConfig.from_app(app)
    outbox = Path(settings.INSTANCE_PATH) / "dev-outbox.jsonl"
    providers: dict[str, Provider] = {}
    if settings.SMS_PROVIDER == "twilio":
        from notifications.providers.twilio_sms import TwilioSMS

        providers["sms"] = TwilioSMS(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            from_number=settings.TWILIO_FROM_NUMBER,
            base_url=settings.TWILIO_API_BASE_URL,
            timeout=config.NOTIFY_PROVIDER_TIMEOUT,
            pool=max(8, config.NOTIFY_BATCH_SIZE),
        )
    elif settings.SMS_PROVIDER == "console":
        providers["sms"] = ConsoleProvider("sms", outbox)
    else:
        raise ConfigError(f"SMS_PROVIDER must be twilio or console, not {settings.SMS_PROVIDER!r}")
    if settings.EMAIL_PROVIDER == "smtp":
        from notifications.providers.smtp_email import SMTPEmail

        providers["email"] = SMTPEmail(
            host=settings.SMTP_HOST,
            port=settings.SMTP_PORT,
            sender=settings.MAIL_FROM,
            username=settings.SMTP_USERNAME,
            password=settings.SMTP_PASSWORD,
            starttls=settings.SMTP_STARTTLS,
            timeout=config.NOTIFY_PROVIDER_TIMEOUT,
        )
    elif settings.EMAIL_PROVIDER == "console":
        providers["email"] = ConsoleProvider("email", outbox)
    else:
        raise ConfigError(
            f"EMAIL_PROVIDER must be smtp or console, not {settings.EMAIL_PROVIDER!r}"
        )
    return providers


def base_url(settings: Settings) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def status_callback_url(settings: Settings) -> str:
    return base_url(settings) + "/webhooks/twilio/status"
