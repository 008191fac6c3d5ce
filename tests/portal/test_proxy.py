"""Behind a reverse proxy: the client's own address is throttled and the scheme is the proxy's,
but only when the deployment says a proxy is there, and only from the proxies it names."""

from __future__ import annotations

from flask import Flask, jsonify, request

from portal.extensions import limiter
from portal.throttle import INVITATION_LINK_PER_IP

LIMIT = int(INVITATION_LINK_PER_IP.split()[0])
TOKEN = "A" * 43  # an unknown invitation token: the page says the link does not work


def _hammer(app: Flask, client_ip: str, times: int, peer: str = "127.0.0.1") -> list[int]:
    client = app.test_client()
    return [
        client.get(
            f"/invitation/{TOKEN}",
            headers={"X-Forwarded-For": client_ip},
            environ_base={"REMOTE_ADDR": peer},
        ).status_code
        for _ in range(times)
    ]


def _probe(app: Flask) -> Flask:
    """A page that shows what the app believes about the request (test apps only)."""
    app.add_url_rule(
        "/test-probe",
        "test_probe",
        lambda: jsonify(remote=request.remote_addr, scheme=request.scheme, host=request.host),
    )
    return app


def test_by_default_forwarded_headers_are_ignored_and_everyone_shares_the_proxys_limit(make_app):
    app = make_app()
    limiter.reset()
    assert _hammer(app, "203.0.113.5", LIMIT) == [404] * LIMIT
    # Another "client" claiming another address is still the same peer: throttled.
    assert _hammer(app, "203.0.113.6", 1) == [429]


def test_with_one_proxy_hop_each_client_has_its_own_limit(make_app):
    app = make_app(PROXY_HOPS=1)
    limiter.reset()
    assert _hammer(app, "203.0.113.5", LIMIT + 1)[-1] == 429
    assert _hammer(app, "203.0.113.6", 1) == [404]


def test_forwarded_headers_from_an_untrusted_peer_are_dropped(make_app):
    app = make_app(TRUSTED_PROXIES="10.0.0.0/8")
    limiter.reset()
    # From the trusted proxy: the client's address counts.
    assert _hammer(app, "203.0.113.5", LIMIT + 1, peer="10.1.2.3")[-1] == 429
    assert _hammer(app, "203.0.113.6", 1, peer="10.1.2.3") == [404]
    # A client reaching the server directly cannot pose as someone else.
    assert _hammer(app, "203.0.113.7", LIMIT, peer="198.51.100.9") == [404] * LIMIT
    assert _hammer(app, "203.0.113.8", 1, peer="198.51.100.9") == [429]


def test_the_proxys_scheme_and_host_are_believed_only_when_configured(make_app):
    # As two proxies send them (a load balancer, then nginx): each appends its own view.
    headers = {
        "X-Forwarded-For": "203.0.113.5, 10.0.0.2",
        "X-Forwarded-Proto": "https, http",
        "X-Forwarded-Host": "waypoint.example.org, waypoint.internal",
    }
    off = _probe(make_app()).test_client().get("/test-probe", headers=headers).get_json()
    assert off == {"remote": "127.0.0.1", "scheme": "http", "host": "localhost"}
    # Two hops: the client, and the scheme and host it used, are two from the right.
    two = _probe(make_app(PROXY_HOPS=2)).test_client().get("/test-probe", headers=headers)
    assert two.get_json() == {
        "remote": "203.0.113.5",
        "scheme": "https",
        "host": "waypoint.example.org",
    }
