"""Guard: every string a victim can read has a Welsh translation that is not fuzzy.

Fails, naming each string and where it is used, until the catalogue translates it: new English
text cannot ship to victims untranslated. Run `make messages` after changing text, then
translate the new entries in portal/translations/cy/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

from pathlib import Path

from portal.config import PROJECT_ROOT
from tests.welsh.catalogue import (
    catalogue_path,
    load_catalogue,
    problems,
    victim_strings,
)


def test_every_victim_facing_string_has_a_welsh_translation_that_is_not_fuzzy():
    found = problems(load_catalogue(), victim_strings())
    assert not found, (
        f"{len(found)} victim-facing strings are not translated into Welsh in "
        f"{catalogue_path()}:\n" + "\n".join(str(p) for p in found)
    )


def test_victim_facing_means_the_victims_sources_and_not_staff_pages():
    strings = {msgid for msgid, _ in victim_strings()}
    # The layout's screen-reader text, a section heading, a glossary term, a content note.
    assert "Shift, press 2 more times to exit." in strings
    assert "What happens next" in strings
    assert "adjournment" in strings
    assert "Your language has been saved." in strings
    # Caseworker-only strings are staff strings.
    assert "Save and preview" not in strings
    assert "The update cannot be published yet" not in strings


def test_the_guard_names_an_untranslated_or_fuzzy_string(tmp_path: Path):
    """The guard itself: a catalogue with one entry emptied and one marked fuzzy fails on
    exactly those two."""
    from babel.messages.pofile import write_po

    catalogue = load_catalogue()
    strings = victim_strings()
    (first, ctx1), (second, ctx2) = list(strings)[:2]
    for message in catalogue:
        if message.id:
            message.string = (
                tuple("CY" for _ in message.string) if isinstance(message.string, tuple) else "CY"
            )
            message.flags.discard("fuzzy")
    for msgid, context in strings:
        if catalogue.get(msgid, context) is None:
            catalogue.add(msgid, "CY", context=context)
    catalogue.get(first, ctx1).string = ""
    catalogue.get(second, ctx2).flags.add("fuzzy")
    path = tmp_path / "messages.po"
    with open(path, "wb") as handle:
        write_po(handle, catalogue)
    found = problems(load_catalogue(path), strings)
    assert {(p.msgid, p.why) for p in found} == {(first, "no Welsh"), (second, "fuzzy")}


def test_make_messages_updates_without_fuzzy_matching():
    """`pybabel update` guesses a translation for a new string from a similar old one and marks
    it fuzzy; a fuzzy guess is never shown (msgfmt leaves it out) yet hides the string from
    anyone looking for empty entries. Without guessing, a new string is simply untranslated,
    which the guard above names."""
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    target = makefile.split("\nmessages:", 1)[1].split("\n\n", 1)[0]
    assert "--no-fuzzy-matching" in target
