"""The case page's notifications section: the assigned ISVA changes how the victim is told on
their behalf (a channel off, never on; choices; quiet hours) with a reason the victim sees;
refusals are 404 and audited; bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from notifications import on_behalf
from notifications import policy as notification_policy
from notifications.contacts import contact_point, set_choices, set_enabled
from notifications.models import Channel, Consent, ConsentSource
from portal.models import AuditOutcome, Role
from tests.portal.policy.scenario import Scenario, audit_rows, build
from tests.portal.updates.conftest import add_points
from tests.support.factories import make_user

REASON = "She rang: her partner saw a text"
COURT = "court"


@pytest.fixture
def world(session) -> Scenario:
    w = build(session)
    add_points(session, w.victim)
    return w


def _form(session, w: Scenario, **overrides: object) -> dict[str, object]:
    """The change form as served (every current value), with ``overrides``."""
    pref = notification_policy.preferences(session, w.victim.id)
    start, end = notification_policy.quiet_window(pref)
    data: dict[str, object] = {
        f"category_{key}": notification_policy.choice_for(pref, key)
        for key in notification_policy.PREFERENCE_CATEGORIES
    }
    data |= {
        "quiet_start": str(start),
        "quiet_end": str(end),
        "reason": REASON,
        "version": on_behalf.version(session, w.victim.id),
    }
    data |= overrides
    return data


def _change(client_request, w: Scenario, data, status: int = 302):
    return client_request.post(
        "caseworker.change_notifications", data, _expected_status=status, case_id=w.case.id
    )


def _consents(session, w: Scenario) -> list[Consent]:
    session.expire_all()
    return list(
        session.scalars(select(Consent).where(Consent.user_id == w.victim.id).order_by(Consent.at))
    )


def test_isva_turns_texts_off_for_the_victim_logged_audited_and_shown(
    world: Scenario, session, client_request, login_as
):
    w = world
    login_as(w.isva)
    page = client_request.get("caseworker.change_notifications", case_id=w.case.id)
    assert {i["value"] for i in page.select("input[name=turn_off]")} == {"sms", "email"}
    assert "Only Ruth Marker can turn text messages or emails back on" in page.text
    _change(client_request, w, _form(session, w, turn_off="sms"))

    session.expire_all()
    sms = contact_point(session, w.victim.id, Channel.SMS)
    assert sms is not None
    assert not sms.usable
    assert contact_point(session, w.victim.id, Channel.EMAIL).usable  # only what was asked
    [entry] = _consents(session, w)
    assert (entry.field, entry.old_value, entry.new_value) == ("sms.enabled", "yes", "no")
    assert (entry.source, entry.actor_id, entry.reason) == (
        ConsentSource.ISVA_ON_BEHALF,
        w.isva.id,
        REASON,
    )
    [row] = audit_rows(session, action="notifications.change_on_behalf")
    assert (row.actor_id, row.case_id, row.outcome) == (w.isva.id, w.case.id, AuditOutcome.ALLOWED)

    page = client_request.get("caseworker.notification_settings", case_id=w.case.id)
    assert page.select_one("[aria-current=page]").text.strip() == "Notifications"
    channels = page.select_one("[data-testid=notification-channels]")
    assert "Off" in channels.select_one("[data-channel=sms]").text
    assert "On" in channels.select_one("[data-channel=email]").text
    assert "+447700900123" not in page.text  # addresses are never shown to staff
    assert "r@example.org" not in page.text
    [log_row] = page.select("[data-testid=consent-log] tbody tr")
    cells = [td.text.strip() for td in log_row.select("td")]
    assert cells[1:] == [
        "Text messages turned off",
        "Priya Shah",
        "ISVA, on the victim's behalf",
        REASON,
    ]
    # The change page no longer offers texts: the ISVA cannot turn them back on.
    page = client_request.get("caseworker.change_notifications", case_id=w.case.id)
    assert {i["value"] for i in page.select("input[name=turn_off]")} == {"email"}


def test_choices_and_quiet_hours_change_with_one_reason(
    world: Scenario, session, client_request, login_as
):
    w = world
    login_as(w.isva)
    _change(
        client_request,
        w,
        _form(
            session,
            w,
            **{f"category_{COURT}": "isva_first", "quiet_start": "1200", "quiet_end": "540"},
        ),
    )
    pref = notification_policy.preferences(session, w.victim.id)
    assert notification_policy.choice_for(pref, COURT) == "isva_first"
    assert notification_policy.quiet_window(pref) == (1200, 540)
    entries = _consents(session, w)
    assert {(e.field, e.new_value) for e in entries} == {
        (f"category.{COURT}", "isva_first"),
        ("quiet_hours", "1200-540"),
    }
    assert {(e.source, e.reason, e.actor_id) for e in entries} == {
        (ConsentSource.ISVA_ON_BEHALF, REASON, w.isva.id)
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required_and_nothing_changes_without_one(
    world: Scenario, session, client_request, login_as, reason
):
    w = world
    login_as(w.isva)
    page = _change(
        client_request,
        w,
        _form(session, w, turn_off="sms", reason=reason, **{f"category_{COURT}": "dont_notify"}),
        status=400,
    )
    summary = page.select_one(".govuk-error-summary").text
    assert "Enter why you are making this change" in summary
    assert page.title.text.startswith("Error:")
    session.expire_all()
    assert contact_point(session, w.victim.id, Channel.SMS).usable
    assert _consents(session, w) == []
    assert audit_rows(session, action="notifications.change_on_behalf") == []


def test_bad_input_changes_nothing(world: Scenario, session, client_request, login_as):
    w = world
    login_as(w.isva)
    for data, message in (
        (_form(session, w, turn_off="sms", reason="x" * 501), "500 characters or fewer"),
        (_form(session, w, turn_off="sms", quiet_start="99"), "Not a valid choice"),
        (_form(session, w, **{f"category_{COURT}": "tell_everyone"}), "Not a valid choice"),
        (_form(session, w), "You have not changed anything"),
    ):
        page = _change(client_request, w, data, status=400)
        assert message in page.select_one(".govuk-error-summary").text
    session.expire_all()
    assert contact_point(session, w.victim.id, Channel.SMS).usable
    assert _consents(session, w) == []


def test_the_isva_can_never_turn_a_channel_on(world: Scenario, session, client_request, login_as):
    w = world
    sms = contact_point(session, w.victim.id, Channel.SMS)
    set_enabled(session, sms, False, source=ConsentSource.PORTAL, actor_id=w.victim.id)
    session.flush()
    login_as(w.isva)
    page = client_request.get("caseworker.notification_settings", case_id=w.case.id)
    assert "Only Ruth Marker can turn text messages or emails back on" in page.text
    assert "Turn on" not in page.text
    # A crafted request naming the channel that is off is refused; nothing changes.
    page = _change(client_request, w, _form(session, w, turn_off="sms"), status=400)
    assert "That channel is already off" in page.select_one(".govuk-error-summary").text
    session.expire_all()
    assert not contact_point(session, w.victim.id, Channel.SMS).enabled
    assert [e.source for e in _consents(session, w)] == [ConsentSource.PORTAL]


def test_a_form_filled_in_before_the_victim_changed_something_is_refused(
    world: Scenario, session, client_request, login_as
):
    w = world
    login_as(w.isva)
    page = client_request.get("caseworker.change_notifications", case_id=w.case.id)
    seen = page.select_one("input[name=version]")["value"]
    # Meanwhile the victim chooses "don't notify me" for court news in the portal.
    set_choices(
        session,
        w.victim.id,
        {COURT: "dont_notify"},
        source=ConsentSource.PORTAL,
        actor_id=w.victim.id,
    )
    session.flush()
    stale = _form(session, w, version=seen, **{f"category_{COURT}": "tell_me"})
    page = _change(client_request, w, stale, status=400)
    assert "settings changed while you were on this page" in page.text
    # The form now shows the victim's newer choice, and the reason is kept.
    assert page.select_one(f"input[name=category_{COURT}][value=dont_notify]").has_attr("checked")
    assert REASON in page.select_one("textarea[name=reason]").text
    pref = notification_policy.preferences(session, w.victim.id)
    assert notification_policy.choice_for(pref, COURT) == "dont_notify"


def test_supervisor_sees_the_settings_and_log_but_cannot_change_them(
    world: Scenario, session, client_request, login_as
):
    w = world
    login_as(w.supervisor)
    page = client_request.get("caseworker.notification_settings", case_id=w.case.id)
    assert page.select_one("[data-testid=notification-choices]")
    assert not page.find("a", string=lambda s: s and "Change on their behalf" in s)
    client_request.get("caseworker.change_notifications", case_id=w.case.id, _expected_status=404)
    client_request.post(
        "caseworker.change_notifications",
        _form(session, w, turn_off="sms"),
        _expected_status=404,
        _form_url=client_request.url("auth.account"),
        case_id=w.case.id,
    )
    [denied] = audit_rows(session, action="case.change_notifications", outcome=AuditOutcome.DENIED)[
        -1:
    ]
    assert denied.actor_id == w.supervisor.id
    session.expire_all()
    assert contact_point(session, w.victim.id, Channel.SMS).usable


@pytest.mark.parametrize(
    "who", ["unassigned_isva", "previous_isva", "other_org_supervisor", "admin", "victim"]
)
def test_others_get_404_and_an_audited_refusal_and_nothing_changes(
    world: Scenario, session, client_request, login_as, who
):
    w = world
    person = getattr(w, who)
    login_as(person)
    for endpoint in ("caseworker.notification_settings", "caseworker.change_notifications"):
        client_request.get(endpoint, case_id=w.case.id, _expected_status=404)
    client_request.post(
        "caseworker.change_notifications",
        _form(session, w, turn_off="sms"),
        _expected_status=404,
        # A token from a page they can reach, so only the case check can refuse.
        _form_url=client_request.url("auth.account"),
        case_id=w.case.id,
    )
    refused = audit_rows(session, case_id=w.case.id, outcome=AuditOutcome.DENIED)
    assert len(refused) == 3
    assert {r.actor_id for r in refused} == {person.id}
    assert {r.action for r in refused} == {
        "case.view_contact_details",
        "case.change_notifications",
    }
    session.expire_all()
    assert contact_point(session, w.victim.id, Channel.SMS).usable
    assert _consents(session, w) == []


def test_the_victim_sees_what_their_isva_changed_when_and_why(
    world: Scenario, session, client_request, login_as
):
    w = world
    login_as(w.isva)
    _change(
        client_request, w, _form(session, w, turn_off="sms", **{f"category_{COURT}": "isva_first"})
    )
    w.victim.safety_info_seen_at = w.case.opened_at
    login_as(w.victim)
    page = client_request.get("victim.preferences")
    box = page.select_one("[data-testid=changed-by-isva]")
    assert "your ISVA Priya changed:" in box.text  # first name only, as elsewhere
    items = sorted(li.text.strip() for li in box.select("li"))
    assert items == ["Court dates and hearings: My ISVA tells me first", "Text messages turned off"]
    assert f"Reason: {REASON}" in box.text
    # And they can turn texts back on themselves, from the same page.
    assert any("Turn on text messages" in b.text for b in page.select("button"))


def test_a_victims_own_changes_are_not_shown_as_their_isvas(
    world: Scenario, session, client_request, login_as
):
    w = world
    w.victim.safety_info_seen_at = w.case.opened_at
    login_as(w.victim)
    sms = contact_point(session, w.victim.id, Channel.SMS)
    set_enabled(session, sms, False, source=ConsentSource.PORTAL, actor_id=w.victim.id)
    session.flush()
    page = client_request.get("victim.preferences")
    assert page.select_one("[data-testid=changed-by-isva]") is None


def test_another_victims_isva_cannot_use_their_own_case_to_reach_this_victim(
    world: Scenario, session, client_request, login_as
):
    """The change always applies to the victim of the case in the URL, never to an id sent in
    the form."""
    w = world
    add_points(session, w.other_victim)
    login_as(w.unassigned_isva)  # assigned to other_case
    client_request.post(
        "caseworker.change_notifications",
        {**_form(session, w, turn_off="sms"), "victim_id": str(w.victim.id)},
        case_id=w.other_case.id,
    )
    session.expire_all()
    assert contact_point(session, w.victim.id, Channel.SMS).usable
    assert not contact_point(session, w.other_victim.id, Channel.SMS).usable


def test_other_organisation_isva_gets_404(world: Scenario, session, client_request, login_as):
    w = world
    outsider = make_user(session, w.other_org, Role.ISVA)
    login_as(outsider)
    client_request.get("caseworker.change_notifications", case_id=w.case.id, _expected_status=404)
    [row] = audit_rows(session, actor_id=outsider.id)
    assert (row.outcome, row.case_id) == (AuditOutcome.DENIED, w.case.id)
