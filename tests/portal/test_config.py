"""Settings: safe development defaults, hard failures for unsafe production settings."""

from __future__ import annotations

import json
import stat

import pytest

from portal.config import ConfigError, Settings, new_key


def test_development_generates_secrets_once_into_instance(tmp_path):
    first = Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path)})
    second = Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path)})
    assert first.SECRET_KEY
    assert first.SECRET_KEY == second.SECRET_KEY
    assert first.ENCRYPTION_KEYS == second.ENCRYPTION_KEYS
    secrets_file = tmp_path / "secrets.json"
    assert set(json.loads(secrets_file.read_text())) == {
        "SECRET_KEY",
        "ENCRYPTION_KEYS",
        "LOOKUP_HASH_KEY",
    }
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert f"sqlite:///{tmp_path / 'waypoint.db'}" == first.DATABASE_URL


def test_production_refuses_to_start_without_secrets_and_names_them(tmp_path):
    with pytest.raises(ConfigError) as error:
        Settings.from_env(
            environ={
                "WAYPOINT_ENV": "production",
                "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": "postgresql://db/waypoint",
                "SECRET_KEY": "x" * 40,
            }
        )
    message = str(error.value)
    assert "ENCRYPTION_KEYS" in message
    assert "LOOKUP_HASH_KEY" in message
    assert "SECRET_KEY" not in message.split("Set:")[1]
    assert not (tmp_path / "secrets.json").exists()


def test_production_refuses_without_a_database_url(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Settings.from_env(environ={"WAYPOINT_ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_refuses_plain_http_and_console_providers(tmp_path):
    with pytest.raises(ConfigError) as error:
        Settings.from_env(
            environ={
                "WAYPOINT_ENV": "production",
                "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": "postgresql://db/waypoint",
                "SECRET_KEY": "x" * 40,
                "ENCRYPTION_KEYS": new_key(),
                "LOOKUP_HASH_KEY": new_key(),
                "PUBLIC_BASE_URL": "http://waypoint.example.org",
            }
        )
    assert "https://" in str(error.value)
    assert "console" in str(error.value)
    # Each web process would keep its own counts: the setting is named, with what to use.
    assert "RATELIMIT_STORAGE_URI must be a shared store (redis://...)" in str(error.value)


def test_production_starts_with_real_settings(tmp_path):
    settings = Settings.from_env(
        environ={
            "WAYPOINT_ENV": "production",
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "postgresql://db/waypoint",
            "SECRET_KEY": "x" * 40,
            "ENCRYPTION_KEYS": f"{new_key()},{new_key()}",
            "LOOKUP_HASH_KEY": new_key(),
            "PUBLIC_BASE_URL": "https://waypoint.example.org",
            "SMS_PROVIDER": "twilio",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
            "EMAIL_PROVIDER": "smtp",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        }
    )
    assert settings.is_production
    assert len(settings.encryption_keys) == 2


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("ENCRYPTION_KEYS", "not-a-key", "ENCRYPTION_KEYS"),
        ("SMTP_PORT", "twenty-five", "SMTP_PORT"),
        ("SMTP_STARTTLS", "perhaps", "SMTP_STARTTLS"),
        ("WAYPOINT_ENV", "staging", "WAYPOINT_ENV"),
        ("PROXY_HOPS", "-1", "PROXY_HOPS"),
        ("TRUSTED_PROXIES", "10.0.0.0/8, the load balancer", "'the load balancer'"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(tmp_path, name, value, fragment):
    with pytest.raises(ConfigError, match=fragment):
        Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path), name: value})


def test_crisis_contacts_are_configurable(tmp_path):
    settings = Settings.from_env(
        environ={"INSTANCE_PATH": str(tmp_path), "CRISIS_CONTACTS": "Local line|0800 123 456"}
    )
    assert [(c.name, c.number) for c in settings.crisis_contacts] == [
        ("Local line", "0800 123 456")
    ]


def test_cookies_are_host_prefixed_and_secure_behind_https(make_app):
    app = make_app(PUBLIC_BASE_URL="https://waypoint.example.org")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/sign-in", base_url="https://waypoint.example.org")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires" not in cookie
    assert "Max-Age" not in cookie


def test_twilio_without_credentials_is_refused_naming_what_is_missing(tmp_path):
    with pytest.raises(ConfigError) as error:
        Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path), "SMS_PROVIDER": "twilio"})
    message = str(error.value)
    assert "TWILIO_ACCOUNT_SID" in message
    assert "TWILIO_AUTH_TOKEN" in message
    assert "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER" in message


def test_unknown_provider_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="EMAIL_PROVIDER"):
        Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path), "EMAIL_PROVIDER": "carrier"})
