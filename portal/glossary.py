"""The glossary of legal words a victim meets, and `link_terms`, which links those words in
update text to the glossary page. The terms themselves (plain-English explanations that describe
the process and never the victim's conduct) are data, in `portal.glossary_terms`.

`link_terms` escapes the text before it adds any markup, so update text written by
staff or sent by a partner system can never inject HTML. Welsh text is linked on the terms'
Welsh names (their translations), with the mutated forms of their first letter.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import force_locale
from markupsafe import Markup, escape

from notifications.welsh import mutations
from portal.glossary_terms import GLOSSARY, GLOSSARY_PATH, Term

__all__ = ["GLOSSARY", "GLOSSARY_PATH", "Term", "link_terms", "term"]

_BY_SLUG = {t.slug: t for t in GLOSSARY}

# Everyday phrases that contain a glossary word in another sense ("in charge of" is not a
# criminal charge). Matched as whole phrases like terms, so they win over the shorter term
# inside them, and left unlinked.
NOT_TERMS: tuple[str, ...] = ("in charge of", "free of charge", "take charge", "took charge")


def term(slug: str) -> Term:
    return _BY_SLUG[slug]


def _phrase_pattern(phrase: str) -> str:
    """A regex for `phrase` (a `_key`) as it appears in *escaped* text: spaces match any
    whitespace and an apostrophe matches a straight (escaped as &#39;) or a curly one."""
    parts = []
    for word in phrase.split():
        escaped = re.escape(str(escape(word)))
        parts.append(escaped.replace(re.escape("&#39;"), "(?:&\\#39;|’)"))
    return r"\s+".join(parts)


# Welsh articles dropped from the front of a term's Welsh name ("y Bwrdd Parôl"), so the term
# is still found after "i'r"; mutated forms that are everyday words in their own right ("ble",
# where, is "ple" softened).
_CY_ARTICLES = ("y", "yr")
_CY_NOT_TERMS = frozenset({"ble"})
_CY_FIXED = ("ch", "dd", "ff", "ng", "ph", "th")  # letters that never mutate


def _key(phrase: str) -> str:
    """The form a phrase is looked up by: lower case, one space, straight apostrophes."""
    return " ".join(phrase.replace("’", "'").split()).lower()


def _welsh_phrases(name: str) -> tuple[str, ...]:
    """A term's Welsh name as it can appear in running text: without a leading article, and
    with the first letter mutated (soft, nasal, aspirate, h- before a vowel: "ei ddedfryd",
    "fy nhreial"), except for acronyms (CPS, ISVA), which never mutate."""
    words = name.split()
    if len(words) > 1 and words[0].lower() in _CY_ARTICLES:
        words = words[1:]
    phrase = _key(" ".join(words))
    if not words or words[0].isupper() or phrase.startswith(_CY_FIXED):
        return (phrase,)
    return tuple(f for f in mutations(phrase) if f == phrase or f not in _CY_NOT_TERMS)


def _compile(by_phrase: dict[str, Term | None]) -> re.Pattern[str]:
    # Longest first, so "bail conditions" wins over "bail" and "not guilty plea" over "plea".
    phrases = sorted(by_phrase, key=len, reverse=True)
    alternatives = "|".join(_phrase_pattern(p) for p in phrases)
    # Whole words only (a hyphen joins words: "pre-trial" is not "trial"); never start inside
    # an entity such as &#39;.
    return re.compile(rf"(?<![\w&#-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _english() -> tuple[re.Pattern[str], dict[str, Term | None]]:
    by_phrase: dict[str, Term | None] = {_key(p): None for p in NOT_TERMS}
    for t in GLOSSARY:
        for phrase in t.matches:
            by_phrase[_key(phrase)] = t
    return _compile(by_phrase), by_phrase


@lru_cache(maxsize=4)
def _welsh(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, Term | None]]:
    """Cached on the Welsh names themselves, so a changed catalogue gets a new pattern."""
    by_phrase: dict[str, Term | None] = {}
    for t, name in zip(GLOSSARY, names, strict=True):
        for phrase in _welsh_phrases(name):
            by_phrase.setdefault(phrase, t)
    return _compile(by_phrase), by_phrase


def _matcher(language: str) -> tuple[re.Pattern[str], dict[str, Term | None]]:
    """Welsh text is matched on the terms' Welsh names (their translations in the catalogue:
    the names the Welsh glossary page shows); any other text on the English phrases."""
    if language != "cy":
        return _english()
    with force_locale("cy"):
        names = tuple(str(t.name) for t in GLOSSARY)
    return _welsh(names)


def _normalise(matched: str) -> str:
    return _key(matched.replace("&#39;", "'"))


def link_terms(text: str, language: str = "en") -> Markup:
    """Escape `text`, then link the first use of each glossary term to its explanation.
    ``language`` is the language `text` is written in ("cy" for an update's Welsh text)."""
    escaped = str(escape(text))
    pattern, by_phrase = _matcher(language)
    linked: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        t = by_phrase[_normalise(found)]
        if t is None or t.slug in linked:
            return found
        linked.add(t.slug)
        return f'<a class="govuk-link" href="{t.href}">{found}</a>'

    return Markup(pattern.sub(replace, escaped))  # noqa: S704  (built from escaped text)
