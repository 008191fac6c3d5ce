"""Information pages in a real browser: accessible at phone and desktop widths, nothing wider
than the screen, and the glossary's anchors land on their terms."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.glossary import link_terms
from portal.info.pages import PAGES
from tests.e2e.conftest import WIDTHS, assert_accessible

PATHS = ["/information/"] + [
    "/information/glossary" if p.slug == "glossary" else f"/information/{p.slug}" for p in PAGES
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PATHS)
def test_information_page_is_accessible(live_server, new_page, path, width):
    page, log = new_page(width=width)
    page.goto(live_server.path(path))
    page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-exit-this-page__button")).to_be_visible()
    assert_accessible(page)
    assert log.hosts == {live_server.url.removeprefix("http://")}
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_linked_term_in_an_update_opens_its_explanation(live_server, new_page):
    page, _ = new_page(width=320)
    link = str(link_terms("The suspect was released under investigation."))
    href = link.split('href="')[2].split('"')[0]  # the second link: released under investigation
    page.goto(live_server.path(href))
    target = page.locator("#term-released-under-investigation")
    assert target.inner_text() == "Released under investigation"
    assert target.is_visible()
    assert page.evaluate("location.hash") == "#term-released-under-investigation"
