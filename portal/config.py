"""Typed settings read from the environment.

Development generates missing secrets once into ``instance/`` so ``make run`` works from a fresh
clone; production refuses to start without real ones, naming each missing variable.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from portal.proxy import parse_networks

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"

DEFAULT_CRISIS_CONTACTS = (
    "Emergency (police, ambulance)|999;"
    "Rape Crisis 24/7 Support Line|0808 500 2222;"
    "Samaritans (24 hours)|116 123"
)

SECRET_NAMES = ("SECRET_KEY", "ENCRYPTION_KEYS", "LOOKUP_HASH_KEY")


class ConfigError(RuntimeError):
    """Raised when the portal must not start with the settings it was given."""


@dataclass(frozen=True)
class CrisisContact:
    name: str
    number: str


@dataclass
class Settings:
    """Every setting the portal reads; each maps to an environment variable of the same name."""

    WAYPOINT_ENV: str = "development"
    DATABASE_URL: str = ""
    SECRET_KEY: str = ""
    # Comma-separated previous SECRET_KEYs, newest first: still accepted on sessions and on the
    # unsubscribe links in emails already sent, never used to sign anything new.
    SECRET_KEY_FALLBACKS: str = ""
    # Comma-separated urlsafe-base64 32-byte keys, newest first. The first encrypts; all decrypt.
    ENCRYPTION_KEYS: str = ""
    # Key for the keyed hashes (HMAC-SHA256) used to look up encrypted emails and phone numbers.
    LOOKUP_HASH_KEY: str = ""
    SERVICE_NAME: str = "Waypoint"
    PUBLIC_BASE_URL: str = "http://127.0.0.1:5000"
    EXIT_URL: str = "https://www.bbc.co.uk/weather"
    CRISIS_CONTACTS: str = DEFAULT_CRISIS_CONTACTS
    INSTANCE_PATH: str = str(DEFAULT_INSTANCE)
    RATELIMIT_STORAGE_URI: str = "memory://"
    # Reverse proxies in front (0: none). Their X-Forwarded-For/-Proto/-Host/-Port are believed,
    # so the client's own address is throttled and the scheme is https (portal/proxy.py).
    PROXY_HOPS: int = 0
    # Comma-separated addresses or networks the forwarded headers are accepted from (others'
    # are dropped); setting it alone means one hop.
    TRUSTED_PROXIES: str = ""
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    VICTIM_IDLE_MINUTES: int = 15
    STAFF_IDLE_MINUTES: int = 30
    SESSION_ABSOLUTE_HOURS: int = 12
    # Notification providers: "console" keeps everything on this machine (the default).
    SMS_PROVIDER: str = "console"
    EMAIL_PROVIDER: str = "console"
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_MESSAGING_SERVICE_SID: str = ""
    TWILIO_FROM_NUMBER: str = ""
    TWILIO_API_BASE_URL: str = ""
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: int = 25
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_STARTTLS: bool = True
    MAIL_FROM: str = "no-reply@waypoint.invalid"
    PARTNER_API_RATE_LIMIT: str = "120/minute"
    LOG_LEVEL: str = "INFO"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.WAYPOINT_ENV == "production"

    @property
    def is_development(self) -> bool:
        return self.WAYPOINT_ENV == "development"

    @property
    def uses_https(self) -> bool:
        return self.PUBLIC_BASE_URL.startswith("https://")

    @property
    def crisis_contacts(self) -> list[CrisisContact]:
        contacts = []
        for item in self.CRISIS_CONTACTS.split(";"):
            name, _, number = item.partition("|")
            if name.strip() and number.strip():
                contacts.append(CrisisContact(name.strip(), number.strip()))
        return contacts

    @property
    def secret_key_fallbacks(self) -> list[str]:
        return [k.strip() for k in self.SECRET_KEY_FALLBACKS.split(",") if k.strip()]

    @property
    def encryption_keys(self) -> list[bytes]:
        return [decode_key(k) for k in self.ENCRYPTION_KEYS.split(",") if k.strip()]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            if f.name in overrides:
                values[f.name] = overrides.pop(f.name)
            elif f.name in env and env[f.name] != "":
                values[f.name] = _coerce(f.type, env[f.name], f.name)
        settings = cls(**values, extra=overrides)
        settings.finalise()
        return settings

    def finalise(self) -> None:
        """Fill in what development may leave out, and refuse to start on anything unsafe."""
        if self.WAYPOINT_ENV not in ("development", "test", "production"):
            raise ConfigError(
                f"WAYPOINT_ENV must be development, test or production, not {self.WAYPOINT_ENV!r}."
            )
        self._fill_development_defaults()
        if self.is_production:
            self._check_production()
        self._check_providers()
        self._check_proxies_and_keys()

    def _fill_development_defaults(self) -> None:
        """A SQLite file and generated secrets in the instance folder; never in production."""
        instance = Path(self.INSTANCE_PATH)
        if not self.DATABASE_URL:
            if self.is_production:
                raise ConfigError("Refusing to start in production: DATABASE_URL is not set.")
            instance.mkdir(parents=True, exist_ok=True)
            self.DATABASE_URL = f"sqlite:///{instance / 'waypoint.db'}"
        missing = [name for name in SECRET_NAMES if not getattr(self, name)]
        if missing and self.is_production:
            raise ConfigError(
                "Refusing to start in production without real secrets. Set: " + ", ".join(missing)
            )
        if missing:
            generated = _development_secrets(instance)
            for name in missing:
                setattr(self, name, generated[name])

    def _check_production(self) -> None:
        problems = []
        if not self.uses_https:
            problems.append("PUBLIC_BASE_URL must start with https://")
        if len(self.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be at least 32 characters")
        if self.SMS_PROVIDER == "console" or self.EMAIL_PROVIDER == "console":
            problems.append("SMS_PROVIDER and EMAIL_PROVIDER must not be 'console'")
        if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
            # Each web process would count on its own: N processes allow N times the limit.
            problems.append(
                "RATELIMIT_STORAGE_URI must be a shared store (redis://...), not memory://"
            )
        if problems:
            raise ConfigError("Refusing to start in production: " + "; ".join(problems) + ".")

    def _check_proxies_and_keys(self) -> None:
        if self.PROXY_HOPS < 0:
            raise ConfigError("PROXY_HOPS must be 0 (no proxy) or the number of proxies in front.")
        try:
            parse_networks(self.TRUSTED_PROXIES)
        except ValueError as exc:
            raise ConfigError(f"TRUSTED_PROXIES is not valid: {exc}.") from None
        try:
            keys = self.encryption_keys
        except ValueError as exc:
            raise ConfigError(f"ENCRYPTION_KEYS is not valid: {exc}") from None
        if not keys:
            raise ConfigError("ENCRYPTION_KEYS must hold at least one key.")

    def _check_providers(self) -> None:
        if self.SMS_PROVIDER not in ("console", "twilio"):
            raise ConfigError(f"SMS_PROVIDER must be console or twilio, not {self.SMS_PROVIDER!r}.")
        if self.EMAIL_PROVIDER not in ("console", "smtp"):
            raise ConfigError(
                f"EMAIL_PROVIDER must be console or smtp, not {self.EMAIL_PROVIDER!r}."
            )
        missing = []
        if self.SMS_PROVIDER == "twilio":
            missing += [
                n for n in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not getattr(self, n)
            ]
            if not (self.TWILIO_MESSAGING_SERVICE_SID or self.TWILIO_FROM_NUMBER):
                missing.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        if self.EMAIL_PROVIDER == "smtp":
            missing += [n for n in ("SMTP_HOST", "MAIL_FROM") if not getattr(self, n)]
        if missing:
            raise ConfigError("The notification providers need: " + ", ".join(missing) + ".")


def decode_key(text: str) -> bytes:
    """Decode one urlsafe-base64 key; AES-256 needs exactly 32 bytes."""
    raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    if len(raw) != 32:
        raise ValueError("each key must be 32 bytes, urlsafe-base64 encoded")
    return raw


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _development_secrets(instance: Path) -> dict[str, str]:
    """Generate development secrets once and keep them in instance/ (git-ignored, mode 0600)."""
    path = instance / "secrets.json"
    instance.mkdir(parents=True, exist_ok=True)
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
    else:
        data = {}
    wanted = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(48),
        "ENCRYPTION_KEYS": new_key,
        "LOOKUP_HASH_KEY": new_key,
    }
    changed = False
    for name, make in wanted.items():
        if not data.get(name):
            data[name] = make()
            changed = True
    if changed:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2)
    return data


def _coerce(kind: Any, raw: str, name: str) -> Any:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    if kind_name == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if kind_name == "bool":
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}.")
    return raw
