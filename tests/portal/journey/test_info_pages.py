"""The information pages: public, linked from the index, and every page an event names exists."""

from __future__ import annotations

import pytest

from portal.info.pages import PAGES
from portal.journey import EVENTS

SLUGS = [p.slug for p in PAGES]


def _path(slug: str) -> str:
    return "/information/glossary" if slug == "glossary" else f"/information/{slug}"


def test_every_event_names_information_pages_that_exist():
    for e in EVENTS:
        assert e.info_pages, f"{e.key} explains nothing"
        assert set(e.info_pages) <= set(SLUGS), e.key


def test_the_brief_s_pages_all_exist():
    assert {
        "victims-code",
        "isva",
        "pre-trial-therapy",
        "special-measures",
        "right-to-review",
        "going-to-court",
        "glossary",
    } <= set(SLUGS)


def test_the_index_links_every_page(client_request):
    index = client_request.get("info.index")
    hrefs = {a["href"] for a in index.select("main a")}
    assert {_path(slug) for slug in SLUGS} <= hrefs


@pytest.mark.parametrize("slug", SLUGS)
def test_each_page_is_public_and_titled(client_request, slug):
    page = client_request.get(_path(slug))
    heading = page.find("h1").get_text(strip=True)
    assert heading
    assert page.title.get_text().startswith(heading)
    # Every page leads back to the index and to the glossary.
    hrefs = {a["href"] for a in page.select("main a")}
    assert "/information/" in hrefs
    assert "/information/glossary" in hrefs


def test_an_unknown_page_is_not_found(client_request):
    client_request.get("/information/no-such-page", _expected_status=404)


def test_therapy_page_says_the_choice_is_the_victims_and_how_notes_are_protected(client_request):
    text = client_request.get("/information/pre-trial-therapy").find("main").get_text(" ")
    assert "The decision is yours" in text
    assert "reasonable line of enquiry" in text
    assert "You should be told about any request" in text


def test_rights_page_lists_all_twelve_rights_and_the_enhanced_ones(client_request):
    main = client_request.get("/information/victims-code").find("main")
    assert len(main.select("ol.govuk-list--number > li")) == 12
    assert "within 1 working day" in main.get_text(" ")
