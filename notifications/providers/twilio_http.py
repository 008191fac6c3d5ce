"""The Twilio SDK's HTTP transport, on urllib3 (the SDK's own ``TwilioHttpClient`` is on requests).

The SDK takes any ``twilio.http.HttpClient`` (``Client(http_client=...)``, a documented
extension point). Ours exists for three reasons:

- Cost: requests builds and merges session, environment, cookie and hook state for every call,
  over a third of a send's CPU (measured: 1.3-1.5 ms against 0.9 ms per message with the SDK
  on top); the worker's send threads pay that per message. urllib3, which requests itself
  sits on, with one pool per client does the same HTTP work.
- Routing: ``TWILIO_API_BASE_URL`` sends every request to another host (the local test
  server, staging), keeping path and query.
- Silence: the SDK's request logging would print phone numbers from list queries.

Proxy (``HTTPS_PROXY``/``NO_PROXY``) and CA bundle (``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``)
variables are read once, when the client is built; certificates are verified against the
system's trust store (as the SMTP provider's ``ssl.create_default_context()`` does) unless a
bundle is named. Errors are urllib3's own (retries are off: a send is never repeated by the
transport), for the provider to classify.
"""

from __future__ import annotations

import json
import logging
import os
from base64 import b64encode
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import getproxies, proxy_bypass

import urllib3
from twilio.http import HttpClient
from twilio.http.response import Response

TWILIO_API = "https://api.twilio.com"
_JSON_TYPES = ("application/json", "application/scim+json")


class Urllib3HttpClient(HttpClient):
    """One connection pool (``pool`` connections kept) to the one host the SDK talks to."""

    def __init__(self, base_url: str | None, timeout: float, pool: int) -> None:
        super().__init__(logging.getLogger("notifications.twilio_http"), False, timeout)
        parts = urlsplit(base_url) if base_url else None
        self._target = (parts.scheme, parts.netloc) if parts else None
        target = base_url or TWILIO_API
        options: dict[str, Any] = {
            "maxsize": max(pool, 1),
            "retries": False,
            "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        }
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
        if bundle:
            options["ca_certs"] = bundle
        proxy = _proxy_for(target)
        self._pool: urllib3.PoolManager = (
            urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)
        )
        self._auth: tuple[tuple[str, str], str] | None = None

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if timeout is not None and timeout <= 0:
            raise ValueError(timeout)
        if self._target is not None:
            parts = urlsplit(url)
            url = urlunsplit((self._target[0], self._target[1], parts.path, parts.query, ""))
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        headers = dict(headers or {})
        if auth is not None:
            headers["Authorization"] = self._basic(auth)
        body: str | None = None
        if data:
            if headers.get("Content-Type") in _JSON_TYPES:
                body = json.dumps(data)
            else:
                body = urlencode(data, doseq=True)
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        extra: dict[str, Any] = {}
        if timeout is not None:  # else the pool's timeout (None here would mean "wait forever")
            extra["timeout"] = urllib3.Timeout(connect=timeout, read=timeout)
        response = self._pool.request(
            method.upper(), url, body=body, headers=headers, redirect=allow_redirects, **extra
        )
        self._test_only_last_response = Response(
            response.status, response.data.decode("utf-8"), response.headers
        )
        return self._test_only_last_response

    def _basic(self, auth: tuple[str, str]) -> str:
        if self._auth is None or self._auth[0] != auth:
            token = b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            self._auth = (auth, f"Basic {token}")
        return self._auth[1]

    def close(self) -> None:
        self._pool.clear()


def _proxy_for(url: str) -> str | None:
    """The proxy the environment names for ``url``'s scheme, unless NO_PROXY exempts its host."""
    parts = urlsplit(url)
    proxy = getproxies().get(parts.scheme)
    if not proxy or proxy_bypass(parts.hostname or ""):
        return None
    return proxy
