"""Guard: every page a victim can open, rendered in Welsh, shows no English sentence.

Walks the victim blueprint's GET routes (and the information pages, the account and safety
pages) for a seeded case whose victim reads Welsh, with the Welsh catalogue compiled afresh
from the .po. Two checks per page:

- no visible text (text nodes, headings, paragraphs, labels, buttons, titles, alt and aria
  text) equals an English msgid the catalogue leaves untranslated (or fuzzy);
- no visible text is the same as on the same page in English (this finds English that never
  went through the catalogue), apart from names, the reference, numbers and text marked with
  another language (lang="en" on an update written only in English).

Fails until the translations land; names each page and each English text.
"""

from __future__ import annotations

import itertools
import re
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, Tag
from flask import Flask, url_for
from flask.testing import FlaskClient

from portal.auth.loader import SESSION_KEY
from portal.extensions import db
from portal.info.pages import PAGES
from portal.models import User
from portal.services.accounts import sessions
from tests.welsh.catalogue import Untranslated, compile_catalogue, load_catalogue
from tests.welsh.seed import WelshCase, seed

LANGUAGE_NAMES = ("Cymraeg", "English")
# Routes that are files, not pages.
DOWNLOADS = ("victim.calendar_file",)
EXTRA_PAGES = ("auth.account", "auth.safety_first", "public.safety", "public.accessibility")
SKIP = {"script", "style", "noscript", "template"}
BLOCKS = {
    "title", "h1", "h2", "h3", "h4", "p", "li", "label", "legend", "button", "a", "summary",
    "caption", "th", "td", "dt", "dd", "span", "strong", "div",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]{2,}")
_ACRONYM = re.compile(r"\W*[A-Z]{2,}\W*")


@pytest.fixture
def welsh_app(make_app, tmp_path: Path) -> Flask:
    directory = compile_catalogue(load_catalogue(), tmp_path / "translations")
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(directory))


def _signed_in(app: Flask) -> tuple[FlaskClient, WelshCase]:
    with app.app_context(), app.test_request_context():
        session = db.session()
        seeded = seed(session)
        victim = session.get(User, uuid.UUID(seeded.victim_id))
        limits = sessions.SessionLimits.from_settings(app.config["WAYPOINT_SETTINGS"])
        token, _ = sessions.start(session, victim, limits)
        session.commit()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session[SESSION_KEY] = token
    return client, seeded


def victim_pages(app: Flask, seeded: WelshCase) -> dict[str, list[str]]:
    """Every victim GET route, with each value its arguments can take for the seeded case."""
    values = {
        "case_id": [seeded.case_id],
        "update_id": [seeded.read_id, seeded.sensitive_id, seeded.window_id],
        "kind": ["html"],  # the JSON download is data, not a page
        "channel": ["sms", "email"],
        "slug": [p.slug for p in PAGES],
    }
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in (r.methods or ())
        and r.endpoint not in DOWNLOADS
        and (r.endpoint.split(".")[0] in ("victim", "info") or r.endpoint in EXTRA_PAGES)
    ]
    pages: dict[str, list[str]] = {}
    with app.test_request_context():
        for rule in rules:
            names = sorted(rule.arguments)
            pages[rule.endpoint] = [
                url_for(rule.endpoint, **dict(zip(names, combo, strict=True)))
                for combo in itertools.product(*(values[n] for n in names))
            ]
    return pages


def _other_language(element: Tag, page_lang: str) -> bool:
    for node in (element, *element.parents):
        if isinstance(node, Tag) and node.has_attr("lang"):
            return node["lang"] != page_lang
    return False


def _leaf_texts(soup: BeautifulSoup, page_lang: str) -> set[str]:
    found: set[str] = set()
    for text in soup.find_all(string=True):
        parent = text.parent
        if isinstance(text, (Comment, Doctype, Declaration)) or parent is None:
            continue
        if parent.name not in SKIP and not _other_language(parent, page_lang):
            found.add(" ".join(text.split()))
    return {t for t in found if t}


