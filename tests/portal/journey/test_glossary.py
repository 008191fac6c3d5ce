"""The glossary: complete, plain, and `link_terms` can never inject HTML."""

from __future__ import annotations

import html as html_module
import re

import pytest
from markupsafe import Markup

from portal.glossary import GLOSSARY, GLOSSARY_PATH, link_terms, term

REQUIRED = [
    "bail",
    "bail-conditions",
    "released-under-investigation",
    "no-further-action",
    "charge",
    "cps",
    "witness-care-unit",
    "isva",
    "victim-personal-statement",
    "victims-right-to-review",
    "special-measures",
    "plea",
    "not-guilty-plea",
    "adjournment",
    "trial",
    "verdict",
    "acquittal",
    "sentence",
    "unduly-lenient-sentence-scheme",
    "licence-conditions",
    "parole-board",
    "victim-contact-scheme",
    "victim-liaison-officer",
    "pre-trial-therapy",
    "early-advice",
    "suspect",
    "defendant",
    "evidence",
    "hearing",
    "intermediary",
]


def test_every_required_term_is_explained():
    assert set(REQUIRED) <= {t.slug for t in GLOSSARY}
    assert len({t.slug for t in GLOSSARY}) == len(GLOSSARY)


@pytest.mark.usefixtures("in_request")
def test_explanations_are_one_to_four_short_sentences():
    for t in GLOSSARY:
        sentences = [s for s in re.split(r"(?<=[.])\s+", str(t.explanation)) if s]
        assert 1 <= len(sentences) <= 4, t.slug
        assert all(len(s.split()) <= 30 for s in sentences), t.slug


def _links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a>', html)


def test_link_terms_links_the_first_use_of_each_term_case_insensitively():
    html = link_terms("Bail was given. The bail lasts a month. The CPS decided.")
    assert isinstance(html, Markup)
    assert _links(html) == [
        (f"{GLOSSARY_PATH}#term-bail", "Bail"),
        (f"{GLOSSARY_PATH}#term-cps", "CPS"),
    ]
    assert html.endswith("The bail lasts a month. The " + _anchor("cps", "CPS") + " decided.")


def _anchor(slug: str, text: str) -> str:
    return f'<a class="govuk-link" href="{term(slug).href}">{text}</a>'


def test_the_longest_term_wins():
    html = link_terms("The bail conditions changed. He pleaded not guilty.")
    assert (f"{GLOSSARY_PATH}#term-bail-conditions", "bail conditions") in _links(html)
    assert (f"{GLOSSARY_PATH}#term-bail", "bail") not in _links(html)
    assert ("/information/glossary#term-not-guilty-plea", "pleaded not guilty") in _links(html)


def test_only_whole_words_are_linked():
    assert _links(link_terms("Trialling a bailiff's pleasantries")) == []
    assert _links(link_terms("a pre-trial visit, a trial-run")) == []
    assert [text for _, text in _links(link_terms("Pre-trial therapy"))] == ["Pre-trial therapy"]


def test_apostrophes_straight_or_curly_match():
    for text in ("the Victims' Right to Review", "the Victims’ Right to Review"):
        assert [slug for slug, _ in _links(link_terms(text))] == [
            f"{GLOSSARY_PATH}#term-victims-right-to-review"
        ]


@pytest.mark.usefixtures("in_request")
def test_welsh_text_is_linked_on_the_terms_welsh_names_mutated_or_not():
    text = (
        "Mae’r sawl a ddrwgdybir ar fechnïaeth. Mae amodau mechnïaeth yn berthnasol. Bydd "
        "y CPS yn esbonio ei ddedfryd i’r Bwrdd Parôl. Ble mae’r swyddog sy’n gyfrifol am yr "
        "achos? Mae’r dyddiad ar gyfer y GWRANDAWIAD wedi newid."
    )
    assert [(href.split("#term-")[1], found) for href, found in _links(link_terms(text, "cy"))] == [
        ("suspect", "sawl a ddrwgdybir"),
        ("bail", "fechnïaeth"),  # "mechnïaeth" after "ar": soft mutation
        ("bail-conditions", "amodau mechnïaeth"),  # the longer term wins over "mechnïaeth"
        ("cps", "CPS"),
        ("sentence", "ddedfryd"),
        ("parole-board", "Bwrdd Parôl"),  # the name is "y Bwrdd Parôl": found after "i'r"
        ("officer-in-charge", "swyddog sy’n gyfrifol am yr achos"),
        ("hearing", "GWRANDAWIAD"),
    ]  # "Ble" (where) is not "ple" (plea) softened
    # English text (a Welsh reader's update with no Welsh) is still matched in English, and
    # Welsh text is not matched on the English phrases.
    assert [found for _, found in _links(link_terms("He is on bail.", "en"))] == ["bail"]
    assert _links(link_terms("Trial bail CPSs", "cy")) == []


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('bail')</script>",
        '<a href="javascript:alert(1)">the CPS</a>',
        "<a href=javascript:alert(1)>bail</a>",
        '"><img src=x onerror=alert(1)> trial',
        "&lt;script&gt; already escaped bail",
    ],
)
def test_link_terms_escapes_everything_it_did_not_write(hostile):
    html = str(link_terms(hostile))
    stripped = re.sub(r'<a class="govuk-link" href="/information/glossary#term-[a-z-]+">', "", html)
    stripped = stripped.replace("</a>", "")
    assert "<" not in stripped, html
    assert ">" not in stripped, html
    assert all(href.startswith(GLOSSARY_PATH + "#") for href in re.findall(r'href="([^"]*)"', html))
    # Nothing was lost: unescaping the text gives back the input.
    assert html_module.unescape(stripped) == hostile


def test_the_glossary_path_is_the_glossary_page(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("info.glossary") == GLOSSARY_PATH


def test_every_term_has_an_anchor_on_the_glossary_page(client_request):
    page = client_request.get("info.glossary")
    for t in GLOSSARY:
        assert page.find(id=f"term-{t.slug}") is not None, t.slug
