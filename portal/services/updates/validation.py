"""What makes an update fit to reach the victim: all five sections, who it is from, when the
agency learned of it, the reason for a date change, the verdict, and whole Welsh text.

``validation_errors`` is the one check that the caseworker form, scheduling, publishing and the
partner API all apply before a victim can see an update; it returns plain-English messages by
form field, so each caller shows them in its own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from portal.clock import utcnow
from portal.journey import EVENTS, Agency, Event, event
from portal.models import Update
from portal.models.update import WELSH_KEYS

SECTION_MAX = 2000
REASON_MAX = 1000
EVENT_KEYS = frozenset(e.key for e in EVENTS)


@dataclass
class Draft:
    """What an ISVA wrote: the form's fields, before they become an ``Update``."""

    event_key: str
    source_agency: str
    event_date: date
    learned_at: datetime | None = None
    sections: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    outcome: str | None = None
    # The Welsh text (the five sections and "reason"), for a victim who reads Welsh. None leaves
    # the update's Welsh text as it is; an empty dict removes it.
    welsh: dict[str, str] | None = None


def validation_errors(draft: Draft | Update) -> dict[str, str]:
    """Everything wrong with an update that is about to reach the victim (empty: fine)."""
    if draft.event_key not in EVENT_KEYS:
        return {"event_key": str(_l("Choose what the update is about"))}
    ev = event(draft.event_key)
    errors = _section_errors(draft.sections)
    if draft.source_agency not in {a.value for a in Agency}:
        errors["source_agency"] = str(_l("Choose who the update is from"))
    if ev.deadline is not None and draft.learned_at is None:
        errors["learned_on"] = str(_l("Enter the date the agency learned of this"))
    if draft.learned_at is not None and draft.learned_at > utcnow():
        errors["learned_on"] = str(_l("The date the agency learned of this must be in the past"))
    errors.update(_reason_errors(ev, draft.reason))
    if ev.outcomes and draft.outcome not in {o.key for o in ev.outcomes}:
        errors["outcome"] = str(_l("Choose the verdict"))
    errors.update(welsh_errors(draft.welsh, ev.requires_reason))
    return errors


def _section_errors(sections: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label in _section_labels():
        text = (sections.get(key) or "").strip()
        if not text:
            errors[key] = str(_l("Enter %(section)s", section=str(label).lower()))
        elif len(text) > SECTION_MAX:
            errors[key] = str(
                _l(
                    "%(section)s must be %(max)s characters or fewer",
                    section=label,
                    max=SECTION_MAX,
                )
            )
    return errors


def _reason_errors(ev: Event, reason: str | None) -> dict[str, str]:
    """A date change is never published without its reason (the victim is told why)."""
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if ev.requires_reason and not reason:
        errors["reason"] = str(
            _l("Enter the reason the date changed. A date change cannot be published without one")
        )
    if len(reason) > REASON_MAX:
        errors["reason"] = str(_l("The reason must be %(max)s characters or fewer", max=REASON_MAX))
    return errors


def welsh_errors(welsh: dict[str, str] | None, requires_reason: bool) -> dict[str, str]:
    """Welsh text is optional, but once begun it must be whole: a victim who reads Welsh
    must never get an update that is half in one language and half in the other."""
    if not welsh or not any((welsh.get(k) or "").strip() for k in WELSH_KEYS):
        return {}
    errors: dict[str, str] = {}
    for key, label in _section_labels():
        text = (welsh.get(key) or "").strip()
        if not text:
            errors[f"cy_{key}"] = str(_l("Enter %(section)s in Welsh", section=label))
        elif len(text) > SECTION_MAX:
            errors[f"cy_{key}"] = str(
                _l("The Welsh must be %(max)s characters or fewer", max=SECTION_MAX)
            )
    reason = (welsh.get("reason") or "").strip()
    if requires_reason and not reason:
        errors["cy_reason"] = str(_l("Enter the reason for the change in Welsh"))
    elif len(reason) > REASON_MAX:
        errors["cy_reason"] = str(
            _l("The Welsh must be %(max)s characters or fewer", max=REASON_MAX)
        )
    return errors


def _section_labels() -> Sequence[tuple[str, object]]:
    from portal.journey import SECTIONS

    return SECTIONS
