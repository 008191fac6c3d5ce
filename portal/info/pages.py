"""The information pages, as data: the index lists them and journey events link to them by slug
(`portal.journey.Event.info_pages`; a test checks every slug used there exists here)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

__all__ = ["PAGES", "InfoPage", "page"]


@dataclass(frozen=True)
class InfoPage:
    slug: str
    title: object
    summary: object

    @property
    def template(self) -> str:
        return f"info/{self.slug.replace('-', '_')}.html"


PAGES: tuple[InfoPage, ...] = (
    InfoPage(
        "victims-code",
        _l("Your rights under the Victims' Code"),
        _l("What the police, the CPS and the courts must do for you, and how fast."),
    ),
    InfoPage(
        "isva",
        _l("What an ISVA does"),
        _l("How an Independent Sexual Violence Adviser can support you."),
    ),
    InfoPage(
        "pre-trial-therapy",
        _l("Therapy before a trial"),
        _l("You can have therapy at any time. What happens to therapy notes."),
    ),
    InfoPage(
        "special-measures",
        _l("Special measures: help to give evidence"),
        _l("Screens, video links, recorded evidence and other support in court."),
    ),
    InfoPage(
        "right-to-review",
        _l("Victims' Right to Review"),
        _l("How to ask for a decision not to charge, or to stop a case, to be looked at again."),
    ),
    InfoPage(
        "going-to-court",
        _l("Going to court"),
        _l("What to expect before the trial, on the day and when you give evidence."),
    ),
    InfoPage(
        "after-sentence",
        _l("After the sentence"),
        _l("The Unduly Lenient Sentence scheme, the Victim Contact Scheme and release."),
    ),
    InfoPage(
        "glossary",
        _l("Words used in your case"),
        _l("Plain-English explanations of legal words."),
    ),
)

_BY_SLUG = {p.slug: p for p in PAGES}


def page(slug: str) -> InfoPage | None:
    return _BY_SLUG.get(slug)
