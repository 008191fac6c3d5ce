"""What the Welsh guards share: which strings are victim-facing, the Welsh catalogue they are
checked against, and that catalogue compiled for an app.

"Victim-facing" is decided by where a string is used (``VICTIM_SOURCES``): a string extracted
from any of those files must be translated, even if staff pages use it too. Strings used only
by caseworker, API or development code are staff strings and may stay English.

The catalogue is ``portal/translations/cy/LC_MESSAGES/messages.po`` unless ``WELSH_CATALOGUE``
names another .po file (to try the guards on a scratch copy, see docs/welsh.md).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT

DEFAULT_CATALOGUE = PROJECT_ROOT / "portal" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"

# Source files whose strings a victim reads (pages, forms, errors, starter texts, information
# pages, the glossary, the layout). Patterns are babel's (``**`` crosses directories).
VICTIM_SOURCES: tuple[tuple[str, str], ...] = (
    ("templates/victim/**.html", "jinja2"),
    ("templates/info/**.html", "jinja2"),
    ("templates/auth/**.html", "jinja2"),
    ("templates/public/**.html", "jinja2"),
    ("templates/errors/**.html", "jinja2"),
    ("templates/unsubscribe/**.html", "jinja2"),
    ("templates/components/**.html", "jinja2"),
    ("templates/base.html", "jinja2"),
    ("portal/victim/**.py", "python"),
    ("portal/starters/**.py", "python"),
    ("portal/info/**.py", "python"),
    ("portal/glossary*.py", "python"),  # glossary.py and its terms, glossary_terms.py
    ("portal/journey.py", "python"),
    ("portal/journey_*.py", "python"),
    ("portal/auth/**.py", "python"),
    ("portal/rights_forms.py", "python"),
    ("portal/consent_words.py", "python"),
    ("portal/errors.py", "python"),
    # Services whose words reach the victim's pages, download or calendar files.
    ("portal/services/updates/disclosure.py", "python"),
    ("portal/services/updates/whats_new.py", "python"),
    ("portal/services/updates/reminders.py", "python"),
    ("portal/services/updates/calendar_files.py", "python"),
    ("portal/services/rights/subject_access.py", "python"),
    ("notifications/unsubscribe_views.py", "python"),
)
# The keywords `make messages` extracts with (Makefile: -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def catalogue_path() -> Path:
    return Path(os.environ.get("WELSH_CATALOGUE") or DEFAULT_CATALOGUE)


def load_catalogue(path: Path | None = None) -> Catalog:
    with open(path or catalogue_path(), "rb") as handle:
        return read_po(handle, locale="cy")


def victim_strings() -> dict[tuple[str, str | None], list[str]]:
    """Every victim-facing msgid (with its context) and where it is used ("path:line"),
    extracted from the source now, so a string added since `make messages` is found too."""
    found: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT), VICTIM_SOURCES, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found[(msgid, context)].append(f"{filename}:{lineno}")
    return dict(found)


@dataclass(frozen=True)
class Problem:
    msgid: str
    why: str  # "not in the catalogue", "no Welsh" or "fuzzy"
    where: list[str]

    def __str__(self) -> str:
        return f"{self.why}: {self.msgid!r} ({', '.join(self.where[:3])})"


def problems(catalogue: Catalog, strings: dict[tuple[str, str | None], list[str]]) -> list[Problem]:
    """Victim-facing strings the catalogue does not translate (missing, empty or fuzzy)."""
    found = []
    for (msgid, context), where in sorted(strings.items()):
        entry = catalogue.get(msgid, context)
        if entry is None:
            found.append(Problem(msgid, "not in the catalogue (run make messages)", where))
        elif entry.fuzzy:
            found.append(Problem(msgid, "fuzzy", where))
        elif not all(entry.string) if isinstance(entry.string, tuple) else not entry.string:
            found.append(Problem(msgid, "no Welsh", where))
    return found


def compile_catalogue(catalogue: Catalog, directory: Path) -> Path:
    """Write ``cy/LC_MESSAGES/messages.mo`` under ``directory`` (as `make translations`
    does: fuzzy entries are left out) and return ``directory`` for BABEL_TRANSLATION_DIRECTORIES."""
    target = directory / "cy" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "messages.mo", "wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=False)
    return directory


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Untranslated:
    """The catalogue's English strings that have no Welsh, ready to be looked for on a page:
    exact strings in a set, strings with placeholders as patterns (any value fills them)."""

    exact: set[str]
    patterns: list[tuple[re.Pattern[str], str]]

    @classmethod
    def of(cls, catalogue: Catalog) -> Untranslated:
        exact: set[str] = set()
        patterns: list[tuple[re.Pattern[str], str]] = []
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings) and not message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for msgid in ids:
                text = _normal(msgid)
                if _PLACEHOLDER.search(text):
                    parts = _PLACEHOLDER.split(text)
                    # split keeps the group: literal, name, literal, name, ...
                    literal = [re.escape(p) for p in parts[::2]]
                    patterns.append((re.compile(".+?".join(literal)), msgid))
                else:
                    exact.add(text)
        return cls(exact, patterns)

    def __post_init__(self) -> None:
        # Pages may change a string's case ("trial" shown as "Trial" in a glossary heading).
        self._folded = {t.casefold(): t for t in self.exact}

    def find(self, texts: set[str]) -> set[str]:
        found = {self._folded[t.casefold()] for t in texts if t.casefold() in self._folded}
        for pattern, msgid in self.patterns:
            if any(pattern.fullmatch(t) for t in texts):
                found.add(msgid)
        return found
