"""The case journey (docs/JOURNEY.md) as data: the one place that knows the events.

Each `Event` says who tells the victim, which Victims' Code right applies, the deadline the
agency must meet (working days, see `portal.services.updates.deadlines`), any window the victim
can act in, whether it is sensitive (content note and staged disclosure) or ISVA-first (held
until the ISVA confirms support is in place), the information pages that explain it, and the
plain-English starter text for the five questions every update answers (`portal.starters`). The
types live in `portal.journey_model`.

A sensitive event's ``content_note`` is what the victim reads before choosing to read the
update: the kind of news in general words only, never its outcome
(``portal.services.updates.disclosure`` shows it). The organisation reviews these wordings here,
in one place.

Categories group events for victims' notification choices ("tell me", "my ISVA tells me
first", "don't notify me"). Stages are what the victim's progress indicator shows; their order
is derived from the catalogue, never typed out as a second list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.journey_model import (
    ULS_WINDOW,
    VRR_WINDOW,
    Agency,
    Deadline,
    Event,
    Outcome,
    Stage,
    Window,
    WindowKind,
)
from portal.starters import Starter

__all__ = [
    "CATEGORIES",
    "CATEGORY_KEYS",
    "CONTENT_NOTE_ADVICE",
    "DATE_LABELS",
    "DATE_QUESTIONS",
    "EVENTS",
    "EVENT_CATEGORIES",
    "SECTIONS",
    "Agency",
    "Category",
    "Deadline",
    "Event",
    "Outcome",
    "Stage",
    "Starter",
    "Window",
    "WindowKind",
    "current_stage",
    "event",
    "progress",
    "stages",
]


@dataclass(frozen=True)
class Category:
    key: str
    label: object  # a lazy translated string
    hint: object


CATEGORIES: tuple[Category, ...] = (
    Category(
        "support",
        _l("Support and your statement"),
        _l("Referrals to support, your Victim Personal Statement, complaints"),
    ),
    Category(
        "investigation",
        _l("The investigation"),
        _l("Regular updates, including when nothing has changed yet"),
    ),
    Category(
        "suspect",
        _l("The suspect: arrest, interview and bail"),
        _l("Arrest, interview, bail, release and bail changes"),
    ),
    Category(
        "decisions",
        _l("Decisions about charges"),
        _l("Charging decisions, decisions to take no further action, and reviews"),
    ),
    Category(
        "court",
        _l("Court dates and hearings"),
        _l("Hearings, pleas, special measures and trial dates"),
    ),
    Category("outcome", _l("Verdict and sentence"), _l("The verdict, the sentence and appeals")),
    Category(
        "after_sentence",
        _l("After sentence"),
        _l("The Victim Contact Scheme, licence conditions and release"),
    ),
)
CATEGORY_KEYS = frozenset(c.key for c in CATEGORIES)


_P, _C, _W, _PR, _I, _V = (
    Agency.POLICE,
    Agency.CPS,
    Agency.WCU,
    Agency.PROBATION,
    Agency.ISVA,
    Agency.VICTIM,
)
_ANY = (_P, _C, _W, _PR, _I)
_LEARNS = _l("when the agency learns of it")

# The catalogue, in journey order (the order of `stages()` comes from here). Read it as a table.
# fmt: off
EVENTS: tuple[Event, ...] = (
    Event("report_recorded", _l("Your report has been recorded"), "support", Stage.REPORTED,
          (_P,), (3,), None,
          compose_hint=_l("Add the crime reference number and how to reach the officer, unless "
                          "written details are not safe for the victim to keep."),
          info_pages=("victims-code", "isva")),
    Event("support_referral", _l("Support for you"), "support", Stage.REPORTED,
          (_P,), (4,), Deadline(2, _l("when the police record the report")),
          info_pages=("isva", "pre-trial-therapy", "victims-code")),
    Event("vps_offered", _l("Your Victim Personal Statement"), "support", None,
          (_P,), (7,), None, info_pages=("victims-code", "going-to-court")),
    Event("investigation_update", _l("An update on the investigation"), "investigation",
          Stage.INVESTIGATION, (_P,), (6,), None,
          compose_hint=_l("Say plainly if nothing has changed, and when the next update is due."),
          info_pages=("victims-code",)),
    Event("suspect_arrested", _l("An update about the suspect"), "suspect", Stage.INVESTIGATION,
          (_P,), (6,), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the suspect in your case."),
          info_pages=("victims-code",)),
    Event("suspect_interviewed", _l("An update about the suspect"), "suspect",
          Stage.INVESTIGATION, (_P,), (6,), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the suspect in your case."),
          info_pages=("victims-code",)),
    Event("suspect_bailed", _l("An update about the suspect"), "suspect", Stage.INVESTIGATION,
          (_P,), (6,), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the suspect in your case."),
          compose_hint=_l("List in full every bail condition that protects the victim, and the "
                          "date bail ends."),
          date_kind="bail_return", info_pages=("victims-code",)),
    Event("suspect_rui", _l("An update about the suspect"), "suspect", Stage.INVESTIGATION,
          (_P,), (6,), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the suspect in your case."),
          info_pages=("victims-code",)),
    Event("bail_changed", _l("An update about the suspect"), "suspect", None,
          (_P, _W), (6, 8), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the suspect in your case."),
          compose_hint=_l("Say which conditions changed or ended, and which still apply."),
          date_kind="bail_return", info_pages=("victims-code",)),
    Event("file_to_cps", _l("The police have asked for legal advice"), "investigation",
          Stage.INVESTIGATION, (_P,), (6,), None,
          compose_hint=_l("Say whether this is for early advice (CPS target: 21 days) or a "
                          "charging decision."),
          info_pages=("victims-code",)),
    Event("police_nfa", _l("A decision about your case"), "decisions", Stage.DECISION,
          (_P,), (6,), Deadline(1, _l("when the police make the decision")),
          window=VRR_WINDOW, sensitive=True, isva_first=True,
          content_note=_l("This update is about a decision in your case."),
          info_pages=("right-to-review", "victims-code")),
    Event("charged", _l("A decision about charges"), "decisions", Stage.DECISION,
          (_P, _C), (6,), Deadline(1, _l("when the charging decision is made")), sensitive=True,
          content_note=_l("This update is about a decision in your case."),
          compose_hint=_l("List each charge in plain English, without graphic detail. Add the "
                          "date of the first hearing if it is known."),
          info_pages=("going-to-court", "victims-code")),
    Event("cps_no_charge", _l("A decision about charges"), "decisions", Stage.DECISION,
          (_C,), (6,), Deadline(1, _l("when the CPS makes the decision"),
                                _l("A meeting with the prosecutor should be offered.")),
          window=VRR_WINDOW, sensitive=True, isva_first=True,
          content_note=_l("This update is about a decision in your case."),
          compose_hint=_l("Say which decision: no charge, the case stopped, no evidence "
                          "offered, or a charge substantially changed."),
          info_pages=("right-to-review", "victims-code")),
    Event("vrr_requested", _l("Your request for a review"), "decisions", Stage.DECISION,
          (_V, _I), (6,), Deadline(10, _l("when the police receive the request"),
                                   _l("The police acknowledge a request within 10 working "
                                      "days.")),
          info_pages=("right-to-review",)),
    Event("vrr_outcome", _l("An update about the review"), "decisions", Stage.DECISION,
          (_P, _C), (6,), None, sensitive=True, isva_first=True,
          content_note=_l("This update is about the review you asked for."),
          info_pages=("right-to-review",)),
    Event("hearing_scheduled", _l("A court date"), "court", Stage.COURT,
          (_W,), (8,), Deadline(1, _l("when the Witness Care Unit receives it")),
          compose_hint=_l("Add the date, time and court, and whether the victim needs to go."),
          date_kind="hearing", info_pages=("going-to-court",)),
    Event("not_guilty_plea", _l("An update about the court case"), "court", Stage.COURT,
          (_W, _C), (8,), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the court case."),
          info_pages=("going-to-court", "special-measures", "pre-trial-therapy")),
    Event("special_measures", _l("Support when you give evidence"), "court", Stage.COURT,
          (_C, _W), (8,), None,
          compose_hint=_l("Say which measures were asked for and what the court decided."),
          info_pages=("special-measures", "going-to-court")),
    Event("trial_date_set", _l("The trial date"), "court", Stage.COURT,
          (_W,), (8,), Deadline(1, _LEARNS),
          compose_hint=_l("Add the date (or range of dates) and the court."),
          date_kind="trial",
          info_pages=("going-to-court", "special-measures", "pre-trial-therapy")),
    Event("trial_date_changed", _l("A change to the trial date"), "court", Stage.COURT,
          (_W,), (8,), Deadline(1, _LEARNS), requires_reason=True,
          compose_hint=_l("Give the reason the court gave, and the new date or when a new date "
                          "will be set."),
          date_kind="trial", info_pages=("going-to-court",)),
    Event("verdict", _l("An update about the trial"), "outcome", Stage.OUTCOME,
          (_W,), (9,), Deadline(1, _l("when the Witness Care Unit receives it")), sensitive=True,
          outcomes=(
              Outcome("guilty", _l("Guilty of all charges")),
              Outcome("mixed", _l("Guilty of some charges and not guilty of others")),
              Outcome("not_guilty", _l("Not guilty of all charges")),
              Outcome("no_verdict", _l("The jury could not reach a verdict")),
          ),
          # JOURNEY.md: ISVA first for an acquittal, including an acquittal on some charges.
          isva_first_outcomes=frozenset({"not_guilty", "mixed"}),
          content_note=_l("This update is about the court case."),
          info_pages=("going-to-court", "victims-code")),
    Event("sentence", _l("An update about the sentence"), "outcome", Stage.OUTCOME,
          (_W, _C), (9,), Deadline(1, _LEARNS), window=ULS_WINDOW, sensitive=True,
          content_note=_l("This update is about the court case."),
          compose_hint=_l("Explain the sentence in plain words, including how much of it may "
                          "be spent in prison and on licence."),
          date_kind="sentence", info_pages=("after-sentence", "victims-code")),
    Event("appeal", _l("An update about an appeal"), "outcome", Stage.OUTCOME,
          (_W,), (9,), Deadline(1, _LEARNS), sensitive=True,
          content_note=_l("This update is about the court case."),
          info_pages=("after-sentence", "victims-code")),
    Event("victim_contact_scheme", _l("The Victim Contact Scheme"), "after_sentence",
          Stage.AFTER_SENTENCE, (_PR,), (11,),
          Deadline(10, _l("the sentence"),
                   _l("A Victim Liaison Officer should then make contact within 20 working "
                      "days.")),
          info_pages=("after-sentence",)),
    Event("offender_release", _l("An update from the Probation Service"), "after_sentence",
          Stage.AFTER_SENTENCE, (_PR,), (11,), None, sensitive=True, isva_first=True,
          content_note=_l("This update is about what happens after the court case."),
          info_pages=("after-sentence",)),
    Event("case_closed", _l("Your case has closed"), "support", None,
          (_I,), (), None, info_pages=("isva", "pre-trial-therapy")),
    Event("complaint", _l("Your complaint"), "support", None,
          _ANY, (12,), Deadline(10, _l("when the agency receives the complaint")),
          info_pages=("victims-code",)),
)
# fmt: on


CONTENT_NOTE_ADVICE = _l("You might want to read it somewhere private or with someone you trust.")

# The five questions every update answers (TRAUMA_INFORMED.md rule 12): field name, heading.
SECTIONS: tuple[tuple[str, object], ...] = (
    ("what_happened", _l("What happened")),
    ("what_it_means", _l("What this means")),
    ("what_happens_next", _l("What happens next")),
    ("who_to_contact", _l("Who to contact")),
    ("your_rights", _l("Your rights")),
)

# The dates a victim plans around (`Event.date_kind`): what the victim's update page calls the
# date, and what the ISVA is asked for when it is not the day the event happened.
DATE_LABELS: dict[str, object] = {
    "bail_return": _l("Date bail ends"),
    "hearing": _l("Hearing date"),
    "trial": _l("Trial date"),
    "sentence": _l("Sentencing date"),
}
DATE_QUESTIONS: dict[str, object] = {
    "bail_return": _l("When does bail end (the date the suspect must return)?"),
}

_BY_KEY = {e.key: e for e in EVENTS}
EVENT_CATEGORIES: dict[str, str] = {e.key: e.category for e in EVENTS}


def event(key: str) -> Event:
    """The catalogue entry for `key`; KeyError for an unknown key (a bug, not bad input)."""
    return _BY_KEY[key]


def stages() -> tuple[Stage, ...]:
    """The stages in journey order: the order they first appear in the catalogue."""
    return tuple(dict.fromkeys(e.stage for e in EVENTS if e.stage is not None))


def current_stage(published_event_keys: Iterable[str]) -> Stage:
    """The furthest stage any published event has reached; the first stage when none has.

    Stages never go backwards: a review after a decision, or a bail change during a trial,
    keeps the case where it is.
    """
    order = stages()
    reached = [
        order.index(stage) for k in published_event_keys if (stage := event(k).stage) is not None
    ]
    return order[max(reached, default=0)]


def progress(published_event_keys: Iterable[str]) -> list[tuple[Stage, str]]:
    """Each stage with "done", "current" or "upcoming", for the victim's progress indicator."""
    order = stages()
    at = order.index(current_stage(published_event_keys))
    return [
        (s, "done" if i < at else "current" if i == at else "upcoming") for i, s in enumerate(order)
    ]
