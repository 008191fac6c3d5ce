"""The compliance report's figures, with a frozen clock: the Victims' Code clock across the
Easter bank holidays, period boundaries, an empty period, reply times in working hours."""

from __future__ import annotations

from datetime import date

from portal.models import UpdateStatus
from portal.models.message import MessageDirection
from portal.services.caseload import compliance
from tests.portal.compliance.conftest import add_message, add_update, london

APRIL = compliance.Period(date(2026, 4, 1), date(2026, 4, 30))
TO_SERVICE, TO_VICTIM = MessageDirection.TO_SERVICE, MessageDirection.TO_VICTIM


def _rows(s, period=APRIL):
    return {(r.right, r.agency): r for r in compliance.code_compliance(s.session, s.org.id, period)}


def test_the_default_period_is_the_last_full_month(frozen):
    assert compliance.last_full_month() == APRIL
    assert compliance.last_full_month(date(2026, 1, 15)) == compliance.Period(
        date(2025, 12, 1), date(2025, 12, 31)
    )


def test_on_time_and_late_count_working_days_across_easter(service):
    thursday_before_easter = london(2026, 4, 2, 10)  # Good Friday and Easter Monday follow
    # Due by the end of Tuesday 7 April: the bank holidays and the weekend do not count.
    add_update(service, "suspect_arrested", thursday_before_easter, london(2026, 4, 7, 16))
    add_update(service, "suspect_arrested", thursday_before_easter, london(2026, 4, 8, 9))
    add_update(service, "suspect_arrested", thursday_before_easter, london(2026, 4, 9, 9))

    row = _rows(service)[(6, "police")]

    assert (row.due, row.on_time, row.late) == (3, 1, 2)
    assert row.lateness == [1, 2]
    assert row.median_late_days == 1.5
    assert (row.overdue, row.pending) == (0, 0)


def test_only_updates_due_inside_the_period_count(service):
    add_update(service, "suspect_arrested", london(2026, 3, 30), london(2026, 3, 31))  # due 31 Mar
    add_update(service, "suspect_arrested", london(2026, 3, 31), london(2026, 4, 1))  # due 1 Apr
    add_update(service, "suspect_arrested", london(2026, 4, 29), london(2026, 4, 30))  # due 30 Apr
    add_update(service, "suspect_arrested", london(2026, 4, 30), london(2026, 5, 1))  # due 1 May
    add_update(service, "investigation_update", london(2026, 4, 10))  # no deadline

    assert _rows(service)[(6, "police")].due == 2


def test_unpublished_updates_are_overdue_once_past_due_and_pending_before(service):
    add_update(service, "suspect_bailed", london(2026, 4, 20))  # due 21 April, still a draft
    add_update(service, "suspect_bailed", london(2026, 5, 5, 9))  # due 6 May: not yet
    held = add_update(
        service, "police_nfa", london(2026, 4, 21), status=UpdateStatus.HELD_ISVA_FIRST
    )
    withdrawn = add_update(service, "suspect_rui", london(2026, 4, 22))
    withdrawn.status = UpdateStatus.WITHDRAWN  # withdrawn before anyone saw it: not counted
    service.session.flush()

    april = _rows(service)[(6, "police")]
    may = _rows(service, compliance.Period(date(2026, 5, 1), date(2026, 5, 31)))[(6, "police")]

    assert (april.due, april.overdue, april.pending) == (2, 2, 0)
    assert held.due_on == date(2026, 4, 22)
    assert (may.due, may.overdue, may.pending) == (1, 0, 1)


def test_an_event_under_two_rights_counts_under_both_for_its_agency(service):
    add_update(service, "bail_changed", london(2026, 4, 14), london(2026, 4, 14, 15), agency="wcu")

    rows = _rows(service)

    assert set(rows) == {(6, "wcu"), (8, "wcu")}
    assert rows[(8, "wcu")].on_time == 1


def test_other_organisations_and_an_empty_period_show_nothing(service, session):
    from tests.support.factories import make_case, make_org, make_user

    org = make_org(session)
    theirs = make_case(session, org, make_user(session, org))
    add_update(service, "suspect_arrested", london(2026, 4, 2), london(2026, 4, 9), case=theirs)
    add_message(service, theirs, TO_SERVICE, london(2026, 4, 8))

    assert compliance.code_compliance(session, service.org.id, APRIL) == []
    rows, total = compliance.response_times(session, service.org, APRIL)
    assert rows == []
    assert (total.turns, total.median_hours, total.within_target_percent) == (0, None, None)


