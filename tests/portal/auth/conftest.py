"""Helpers for the authentication tests: signing in through the real forms."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.loader import SESSION_KEY
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.pages import ClientRequest


@dataclass
class Browser:
    """One test client with its own cookies: two of these are two devices."""

    app: Flask
    client: FlaskClient
    request: ClientRequest

    def sign_in(
        self,
        identifier: str,
        password: str = DEFAULT_PASSWORD,
        next_path: str | None = None,
        expected: int = 302,
    ):
        url = "/sign-in" + (f"?next={next_path}" if next_path is not None else "")
        return self.request.post(
            url, {"identifier": identifier, "password": password}, _expected_status=expected
        )

    @property
    def location(self) -> str:
        assert self.request.response is not None
        return self.request.response.headers.get("Location", "")

    def token(self) -> str | None:
        with self.client.session_transaction() as flask_session:
            return flask_session.get(SESSION_KEY)

    def cookie(self) -> str | None:
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie is not None else None

    def csrf(self, form_url: str) -> str:
        return self.request.csrf_token(form_url)


@pytest.fixture
def browser(app: Flask, client: FlaskClient, client_request: ClientRequest) -> Browser:
    return Browser(app, client, client_request)


@pytest.fixture
def second_browser(app: Flask, session) -> Browser:
    client = app.test_client()
    return Browser(app, client, ClientRequest(app, client))
