"""How one update reads to the victim: shared by the victim's pages and the caseworker's
phone-width preview, so the preview is exactly what the victim will see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from flask_babel import force_locale, get_locale
from markupsafe import Markup

from portal.glossary import link_terms
from portal.info.pages import InfoPage
from portal.info.pages import page as info_page
from portal.journey import DATE_LABELS, SECTIONS, Agency
from portal.models import Update, UpdateStatus
from portal.services import audit
from portal.services.updates import deadlines


@dataclass(frozen=True)
class UpdateView:
    update: Update
    title: object
    agency: object
    sections: list[tuple[object, Markup]]
    reason: Markup | None
    outcome: object | None
    info_pages: list[InfoPage]
    window: deadlines.OpenWindow | None
    published_at: datetime | None
    changed_at: datetime | None
    withdrawn: bool
    date_label: object | None = None  # for a date the victim plans around ("Hearing date")
    event_date: date | None = None
    previous_event_date: date | None = None  # the date it replaced ("was ...")
    # The language the ISVA's words are in, and whether the reader (who reads Welsh) needs the
    # note that this update is in English.
    text_language: str = "en"
    english_note: bool = False
    told_on: date | None = None  # ISVA first: the day the ISVA told the victim
    told_by: str = ""  # that ISVA's first name, or "" if they gave none

    @property
    def window_open(self) -> bool:
        return self.window is not None and self.window.is_open()


def update_view(
    update: Update, today: date | None = None, language: str | None = None
) -> UpdateView:
    """``language`` is the reader's (the page's locale when not given): a Welsh reader gets
    the ISVA's Welsh text when there is one, else the English with a note in Welsh."""
    ev = update.event
    reader = language or str(get_locale() or "en")
    welsh = update.welsh if reader == "cy" else None
    sections = welsh or update.sections
    reason = (welsh or {}).get("reason") or update.reason
    outcome = next((o.label for o in ev.outcomes if o.key == update.outcome), None)
    text_language = "cy" if welsh else "en"
    reason_language = "cy" if (welsh or {}).get("reason") else "en"
    return UpdateView(
        update=update,
        title=ev.title,
        agency=Agency(update.source_agency).label,
        sections=[(label, link_terms(sections[key], text_language)) for key, label in SECTIONS],
        reason=link_terms(reason, reason_language) if reason else None,
        outcome=outcome,
        info_pages=[p for slug in ev.info_pages if (p := info_page(slug)) is not None],
        window=deadlines.window_for(update.event_key, update.event_date),
        published_at=update.published_at,
        changed_at=update.changed_at,
        withdrawn=update.status == UpdateStatus.WITHDRAWN,
        date_label=DATE_LABELS[ev.date_kind] if ev.date_kind else None,
        event_date=update.event_date,
        previous_event_date=update.previous_event_date,
        text_language=text_language,
        english_note=reader == "cy" and welsh is None,
        told_on=update.told_on,
        told_by=audit.first_name(update.told_by) if update.told_on else "",
    )


def preview(update: Update, language: str) -> Markup:
    """The update as the victim will see it in ``language`` (headings, dates and the ISVA's
    text), for the caseworker's phone-width preview."""
    with force_locale(language):
        view = update_view(update, language=language)
        # render_template autoescapes every value: the result is safe HTML.
        return Markup(render_template("victim/updates/_preview.html", view=view))  # noqa: S704
