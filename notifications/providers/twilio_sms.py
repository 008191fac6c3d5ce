"""SMS through Twilio's official SDK.

The SDK's HTTP transport is ours (twilio_http.py: urllib3, routed to ``TWILIO_API_BASE_URL``
when set, silent). The client is built with ``environment={}`` so TWILIO_REGION / TWILIO_EDGE in
the environment cannot re-route it. Transport errors are classified here: a request that never
reached Twilio is retried; one that may have reached it is in doubt (reconciled, not resent).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
)

from notifications.providers.base import (
    FOUND,
    NOT_SEEN,
    InDoubtError,
    OutgoingMessage,
    Reconciled,
    RetryableError,
    SendResult,
    error_for,
)
from notifications.providers.twilio_codes import classify
from notifications.providers.twilio_http import Urllib3HttpClient

# How far a provider's clock may be behind ours when matching an in-doubt send.
CLOCK_SLACK = timedelta(minutes=2)


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
            http = Urllib3HttpClient(self._base_url, self._timeout, self._pool)
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
            action = classify(exc.code, exc.status)
            raise error_for(action, str(exc.code or f"http_{exc.status}")) from None
        except NewConnectionError:  # refused, unreachable: the request never left
            raise RetryableError("connection_refused") from None
        except ConnectTimeoutError:
            raise RetryableError("connect_timeout") from None
        except ReadTimeoutError:  # sent, no answer: Twilio may have taken it
            raise InDoubtError("timeout") from None
        except ProxyError as exc:
            if isinstance(exc.original_error, ConnectTimeoutError):  # the proxy was unreachable
                raise RetryableError("proxy_unreachable") from None
            raise InDoubtError("connection_lost") from None
        except HTTPError:  # the connection broke mid-request
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
        except HTTPError:
            raise RetryableError("reconcile_unreachable") from None
        for item in found:
            if item.sid in known_ids or item.date_created is None:
                continue
            if item.date_created >= since:
                return Reconciled(FOUND, str(item.sid))
        return Reconciled(NOT_SEEN)

    def close(self) -> None:
        client = getattr(self._local, "client", None)
        if client is not None:
            client.http_client.close()
        self._local = threading.local()