# --- reply times --------------------------------------------------------------------------------


def test_working_hours_skip_nights_weekends_and_bank_holidays():
    assert compliance.working_hours_between(london(2026, 4, 2, 16), london(2026, 4, 7, 10)) == 2
    assert compliance.working_hours_between(london(2026, 4, 10, 18), london(2026, 4, 15, 10)) == 17
    assert compliance.working_hours_between(london(2026, 4, 8, 12), london(2026, 4, 8, 11)) == 0


def test_reply_times_per_isva_with_median_90th_percentile_and_target(service):
    s = service
    # Thursday before Easter, 4pm; answered Tuesday after Easter, 10am: 2 working hours, on time.
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 2, 16))
    add_message(s, s.case, TO_VICTIM, london(2026, 4, 7, 10), s.priya)
    # Two messages in a row are one turn, answered at 11:30: 2 working hours from the first.
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 8, 9, 30))
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 8, 10))
    add_message(s, s.case, TO_VICTIM, london(2026, 4, 8, 11, 30), s.priya)
    # Friday 6pm (clock starts Monday, due Tuesday), answered Wednesday 10am: 17 hours, late.
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 10, 18))
    add_message(s, s.case, TO_VICTIM, london(2026, 4, 15, 10), s.priya)
    # Sam's victim: a turn before the period (not counted), then 28 April, never answered:
    # past the target by 5 May.
    add_message(s, s.other, TO_SERVICE, london(2026, 3, 31, 10))
    add_message(s, s.other, TO_VICTIM, london(2026, 3, 31, 11), s.sam)
    add_message(s, s.other, TO_SERVICE, london(2026, 4, 28, 10))

    rows, total = compliance.response_times(s.session, s.org, APRIL)

    by_name = {r.name: r for r in rows}
    priya, sam = by_name["Priya Shah"], by_name["Sam Jones"]
    assert (priya.turns, priya.answered, priya.awaiting) == (3, 3, 0)
    assert priya.hours == [2.0, 2.0, 17.0]
    assert (priya.median_hours, priya.p90_hours, priya.within_target_percent) == (2.0, 17.0, 67)
    assert (sam.turns, sam.answered, sam.awaiting, sam.within_target_percent) == (1, 0, 1, 0)
    assert (total.turns, total.answered, total.within_target_percent) == (4, 3, 50)


def test_a_turn_belongs_to_the_isva_assigned_when_it_started(service):
    from portal.models import Assignment

    s = service
    assignment = s.case.assignments[0]
    assignment.ends_at = london(2026, 4, 15)
    s.session.add(Assignment(case_id=s.case.id, isva_id=s.sam.id, starts_at=london(2026, 4, 15)))
    s.session.flush()
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 14))
    add_message(s, s.case, TO_VICTIM, london(2026, 4, 14, 11), s.priya)
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 16))
    add_message(s, s.case, TO_VICTIM, london(2026, 4, 16, 12), s.sam)

    rows, _ = compliance.response_times(s.session, s.org, APRIL)

    assert {(r.name, r.turns, r.hours[0]) for r in rows} == {
        ("Priya Shah", 1, 1.0),
        ("Sam Jones", 1, 2.0),
    }


def test_nearest_rank_percentile():
    values = [float(v) for v in range(1, 11)]
    assert compliance.percentile(values, 90) == 9.0
    assert compliance.percentile([4.0], 90) == 4.0


def test_reply_times_per_month_across_a_longer_period(service):
    s = service
    add_message(s, s.case, TO_SERVICE, london(2026, 3, 10, 10))
    add_message(s, s.case, TO_VICTIM, london(2026, 3, 10, 12), s.priya)
    add_message(s, s.case, TO_SERVICE, london(2026, 4, 14, 10))
    add_message(s, s.case, TO_VICTIM, london(2026, 4, 14, 11), s.priya)
    add_message(s, s.other, TO_SERVICE, london(2026, 4, 15, 10))
    add_message(s, s.other, TO_VICTIM, london(2026, 4, 15, 14), s.sam)

    report = compliance.response_report(
        s.session, s.org, compliance.Period(date(2026, 3, 1), date(2026, 4, 30))
    )

    assert [(m.month, m.turns, m.median_hours) for m in report.months] == [
        (date(2026, 3, 1), 1, 2.0),
        (date(2026, 4, 1), 2, 2.5),
    ]
    assert report.total.turns == 3
