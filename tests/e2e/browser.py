"""Steps the browser tests share: signing in through the real forms, and the checks every
page must pass."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.support.factories import DEFAULT_PASSWORD


def sign_in(page: Page, live_server, email: str, totp_secret: str | None = None) -> None:
    """Sign in with the factories' default passphrase, and a TOTP code for staff."""
    page.goto(live_server.path("/sign-in"))
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret is not None:
        page.wait_for_url("**/sign-in/two-step")
        page.fill("input[name=code]", pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert "/sign-in" not in page.url, page.url


def check(page: Page, width: int) -> None:
    """Exit this page present, axe clean, and nothing wider than the screen."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-exit-this-page__button")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
