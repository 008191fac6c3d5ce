"""What each journey event is called on staff pages (victims see the neutral titles instead)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_NAMES: dict[str, object] = {
    "report_recorded": _l("Crime recorded"),
    "support_referral": _l("Referred to support services"),
    "vps_offered": _l("Victim Personal Statement offered"),
    "investigation_update": _l("Investigation update (including no change yet)"),
    "suspect_arrested": _l("Suspect arrested"),
    "suspect_interviewed": _l("Suspect interviewed under caution"),
    "suspect_bailed": _l("Suspect released on bail"),
    "suspect_rui": _l("Suspect released under investigation"),
    "bail_changed": _l("Bail conditions changed or cancelled"),
    "file_to_cps": _l("File sent to the CPS"),
    "police_nfa": _l("Police decide to take no further action"),
    "charged": _l("Suspect charged"),
    "cps_no_charge": _l("CPS decides not to charge, stops the case or changes a charge"),
    "vrr_requested": _l("Victims' Right to Review requested"),
    "vrr_outcome": _l("Outcome of a review"),
    "hearing_scheduled": _l("Hearing date, time and place"),
    "not_guilty_plea": _l("Not guilty plea"),
    "special_measures": _l("Special measures application and outcome"),
    "trial_date_set": _l("Trial date set"),
    "trial_date_changed": _l("Trial date changed or trial adjourned"),
    "verdict": _l("Verdict"),
    "sentence": _l("Sentence"),
    "appeal": _l("Appeal"),
    "victim_contact_scheme": _l("Victim Contact Scheme referral"),
    "offender_release": _l("Licence conditions, Parole Board, release or recall"),
    "case_closed": _l("Case closed"),
    "complaint": _l("Complaint about a right not met"),
}
