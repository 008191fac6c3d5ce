"""SMS through Twilio's official SDK.

``TWILIO_API_BASE_URL`` points the SDK at another host (the local test server, staging): a
small ``TwilioHttpClient`` subclass rewrites each request's scheme and host. The client is built
with ``environment={}`` so TWILIO_REGION / TWILIO_EDGE in the environment cannot re-route it.
The SDK's own request logging (which would print phone numbers in list queries) is silenced.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.providers.base import (
    FOUND,
    NOT_SEEN,
    InDoubtError,
    OutgoingMessage,
    Reconciled,
    RetryableError,
    SendResult,
    classify_twilio,
    error_for,
)

# How far a provider's clock may be behind ours when matching an in-doubt send.
CLOCK_SLACK = timedelta(minutes=2)
TWILIO_API = "https://api.twilio.com"


class RoutedHttpClient(TwilioHttpClient):
    """Sends every SDK request to ``base_url`` (scheme + host + port) when one is given."""

    def __init__(self, base_url: str | None, timeout: float, pool: int) -> None:
        super().__init__(pool_connections=True, timeout=timeout)
        parts = urlsplit(base_url) if base_url else None
        self._target = (parts.scheme, parts.netloc) if parts else None
        if self.session is not None:
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(pool, 1))
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)
            # requests re-reads proxy and CA-bundle variables and ~/.netrc on every request
            # (a scan of the whole environment each time: a third of a send's CPU). Read them
            # once, for the host we talk to, and stop looking.
            self.proxy = get_environ_proxies(base_url or TWILIO_API)
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if bundle:
                self.session.verify = bundle
            self.session.trust_env = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if self._target is not None:
            parts = urlsplit(url)
            url = urlunsplit((self._target[0], self._target[1], parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)

    def log_request(self, kwargs: dict[str, Any]) -> None:  # never log numbers or bodies
        return

    def log_response(self, status_code: int, response: Any) -> None:
        return


class TwilioSMS:
    name = "twilio"
    channel = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        messaging_service_sid: str = "",
        from_number: str = "",
        base_url: str = "",
        timeout: float = 10.0,
        pool: int = 8,
    ) -> None:
        if not account_sid or not auth_token:
            raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required for SMS")
        if not messaging_service_sid and not from_number:
            raise ValueError("set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        self._sid = account_sid
        self._token = auth_token
        self._service = messaging_service_sid
        self._from = from_number
        self._base_url = base_url or None
        self._timeout = timeout
        self._pool = pool
        self._local = threading.local()

    def _client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            http = RoutedHttpClient(self._base_url, self._timeout, self._pool)
            client = Client(self._sid, self._token, http_client=http, environment={})
            self._local.client = client
        return client

    def send(self, message: OutgoingMessage) -> SendResult:
        sender: dict[str, Any] = (
            {"messaging_service_sid": self._service} if self._service else {"from_": self._from}
        )
        extra: dict[str, Any] = {}
        if message.status_callback:
            extra["status_callback"] = message.status_callback
        if message.validity_period:
            extra["validity_period"] = message.validity_period
        try:
            created = self._client().messages.create(
                to=message.to, body=message.sms_body, **sender, **extra
            )
        except TwilioRestException as exc:
            action = classify_twilio(exc.code, exc.status)
            raise error_for(action, str(exc.code or f"http_{exc.status}")) from None
        except requests.exceptions.ConnectTimeout:
            raise RetryableError("connect_timeout") from None
        except requests.exceptions.Timeout:
            raise InDoubtError("timeout") from None
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise RetryableError("connection_refused") from None
            raise InDoubtError("connection_lost") from None
        return SendResult(str(created.sid), str(created.status or "queued"))

    def reconcile(
        self, message: OutgoingMessage, started_at: datetime, known_ids: set[str]
    ) -> Reconciled:
        """Did Twilio take this attempt? Twilio's Message resource does not echo the status
        callback URL, so we look for a message to this number, sent on or after the attempt's
        day, created after the attempt began (less clock slack), whose SID we have not already
        recorded. The worker never has two sends in flight to one contact point, so such a
        message can only be this attempt. Errors propagate: if Twilio cannot be asked, the row
        stays in doubt and is asked again later."""
        since = started_at - CLOCK_SLACK
        try:
            found = self._client().messages.list(
                to=message.to, date_sent_after=since.strftime("%Y-%m-%d"), page_size=100
            )
        except TwilioRestException as exc:
            raise RetryableError(str(exc.code or f"http_{exc.status}")) from None
        except requests.exceptions.RequestException:
            raise RetryableError("reconcile_unreachable") from None
        for item in found:
            if item.sid in known_ids or item.date_created is None:
                continue
            if item.date_created >= since:
                return Reconciled(FOUND, str(item.sid))
        return Reconciled(NOT_SEEN)

    def close(self) -> None:
        client = getattr(self._local, "client", None)
        if client is not None and client.http_client.session is not None:
            client.http_client.session.close()
        self._local = threading.local()


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    text = repr(exc)
    return "NewConnectionError" in text or "Connection refused" in text
