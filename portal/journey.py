"""The case journey (../shared/JOURNEY.md) as data: the one place that knows the events.

Categories group events for victims' notification choices ("tell me", "my ISVA tells me
first", "don't notify me"). The full event catalogue (rights, deadlines, windows, sensitivity,
ISVA-first, starter texts) extends this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


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

# Event key -> category key, for every event of JOURNEY.md.
EVENT_CATEGORIES: dict[str, str] = {
    "report_recorded": "support",
    "support_referral": "support",
    "vps_offered": "support",
    "investigation_update": "investigation",
    "suspect_arrested": "suspect",
    "suspect_interviewed": "suspect",
    "suspect_bailed": "suspect",
    "suspect_rui": "suspect",
    "bail_changed": "suspect",
    "file_to_cps": "investigation",
    "police_nfa": "decisions",
    "charged": "decisions",
    "cps_no_charge": "decisions",
    "vrr_requested": "decisions",
    "vrr_outcome": "decisions",
    "hearing_scheduled": "court",
    "not_guilty_plea": "court",
    "special_measures": "court",
    "trial_date_set": "court",
    "trial_date_changed": "court",
    "verdict": "outcome",
    "sentence": "outcome",
    "appeal": "outcome",
    "victim_contact_scheme": "after_sentence",
    "offender_release": "after_sentence",
    "case_closed": "support",
    "complaint": "support",
}
