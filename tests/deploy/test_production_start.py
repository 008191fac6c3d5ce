"""A rehearsed first production start, with the real processes an operator runs.

gunicorn with WAYPOINT_ENV=production on the suite's database (PostgreSQL in CI's second pass)
and Redis for rate limits, behind a "proxy" (this test, sending X-Forwarded-* as nginx would,
with PROXY_HOPS=1): migrate an empty database, provision the organisation and its first admin
from the CLI, accept the emailed invitation in the portal (passphrase, then two-step set-up),
invite an ISVA, and let a worker process send both invitation emails to the SMTP test server.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import redis
import requests
from bs4 import BeautifulSoup

from portal.config import PROJECT_ROOT, new_key
from tests.support.databases import DatabaseFactory
from tests.support.smtp_server import SMTPServer
from tests.support.twilio_server import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MESSAGING_SERVICE_SID,
    TwilioServer,
)

pytestmark = pytest.mark.slow

PUBLIC = "https://waypoint.example.org"
HOST = "waypoint.example.org"
CLIENT_IP = "203.0.113.10"
REDIS_DB = 13  # a database of its own on the machine's Redis, emptied before and after
FLASK = (sys.executable, "-m", "flask", "--app", "portal")
GUNICORN = (sys.executable, "-m", "gunicorn", "--config", "python:portal.gunicorn_config")
LINK = re.compile(r"^  (https://\S+/invitation/([0-9a-f]{64}))$", re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def production_env(
    databases: DatabaseFactory, tmp_path: Path
) -> Iterator[tuple[dict[str, str], SMTPServer]]:
    """The environment of a production deployment, with secrets made for this test."""
    smtp = SMTPServer().start()
    twilio = TwilioServer().start()
    url = databases.empty()
    store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    store.flushdb()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WAYPOINT_", "TWILIO_"))}
    env = {
        **base,
        "PYTHONUNBUFFERED": "1",
        "WAYPOINT_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEYS": new_key(),
        "LOOKUP_HASH_KEY": new_key(),
        "PUBLIC_BASE_URL": PUBLIC,
        "PROXY_HOPS": "1",
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
        "TWILIO_API_BASE_URL": twilio.url,
        "EMAIL_PROVIDER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_STARTTLS": "false",  # the loopback test server has no certificate
        "MAIL_FROM": "no-reply@waypoint.example.org",
        "NOTIFY_POLL_SECONDS": "0.2",
        "WEB_BIND": f"127.0.0.1:{_free_port()}",
        "WEB_CONCURRENCY": "2",
    }
    try:
        yield env, smtp
    finally:
        store.flushdb()
        smtp.stop()
        twilio.stop()
        databases.drop(url)


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FLASK, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Proxy:
    """What the portal sees from a TLS-terminating reverse proxy in front of it: the public
    host, X-Forwarded-For/-Proto, and the browser's cookies (``Secure`` ones included, which
    a plain-http client library would hold back)."""

    def __init__(self, bind: str) -> None:
        self.origin = f"http://{bind}"
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.http.trust_env = False  # loopback only, never a proxy from the environment

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": CLIENT_IP,
            "Referer": PUBLIC + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        response = self.http.request(
            method, self.origin + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def page(self, path: str) -> BeautifulSoup:
        response = self.request("GET", path)
        assert response.status_code == 200, (path, response.status_code)
        return BeautifulSoup(response.text, "html.parser")

    def submit(self, path: str, data: dict[str, str]) -> requests.Response:
        """GET the form, then POST it with its CSRF token, as a browser would."""
        token = self.page(path).select_one("input[name=csrf_token]")["value"]
        return self.request("POST", path, data={**data, "csrf_token": token})


def wait_until_serving(proxy: Proxy, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if proxy.request("GET", "/healthz").status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start: " + log.read_text())


def test_a_first_production_start_from_an_empty_database(production_env, tmp_path):
    env, smtp = production_env
    result = flask(env, "db", "upgrade", "heads")
    assert result.returncode == 0, result.stderr
    result = flask(
        env,
        "organisations",
        "create",
        "--name",
        "Northshire ISVA Service",
        "--service-name",
        "Compass",
        "--crisis-contact",
        "Samaritans: 116 123",
    )
    assert result.returncode == 0, result.stderr
    result = flask(
        env,
        "organisations",
        "invite-admin",
        "--organisation",
        "Northshire ISVA Service",
        "--name",
        "Dana Okafor",
        "--email",
        "dana@northshire.example.org",
    )
    assert result.returncode == 0, result.stderr
    ((admin_link, admin_token),) = LINK.findall(result.stdout)
    assert admin_link.startswith(PUBLIC + "/invitation/")

    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*GUNICORN, "portal.wsgi:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    liveness = tmp_path / "run" / "worker.alive"
    worker = None
    try:
        proxy = Proxy(env["WEB_BIND"])
        wait_until_serving(proxy, server, log)

        # A page, as the public sees it through the proxy: https-only cookies and HSTS.
        response = proxy.request("GET", "/sign-in")
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        assert "__Host-session" in proxy.cookies
        assert "Secure" in response.headers["Set-Cookie"]

        # The first admin accepts the invitation: a passphrase, then two-step verification.
        response = proxy.request("GET", f"/invitation/{admin_token}")
        assert (response.status_code, response.headers["Location"]) == (
            302,
            "/invitation/passphrase",
        )
        passphrase = "northshire admin chooses a long passphrase"
        response = proxy.submit(
            "/invitation/passphrase", {"password": passphrase, "confirm": passphrase}
        )
        assert response.status_code == 302, response.text
        setup = response.headers["Location"]
        assert setup == "/sign-in/two-step/set-up"
        secret = proxy.page(setup).select_one("#totp-secret").text.replace(" ", "").strip()
        response = proxy.submit(setup, {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 200
        assert len(BeautifulSoup(response.text, "html.parser").select("#recovery-codes li")) == 10

        # Signed in as the admin, they invite an ISVA; the page shows the link once.
        response = proxy.submit(
            "/caseworker/staff/invite",
            {"name": "Sam Ellis", "email": "sam@northshire.example.org", "role": "isva"},
        )
        assert response.status_code == 200, response.text
        shown = BeautifulSoup(response.text, "html.parser").select_one("#invitation-link")
        isva_link = shown.text.strip()
        assert isva_link.startswith(PUBLIC + "/invitation/")

        # The throttles count in Redis (shared by every web process), per client address.
        keys = [k.decode() for k in redis.Redis(db=REDIS_DB).keys("*")]
        assert any(CLIENT_IP in key for key in keys), keys

        # A worker process sends both invitation emails; its liveness file says it is alive.
        worker = subprocess.Popen(
            [*FLASK, "notifications", "work", "--liveness-file", str(liveness)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while len(smtp.received) < 2 and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            time.sleep(0.2)
        emails = {r.recipients[0]: r.message for r in smtp.received}
        assert set(emails) == {"dana@northshire.example.org", "sam@northshire.example.org"}
        for address, link in (
            ("dana@northshire.example.org", admin_link),
            ("sam@northshire.example.org", isva_link),
        ):
            assert emails[address]["Subject"] == "Set up your account"
            assert link in emails[address].get_body(("plain",)).get_content()
        alive = subprocess.run(
            [sys.executable, "-m", "portal.liveness", str(liveness), "--max-age", "30"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert alive.returncode == 0, alive.stdout + alive.stderr
        status = flask(env, "notifications", "status", "--json")
        assert status.returncode == 0, status.stderr
        figures = json.loads(status.stdout)
        assert figures["queue_depth"] == 0
        assert figures["failed_last_hour"] == 0
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        worker = None
        assert not liveness.exists()  # a clean stop never looks alive
    finally:
        if worker is not None:
            worker.kill()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    # The access log has each request, with the client's address, and no secrets.
    access = log.read_text()
    assert f'{CLIENT_IP} "GET /invitation/[token] HTTP/1.1" 302' in access
    assert f'{CLIENT_IP} "POST /caseworker/staff/invite HTTP/1.1" 200' in access
    assert admin_token not in access
    assert isva_link.rsplit("/", 1)[1] not in access
    assert "@northshire.example.org" not in access
