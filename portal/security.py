"""Security headers, set in one hook for every response (pages, errors and static files)."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)


def init_app(app: Flask) -> None:
    hsts = (
        not app.config["WAYPOINT_SETTINGS"].is_development
        and app.config["WAYPOINT_SETTINGS"].uses_https
    )

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        # Never to other sites; to ourselves, because Flask-WTF's CSRF check over HTTPS
        # refuses a POST without a same-origin Referer (no-referrer would break every form).
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = (
            "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages may hold case data and are read on shared phones: never store them.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
