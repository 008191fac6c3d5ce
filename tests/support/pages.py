"""A client that asserts the status and returns the parsed page, in the style of GOV.UK
Notify's admin tests; POSTs carry the CSRF token the form page actually served."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class ClientRequest:
    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self.response: TestResponse | None = None

    def url(self, endpoint: str, **values: Any) -> str:
        if endpoint.startswith("/"):
            return endpoint
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def get(
        self,
        endpoint: str,
        _expected_status: int = 200,
        _follow_redirects: bool = False,
        **values: Any,
    ) -> BeautifulSoup:
        self.response = self.client.get(
            self.url(endpoint, **values), follow_redirects=_follow_redirects
        )
        return self._check(_expected_status)

    def get_response(self, endpoint: str, **values: Any) -> TestResponse:
        return self.client.get(self.url(endpoint, **values))

    def csrf_token(self, form_url: str) -> str:
        page = BeautifulSoup(self.client.get(form_url).get_data(as_text=True), "html.parser")
        field = page.find("input", attrs={"name": "csrf_token"})
        assert field is not None, f"no CSRF token on {form_url}"
        return str(field["value"])

    def post(
        self,
        endpoint: str,
        _data: dict[str, Any] | None = None,
        _expected_status: int = 302,
        _follow_redirects: bool = False,
        _csrf: bool = True,
        _form_url: str | None = None,
        **values: Any,
    ) -> BeautifulSoup:
        url = self.url(endpoint, **values)
        data = dict(_data or {})
        if _csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token(_form_url or url)
        self.response = self.client.post(url, data=data, follow_redirects=_follow_redirects)
        return self._check(_expected_status)

    def _check(self, expected: int) -> BeautifulSoup:
        assert self.response is not None
        assert self.response.status_code == expected, (
            f"expected {expected}, got {self.response.status_code}: "
            f"{self.response.get_data(as_text=True)[:500]}"
        )
        return BeautifulSoup(self.response.get_data(as_text=True), "html.parser")
