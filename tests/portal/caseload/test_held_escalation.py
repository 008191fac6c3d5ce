"""A held (ISVA-first) update waiting more than 2 working days escalates to the supervisor: a
signal computed on every read of the caseload, with a frozen clock from Monday 1 March 2027."""

from __future__ import annotations

from datetime import timedelta

from portal.models import UpdateStatus
from portal.services.caseload.listing import Signal
from portal.services.updates import writing as updates
from tests.portal.caseload.conftest import MONDAY, World, row_for
from tests.portal.updates.conftest import starter_draft


def _hold(w: World):
    draft = updates.save_draft(w.session, w.case, w.isva, starter_draft("police_nfa"))
    update = updates.publish(w.session, w.case, w.isva, draft)
    assert update.status == UpdateStatus.HELD_ISVA_FIRST
    return update


def test_held_on_monday_escalates_on_thursday_not_before(world: World, time_machine):
    w = world
    _hold(w)
    assert row_for(w, user=w.supervisor).held == 1
    time_machine.move_to(MONDAY + timedelta(days=2, hours=13), tick=False)  # Wednesday 23:00
    assert Signal.HELD_ESCALATED not in row_for(w, user=w.supervisor).signals
    time_machine.move_to(MONDAY + timedelta(days=2, hours=14), tick=False)  # Thursday 00:00
    row = row_for(w, user=w.supervisor)
    assert Signal.HELD_ESCALATED in row.signals
    assert row.held_escalated == 1


def test_weekends_do_not_count(world: World, time_machine):
    w = world
    time_machine.move_to(MONDAY + timedelta(days=3), tick=False)  # Thursday 10:00
    _hold(w)
    time_machine.move_to(MONDAY + timedelta(days=7, hours=13), tick=False)  # next Monday 23:00
    assert Signal.HELD_ESCALATED not in row_for(w, user=w.supervisor).signals
    time_machine.move_to(MONDAY + timedelta(days=8), tick=False)  # next Tuesday
    assert Signal.HELD_ESCALATED in row_for(w, user=w.supervisor).signals


def test_escalation_goes_when_support_is_confirmed(world: World, time_machine):
    w = world
    update = _hold(w)
    time_machine.move_to(MONDAY + timedelta(days=7), tick=False)
    assert Signal.HELD_ESCALATED in row_for(w, user=w.supervisor).signals
    updates.confirm_support(w.session, w.case, w.isva, update, "Spoke by phone at 10:00")
    assert Signal.HELD_ESCALATED not in row_for(w, user=w.supervisor).signals


def test_the_supervisors_pages_show_it(world: World, time_machine, login_as, client_request):
    w = world
    _hold(w)
    time_machine.move_to(MONDAY + timedelta(days=7), tick=False)
    w.session.flush()
    login_as(w.supervisor)
    page = client_request.get("caseworker.home")
    item = page.find(attrs={"data-signal": "held_escalated"})
    assert item is not None
    assert "1 held update waiting more than 2 working days" in item.get_text()
    team = client_request.get("caseworker.team")
    assert (
        "Held over 2 working days: 1"
        in team.find(attrs={"data-signal": "held_escalated"}).get_text()
    )
