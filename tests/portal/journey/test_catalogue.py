"""The event catalogue matches docs/JOURNEY.md, and every event is complete."""

from __future__ import annotations

import pytest
from flask_babel.speaklater import LazyString

from portal import journey
from portal.journey import EVENTS, SECTIONS, Agency, Stage, WindowKind, event

A = Agency
# Hard-coded from docs/JOURNEY.md (a second, independent copy of its table): key -> (who
# tells, rights, deadline in working days, sensitive, ISVA first). "acquittal" marks the
# verdict's outcome-dependent rule.
JOURNEY_TABLE = {
    "report_recorded": ({A.POLICE}, (3,), None, False, False),
    "support_referral": ({A.POLICE}, (4,), 2, False, False),
    "vps_offered": ({A.POLICE}, (7,), None, False, False),
    "investigation_update": ({A.POLICE}, (6,), None, False, False),
    "suspect_arrested": ({A.POLICE}, (6,), 1, True, False),
    "suspect_interviewed": ({A.POLICE}, (6,), 1, True, False),
    "suspect_bailed": ({A.POLICE}, (6,), 1, True, False),
    "suspect_rui": ({A.POLICE}, (6,), 1, True, False),
    "bail_changed": ({A.POLICE, A.WCU}, (6, 8), 1, True, False),
    "file_to_cps": ({A.POLICE}, (6,), None, False, False),
    "police_nfa": ({A.POLICE}, (6,), 1, True, True),
    "charged": ({A.POLICE, A.CPS}, (6,), 1, True, False),
    "cps_no_charge": ({A.CPS}, (6,), 1, True, True),
    "vrr_requested": ({A.VICTIM, A.ISVA}, (6,), 10, False, False),
    "vrr_outcome": ({A.POLICE, A.CPS}, (6,), None, True, True),
    "hearing_scheduled": ({A.WCU}, (8,), 1, False, False),
    "not_guilty_plea": ({A.WCU, A.CPS}, (8,), 1, True, False),
    "special_measures": ({A.CPS, A.WCU}, (8,), None, False, False),
    "trial_date_set": ({A.WCU}, (8,), 1, False, False),
    "trial_date_changed": ({A.WCU}, (8,), 1, False, False),
    "verdict": ({A.WCU}, (9,), 1, True, "acquittal"),
    "sentence": ({A.WCU, A.CPS}, (9,), 1, True, False),
    "appeal": ({A.WCU}, (9,), 1, True, False),
    "victim_contact_scheme": ({A.PROBATION}, (11,), 10, False, False),
    "offender_release": ({A.PROBATION}, (11,), None, True, True),
    "case_closed": ({A.ISVA}, (), None, False, False),
    "complaint": ({A.POLICE, A.CPS, A.WCU, A.PROBATION, A.ISVA}, (12,), 10, False, False),
}
WINDOWS = {
    "police_nfa": WindowKind.VRR,
    "cps_no_charge": WindowKind.VRR,
    "sentence": WindowKind.ULS,
}


def test_the_catalogue_has_exactly_the_journey_events_in_order():
    assert [e.key for e in EVENTS] == list(JOURNEY_TABLE)


@pytest.mark.parametrize("key", list(JOURNEY_TABLE))
def test_each_event_matches_its_journey_row(key):
    who, rights, days, sensitive, isva_first = JOURNEY_TABLE[key]
    e = event(key)
    assert set(e.who_tells) == who
    assert e.rights == rights
    assert (e.deadline.working_days if e.deadline else None) == days
    assert e.sensitive is sensitive
    if isva_first == "acquittal":
        assert not e.needs_isva_first("guilty")
        assert e.needs_isva_first("not_guilty")
    else:
        assert e.isva_first is isva_first
        assert e.needs_isva_first() is isva_first
    assert (e.window.kind if e.window else None) == WINDOWS.get(key)
    assert e.category in journey.CATEGORY_KEYS


def test_event_categories_stay_available_for_notification_choices():
    assert {e.key: e.category for e in EVENTS} == journey.EVENT_CATEGORIES
    assert journey.EVENT_CATEGORIES["charged"] == "decisions"
    used = set(journey.EVENT_CATEGORIES.values())
    assert used == journey.CATEGORY_KEYS, "a category with no events, or an unknown one"


