"""TRAUMA_INFORMED.md rules 14 and 21: words that blame, doubt or distance never appear in a
starter text, a title, a content note, the glossary or an information page; titles never name
an offence or give away what a sensitive update says."""

from __future__ import annotations

import re

import pytest

from portal.glossary import GLOSSARY
from portal.info.pages import PAGES
from portal.journey import EVENTS, SECTIONS

# Phrases that question the victim or distance the service from them (Operation Soteria's
# suspect-centred approach): matched as whole words, case-insensitively.
DENYLIST = [
    "complainant",
    "alleged",
    "allegation",
    "allegations",
    "you claim",
    "you claimed",
    "your claim",
    "your allegation",
    "your version",
    "your story",
    "why did you",
    "why didn't you",
    "why did not you",
    "you should have",
    "you should not have",
    "you shouldn't have",
    "credibility",
    "credible",
    "regret",
    "regrets",
    "false",
    "lie",
    "lies",
    "lying",
    "fabricated",
    "made up",
    "inconsistent",
    "inconsistencies",
    "delay in reporting",
    "were you drinking",
    "what were you wearing",
    "it is claimed",
    "purported",
    "so-called",
    "unfortunately you",
]
# Words that name an offence or the act: never in a heading a victim sees (rule 14).
OFFENCE_WORDS = [
    "rape",
    "raped",
    "sexual",
    "sex",
    "assault",
    "assaulted",
    "abuse",
    "abused",
    "indecent",
    "penetration",
    "grooming",
    "violence",
    "offence",
    "crime",
]
# Sensitive events' headings must not give away the news before the content note.
REVEALING_WORDS = [
    "arrested",
    "interviewed",
    "bail",
    "released",
    "charged",
    "no further action",
    "guilty",
    "acquitted",
    "verdict",
    "prison",
    "plea",
    "pleaded",
]


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


DENIED = _pattern(DENYLIST)
OFFENCES = _pattern(OFFENCE_WORDS)
REVEALING = _pattern(REVEALING_WORDS)


def _starter_texts():
    for e in EVENTS:
        yield f"{e.key}.title", e.title
        if e.content_note is not None:
            yield f"{e.key}.content_note", e.content_note
        for name, _ in SECTIONS:
            yield f"{e.key}.{name}", getattr(e.starter, name)


def test_the_denylist_itself_catches_what_it_should():
    assert DENIED.search("The complainant said")
    assert DENIED.search("Why  did you wait?")
    assert DENIED.search("a FALSE report")
    assert not DENIED.search("You will be believed")
    assert not DENIED.search("You can claim travel costs")
    assert OFFENCES.search("An update about the rape")
    assert not OFFENCES.search("An update about the suspect")


@pytest.mark.usefixtures("in_request")
def test_no_starter_text_blames_doubts_or_distances():
    found = {
        where: m.group(0) for where, text in _starter_texts() if (m := DENIED.search(str(text)))
    }
    assert not found


@pytest.mark.usefixtures("in_request")
def test_no_title_or_content_note_names_an_offence():
    for e in EVENTS:
        for text in (e.title, e.content_note):
            if text is not None:
                assert not OFFENCES.search(str(text)), (e.key, str(text))


@pytest.mark.usefixtures("in_request")
def test_sensitive_titles_do_not_give_the_news_away():
    for e in EVENTS:
        if e.sensitive:
            assert not REVEALING.search(str(e.title)), (e.key, str(e.title))


@pytest.mark.usefixtures("in_request")
def test_the_glossary_does_not_blame_or_doubt():
    for t in GLOSSARY:
        assert not DENIED.search(str(t.explanation)), t.slug


@pytest.mark.parametrize("page", [p.slug for p in PAGES])
def test_information_pages_do_not_blame_or_doubt(client_request, page):
    endpoint = "info.glossary" if page == "glossary" else "info.page"
    values = {} if page == "glossary" else {"slug": page}
    html = client_request.get(endpoint, **values)
    text = html.find("main").get_text(" ")
    assert not DENIED.search(text), DENIED.search(text)


@pytest.mark.usefixtures("in_request")
def test_starter_sentences_are_short():
    """Plain English: no sentence over 30 words, in any starter text."""
    long = []
    for where, text in _starter_texts():
        for sentence in re.split(r"(?<=[.?!])\s+", str(text)):
            if len(sentence.split()) > 30:
                long.append((where, sentence))
    assert not long


# A starter is often published as written (a partner system's event becomes a draft with it), so
# it must not promise details the update has no place for. Only these promises are kept: each
# names something the update cannot be published without (the reason for a date change, the
# verdict).
PROMISE = re.compile(
    r"\b(?:listed|explained|set out|are|is)\s+in\s+this\s+update\b"
    r"|\bthis\s+update\s+(?:says|explains|lists|tells\s+you)\b",
    re.IGNORECASE,
)
KEPT_PROMISES = {
    ("trial_date_changed", "The reason is in this update."),
    ("verdict", "It is in this update."),
}


@pytest.mark.usefixtures("in_request")
def test_no_starter_text_promises_details_the_update_has_no_place_for():
    events = {e.key: e for e in EVENTS}
    promises = {
        (where.split(".")[0], sentence)
        for where, text in _starter_texts()
        for sentence in re.split(r"(?<=[.?!])\s+", str(text))
        if PROMISE.search(sentence)
    }
    assert promises == KEPT_PROMISES
    assert events["trial_date_changed"].requires_reason
    assert events["verdict"].outcomes
    assert PROMISE.search("The conditions that protect you are listed in this update.")
    assert PROMISE.search("This update says which conditions have changed.")
