"""The layout in a real browser: accessible at phone and desktop widths, no third-party
requests, no CSP violations, and Exit this page leaves at once without a way back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WIDTHS, assert_accessible

PAGES = [
    "/sign-in",
    "/no-such-page",
    "/help/using-this-service-safely",
    "/help/accessibility",
    "/signed-out",
    "/reset-passphrase",
    "/reset-passphrase/sent",
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_and_self_contained(live_server, new_page, path, width):
    page, log = new_page(width=width)
    page.goto(live_server.path(path))
    page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-exit-this-page__button")).to_be_visible()
    assert_accessible(page)
    assert log.hosts == {live_server.url.removeprefix("http://")}
    assert not [e for e in log.console_errors if "Content Security Policy" in e]
    # GOV.UK Frontend's JavaScript ran (the body class is set by our script file, not inline).
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    # Nothing wider than the screen at 320 px (WCAG 1.4.10 reflow).
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_exit_this_page_button_leaves_and_back_does_not_return(live_server, new_page):
    page, _ = new_page(width=320)
    page.goto(live_server.path("/help/accessibility"))
    page.goto(live_server.path("/sign-in"))
    page.locator(".govuk-exit-this-page__button").click()
    page.wait_for_url(live_server.exit_url)
    assert page.locator("h1").inner_text() == "Weather"
    page.go_back()
    # The sign-in page was replaced in history: one step back is the page before it.
    assert page.url == live_server.path("/help/accessibility")


def test_pressing_shift_three_times_exits(live_server, new_page):
    page, _ = new_page()
    page.goto(live_server.path("/sign-in"))
    page.wait_for_load_state("networkidle")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(live_server.exit_url)


def test_exit_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.path("/sign-in"))
    page.locator(".govuk-exit-this-page__button").click()
    page.wait_for_url(live_server.exit_url)
    context.close()


def test_the_axe_check_itself_catches_a_violation(new_page):
    """Guard against a harness that passes everything: a page with known faults must fail."""
    page, _ = new_page()
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    with pytest.raises(AssertionError):
        assert_accessible(page)