def test_a_verdict_is_held_for_the_isva_for_any_acquittal_or_when_the_outcome_is_unknown():
    verdict = event("verdict")
    assert {o.key for o in verdict.outcomes} >= {"guilty", "not_guilty", "mixed"}
    assert not verdict.needs_isva_first("guilty")
    assert verdict.needs_isva_first("not_guilty")
    assert verdict.needs_isva_first("mixed")  # not guilty of some charges is an acquittal too
    assert verdict.needs_isva_first(None)
    assert event("police_nfa").needs_isva_first("anything")
    assert not event("charged").needs_isva_first(None)


def test_only_a_trial_date_change_requires_a_reason():
    assert {e.key for e in EVENTS if e.requires_reason} == {"trial_date_changed"}


def test_windows_have_their_lengths():
    uls = event("sentence").window
    assert uls is not None
    assert uls.calendar_days == 28
    assert uls.months is None
    vrr = event("police_nfa").window
    assert vrr is not None
    assert vrr.months == 3
    assert vrr.advise_within_working_days == 10
    assert event("cps_no_charge").window == vrr


@pytest.mark.usefixtures("in_request")
@pytest.mark.parametrize("key", list(JOURNEY_TABLE))
def test_every_event_has_all_five_starter_sections_translated_and_non_empty(key):
    e = event(key)
    assert [name for name, _ in SECTIONS] == [
        "what_happened",
        "what_it_means",
        "what_happens_next",
        "who_to_contact",
        "your_rights",
    ]
    for name, _ in SECTIONS:
        text = getattr(e.starter, name)
        assert isinstance(text, LazyString), f"{key}.{name} is not translatable"
        assert len(str(text).strip()) > 20, f"{key}.{name} is empty"
        assert "{" not in str(text), f"{key}.{name} has a placeholder"
    assert isinstance(e.title, LazyString)
    assert str(e.title)


@pytest.mark.usefixtures("in_request")
def test_sensitive_events_have_a_neutral_content_note_and_others_none():
    for e in EVENTS:
        if e.sensitive:
            assert str(e.content_note).startswith("This update is about"), e.key
        else:
            assert e.content_note is None, e.key
    assert str(event("charged").content_note) == "This update is about a decision in your case."


@pytest.mark.usefixtures("in_request")
def test_the_rights_section_names_the_right_or_the_window():
    for e in EVENTS:
        rights = str(e.starter.your_rights)
        for number in e.rights:
            assert f"{number}" in rights, f"{e.key} does not mention right {number}"
    assert "28 days" in str(event("sentence").starter.your_rights)
    assert "10 working days" in str(event("police_nfa").starter.your_rights)


def test_stages_are_derived_from_the_catalogue_in_journey_order():
    assert journey.stages() == (
        Stage.REPORTED,
        Stage.INVESTIGATION,
        Stage.DECISION,
        Stage.COURT,
        Stage.OUTCOME,
        Stage.AFTER_SENTENCE,
    )
    assert set(journey.stages()) == set(Stage), "a stage no event reaches"


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ([], Stage.REPORTED),
        (["report_recorded", "support_referral"], Stage.REPORTED),
        (["suspect_arrested"], Stage.INVESTIGATION),
        (["suspect_arrested", "charged"], Stage.DECISION),
        (["charged", "trial_date_set"], Stage.COURT),
        (["charged", "trial_date_set", "verdict", "sentence"], Stage.OUTCOME),
        (["sentence", "victim_contact_scheme"], Stage.AFTER_SENTENCE),
        # Stages never go backwards: a bail change or a complaint during the trial.
        (["trial_date_set", "bail_changed", "complaint", "vps_offered"], Stage.COURT),
        (["police_nfa", "vrr_requested"], Stage.DECISION),
    ],
)
def test_current_stage(published, expected):
    assert journey.current_stage(published) == expected


def test_progress_marks_done_current_and_upcoming():
    progress = journey.progress(["charged"])
    assert [status for _, status in progress] == [
        "done",
        "done",
        "current",
        "upcoming",
        "upcoming",
        "upcoming",
    ]


def test_an_unknown_event_key_is_an_error():
    with pytest.raises(KeyError):
        event("no_such_event")
    with pytest.raises(KeyError):
        journey.current_stage(["no_such_event"])


def test_every_starter_text_belongs_to_an_event():
    from portal.starters import STARTERS

    assert set(STARTERS) == {e.key for e in EVENTS}
