"""Every response carries the security headers: every route in app.url_map, plus 404 and 500."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from werkzeug.routing import AnyConverter

EXPECTED_CSP_PARTS = [
    "default-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
]

PLACEHOLDERS = {"uuid": str(uuid.uuid4()), "int": "1", "default": "x", "path": "x"}


def concrete_urls(app: Flask) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        values = {}
        for arg in rule.arguments:
            converter = rule._converters[arg]
            if isinstance(converter, AnyConverter):
                values[arg] = sorted(converter.items)[0]
                continue
            name = type(converter).__name__.lower()
            key = next((k for k in PLACEHOLDERS if k in name), "default")
            values[arg] = PLACEHOLDERS[key]
        if rule.endpoint == "static":
            values["filename"] = "css/app.css"
        path = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in (rule.methods or set()) else sorted(rule.methods or {"POST"})[0]
        urls.append((method, path))
    return urls


def assert_security_headers(response, path: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for part in EXPECTED_CSP_PARTS:
        assert part in csp, f"{path}: CSP lacks {part}"
    assert "unsafe-inline" not in csp
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") == "same-origin", path


def test_every_route_sends_security_headers(app, client):
    urls = concrete_urls(app)
    assert len(urls) >= 8
    for method, path in urls:
        response = client.open(path, method=method)
        assert_security_headers(response, path)
        if not path.startswith("/static/"):
            assert response.headers.get("Cache-Control") == "no-store", path


def test_static_files_may_be_cached_but_still_carry_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert_security_headers(response, "/static/css/app.css")
    assert response.headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("path", ["/definitely-not-here", "/static/nothing.css"])
def test_not_found_responses_carry_headers(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_security_headers(response, path)


def test_server_errors_carry_headers(make_app):
    app = make_app()

    @app.get("/explode-for-test")
    def explode() -> str:
        raise ValueError("no")

    response = app.test_client().get("/explode-for-test")
    assert response.status_code == 500
    assert_security_headers(response, "/explode-for-test")
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_outside_development_over_https(make_app, client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = make_app(PUBLIC_BASE_URL="https://waypoint.example.org")
    response = secure.test_client().get("/sign-in", base_url="https://waypoint.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
