"""Which reverse proxies the portal believes about the client's address and scheme.

Behind a TLS-terminating proxy every request comes from the proxy: without this, per-IP
throttling would throttle everyone together and the request would look like plain http. Off by
default, because believing ``X-Forwarded-*`` from anyone lets any client pick its own address
(and dodge the sign-in throttle). Werkzeug's ``ProxyFix`` does the rewriting; it trusts by hop
count only, so the check of *who* may send the headers (``TRUSTED_PROXIES``) is ours.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)


def parse_networks(text: str) -> list[Network]:
    """``"10.0.0.0/8, 192.0.2.7"`` to networks; raises ValueError naming the bad entry."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network") from None
    return networks


class TrustedProxies:
    """ProxyFix for requests whose peer is a trusted proxy; the forwarded headers of anyone
    else are dropped, so nothing later (the app, a log line) can be fooled by them."""

    def __init__(self, app: WSGIApplication, hops: int, networks: Iterable[Network]) -> None:
        self.networks = list(networks)
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
        self.plain = app

    def trusts(self, address: str | None) -> bool:
        if not self.networks:
            return True  # a hop count alone: the deployment says only the proxy can reach us
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        if self.trusts(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for name in FORWARDED_HEADERS:
            environ.pop(name, None)
        return self.plain(environ, start_response)


def wrap(app: WSGIApplication, hops: int, trusted: str) -> WSGIApplication:
    """The app as it should face the network: unchanged when no proxy is configured."""
    networks = parse_networks(trusted)
    if hops <= 0 and not networks:
        return app
    return TrustedProxies(app, max(hops, 1), networks)