def visible_texts(html: str, page_lang: str) -> tuple[set[str], set[str]]:
    """(every visible text: leaves, blocks and attributes; the text nodes alone)."""
    soup = BeautifulSoup(html, "html.parser")
    leaves = _leaf_texts(soup, page_lang)
    found = set(leaves)
    for element in soup.find_all(True):
        if element.name in SKIP or _other_language(element, page_lang):
            continue
        for attr in ("placeholder", "aria-label", "alt", "title"):
            if element.get(attr):
                found.add(" ".join(str(element[attr]).split()))
        if element.name == "input" and element.get("type") in ("submit", "button"):
            found.add(" ".join(str(element.get("value", "")).split()))
        if element.name in BLOCKS and not element.find(attrs={"lang": True}):
            found.add(" ".join(element.get_text().split()))
    return {t for t in found if t}, leaves


def _words_left(text: str, data: tuple[str, ...]) -> list[str]:
    """The words left once names, the reference and other data are taken out ("@" marks an
    email address, which is data too; an acronym such as ISVA or CPS is a name)."""
    text = " ".join(w for w in text.split() if "@" not in w and not _ACRONYM.fullmatch(w))
    text = text.casefold()
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value.casefold(), " ")
    return _WORD.findall(text)


def _without_data(text: str, data: tuple[str, ...]) -> str:
    """A text node with the data and the punctuation around it taken off ("(completed)", or a
    title's page name before the service name), to see whether the rest is a catalogue
    string."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return " ".join(text.split()).strip(" –-:()|")


def _reported(text: str, data: tuple[str, ...], untranslated: Untranslated) -> bool:
    """Whether the catalogue check already accounts for this text: it is an untranslated
    string, with data around it, or untranslated strings joined ("Something new (Court)")."""
    if untranslated.find({text, _without_data(text, data)}):
        return True
    return not _words_left(text, (*data, *untranslated.exact))


def _crisis_lines(app: Flask) -> list[str]:
    from portal.services.accounts.organisation_settings import for_signed_in_user

    with app.test_request_context():
        _name, contacts = for_signed_in_user(app.config["WAYPOINT_SETTINGS"])
    return [str(getattr(c, "name", c)) for c in contacts]


def _render_all(client: FlaskClient, pages: dict[str, list[str]], lang: str):
    rendered: dict[str, tuple[set[str], set[str]]] = {}
    statuses: dict[str, set[int]] = {}
    for endpoint, urls in pages.items():
        for url in urls:
            response = client.get(url)
            statuses.setdefault(endpoint, set()).add(response.status_code)
            if response.status_code == 200 and response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                assert f'<html lang="{lang}"' in html, url
                rendered[url] = visible_texts(html, lang)
    return rendered, statuses


def test_every_victim_page_in_welsh_has_no_untranslated_english(welsh_app: Flask):
    client, seeded = _signed_in(welsh_app)
    pages = victim_pages(welsh_app, seeded)
    welsh, statuses = _render_all(client, pages, "cy")
    # A route that only redirects (to the page for the victim's one case) is not a page.
    not_shown = {
        e: s for e, s in statuses.items() if 200 not in s and not all(300 <= c < 400 for c in s)
    }
    assert not not_shown, f"victim pages the walk could not open: {not_shown}"

    with welsh_app.app_context():
        db.session.get(User, uuid.UUID(seeded.victim_id)).language = "en"
        db.session.commit()
        db.session.remove()
    english, _ = _render_all(client, pages, "en")

    untranslated = Untranslated.of(load_catalogue())
    # Names, the reference, the service's name, and each language's own name (the language
    # choice names Cymraeg and English in themselves).
    # The crisis lines are organisation settings (their labels are the organisation's data,
    # like the service name), listed on every page.
    settings = welsh_app.config["WAYPOINT_SETTINGS"]
    data = (*seeded.data, settings.SERVICE_NAME, *LANGUAGE_NAMES, *_crisis_lines(welsh_app))
    failures = []
    for url, (texts, leaves) in welsh.items():
        for msgid in sorted(untranslated.find(texts)):
            failures.append(f"{url}: no Welsh for {msgid!r}")
        for text in sorted(leaves & english.get(url, (set(), set()))[1]):
            if _words_left(text, data) and not _reported(text, data, untranslated):
                failures.append(f"{url}: the same in English and Welsh: {text!r}")
    assert not failures, f"{len(failures)} English texts on Welsh pages:\n" + "\n".join(failures)
