"""An ISVA changing how a victim is notified on their behalf (the service in
portal/services/caseload/on_behalf.py, the change in notifications/on_behalf.py): only the
assigned ISVA, always with a reason, a channel off but never on, every change in the consent
log and the audit trail, nothing changed by a refused request, and a notification already
queued is not sent once the change is made."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from notifications import notify, on_behalf
from notifications import policy as notification_policy
from notifications.contacts import record_opt_out, set_address, set_choices
from notifications.models import Channel, Consent, ConsentSource, Notification, Status
from notifications.on_behalf import Change, OnBehalfError
from notifications.worker import Worker
from portal.clock import utcnow
from portal.models import AuditEvent, Organisation, Role
from portal.services.caseload.on_behalf import AUDIT_ACTION, NotPermittedError, change_on_behalf
from tests.notifications.conftest import add_point, victim_with_case
from tests.support.factories import make_user

REASON = "Rang me: her partner saw a text"


def _consents(session, user_id) -> list[Consent]:
    return list(
        session.scalars(select(Consent).where(Consent.user_id == user_id).order_by(Consent.at))
    )


def _isva(case):
    return case.active_assignment().isva


def test_turning_a_channel_off_is_logged_with_isva_actor_and_reason_and_audited(session):
    victim, sms, email, case = victim_with_case(session, email="r@example.org")
    isva = _isva(case)
    changed = change_on_behalf(
        session, case, isva, Change(channels_off=frozenset({Channel.SMS})), REASON
    )
    assert changed == ["sms.enabled"]
    assert not sms.usable
    assert email.usable
    [entry] = _consents(session, victim.id)
    assert (entry.field, entry.old_value, entry.new_value) == ("sms.enabled", "yes", "no")
    assert (entry.source, entry.actor_id, entry.reason) == (
        ConsentSource.ISVA_ON_BEHALF,
        isva.id,
        REASON,
    )
    assert entry.contact_point_id == sms.id
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION)).all()
    assert (event.actor_id, event.case_id) == (isva.id, case.id)


def test_choices_and_quiet_hours_only_what_changed_is_logged(session):
    victim, _sms, _email, case = victim_with_case(session, default_quiet_hours=True)
    isva = _isva(case)
    categories = notification_policy.PREFERENCE_CATEGORIES
    every = {key: "tell_me" for key in categories} | {"court": "dont_notify"}
    changed = change_on_behalf(
        session, case, isva, Change(choices=every, quiet_hours=(20 * 60, 9 * 60)), REASON
    )
    assert changed == ["category.court", "quiet_hours"]
    pref = notification_policy.preferences(session, victim.id)
    assert notification_policy.choice_for(pref, "court") == "dont_notify"
    assert notification_policy.quiet_window(pref) == (1200, 540)
    assert {
        (e.field, e.old_value, e.new_value, e.reason) for e in _consents(session, victim.id)
    } == {
        ("category.court", "tell_me", "dont_notify", REASON),
        ("quiet_hours", "1260-480", "1200-540", REASON),
    }


@pytest.mark.parametrize("reason", [None, "", "  \n "])
def test_no_reason_no_change(session, reason):
    victim, sms, _email, case = victim_with_case(session, default_quiet_hours=True)
    with pytest.raises(OnBehalfError) as refused:
        change_on_behalf(
            session,
            case,
            _isva(case),
            Change(channels_off=frozenset({Channel.SMS}), choices={"court": "dont_notify"}),
            reason,
        )
    assert refused.value.reason == "reason_missing"
    assert sms.usable
    assert notification_policy.preferences(session, victim.id) is None
    assert _consents(session, victim.id) == []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (Change(choices={"court": "shout_it"}), "value"),
        (Change(choices={"not_a_category": "tell_me"}), "value"),
        (Change(quiet_hours=(0, 1440)), "value"),
        (Change(channels_off=frozenset({Channel.EMAIL})), "channel"),  # no email set up
        (Change(choices={"court": "tell_me"}, quiet_hours=(21 * 60, 8 * 60)), "nothing_changed"),
    ],
)
def test_bad_input_changes_nothing(session, change, why):
    victim, sms, _email, case = victim_with_case(session, default_quiet_hours=True)
    bundled = Change(
        channels_off=frozenset({Channel.SMS}) | change.channels_off,
        choices=change.choices,
        quiet_hours=change.quiet_hours,
    )
    for attempt in (change, bundled) if why != "nothing_changed" else (change,):
        with pytest.raises(OnBehalfError) as refused:
            change_on_behalf(session, case, _isva(case), attempt, REASON)
        assert refused.value.reason == why
    assert sms.usable  # the valid part of a bundled request was not applied either
    assert _consents(session, victim.id) == []


def test_a_reason_longer_than_the_limit_is_refused(session):
    _victim, sms, _email, case = victim_with_case(session)
    with pytest.raises(OnBehalfError) as refused:
        change_on_behalf(
            session,
            case,
            _isva(case),
            Change(channels_off=frozenset({Channel.SMS})),
            "x" * (on_behalf.REASON_MAX + 1),
        )
    assert refused.value.reason == "reason_too_long"
    assert sms.usable


def test_a_channel_that_is_off_cannot_be_named_so_never_turned_on(session):
    victim, sms, _email, case = victim_with_case(session)
    record_opt_out(session, sms, source=ConsentSource.SMS_KEYWORD)  # they replied STOP
    with pytest.raises(OnBehalfError) as refused:
        change_on_behalf(session, case, _isva(case), Change(channels_off=frozenset({"sms"})), "x")
    assert refused.value.reason == "channel"
    assert sms.opted_out_at is not None
    assert not sms.usable
    # Nothing in the module can switch a channel on: a Change only names channels to turn off.
    assert set(Change.__dataclass_fields__) == {"channels_off", "choices", "quiet_hours"}
    assert [e.source for e in _consents(session, victim.id)] == [ConsentSource.SMS_KEYWORD]


def test_only_the_assigned_isva_may_change_them(session):
    _victim, sms, _email, case = victim_with_case(session)
    org = session.get(Organisation, case.organisation_id)
    for role in (Role.SUPERVISOR, Role.ISVA, Role.ADMIN):
        with pytest.raises(NotPermittedError):
            change_on_behalf(
                session,
                case,
                make_user(session, org, role),
                Change(channels_off=frozenset({Channel.SMS})),
                REASON,
            )
    assert sms.usable


def test_a_stale_version_is_refused(session):
    victim, _sms, _email, case = victim_with_case(session)
    seen = on_behalf.version(session, victim.id)
    set_choices(session, victim.id, {"court": "dont_notify"}, source="portal", actor_id=victim.id)
    with pytest.raises(OnBehalfError) as refused:
        change_on_behalf(
            session,
            case,
            _isva(case),
            Change(choices={"court": "tell_me"}),
            REASON,
            seen_version=seen,
        )
    assert refused.value.reason == "stale"
    pref = notification_policy.preferences(session, victim.id)
    assert notification_policy.choice_for(pref, "court") == "dont_notify"
    assert on_behalf.version(session, victim.id) != seen


def test_a_channel_waiting_for_its_code_can_be_turned_off(session):
    victim, _sms, _email, case = victim_with_case(session, sms=None)
    point = set_address(
        session, victim, Channel.EMAIL, "r@example.org", safe_confirmed=True,
        source="portal", actor=victim,
    )  # fmt: skip
    point.enabled = True  # a code has been sent
    assert on_behalf.is_on(point)
    change_on_behalf(session, case, _isva(case), Change(channels_off=frozenset({"email"})), "x")
    assert not point.enabled


def test_changes_on_behalf_group_one_request_and_leave_out_the_victims_own(session):
    victim, _sms, _email, case = victim_with_case(session)
    isva = _isva(case)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        change_on_behalf(
            session,
            case,
            isva,
            Change(channels_off=frozenset({"sms"}), choices={"court": "isva_first"}),
            "first",
        )
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        set_choices(
            session, victim.id, {"outcome": "dont_notify"}, source="portal", actor_id=victim.id
        )
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        change_on_behalf(session, case, isva, Change(quiet_hours=(0, 7 * 60)), "second")
    session.flush()
    changes = on_behalf.changes_on_behalf(session, victim.id)
    assert [(c.reason, sorted(e.field for e in c.entries)) for c in changes] == [
        ("second", ["quiet_hours"]),
        ("first", ["category.court", "sms.enabled"]),
    ]
    assert all(c.actor_id == isva.id for c in changes)


# --- the worker: the change wins over what was already queued -----------------------------


def _claim_once(app) -> None:
    Worker(app, concurrency=1).run(once=True)


def _statuses(session, victim_id) -> dict[str | None, tuple[str, str | None]]:
    session.commit()
    session.expire_all()
    rows = session.scalars(select(Notification).where(Notification.recipient_id == victim_id))
    return {r.category: (r.status, r.last_error_code) for r in rows}


def test_a_queued_notification_is_cancelled_after_the_isva_turns_texts_off(
    notify_app, app_session, twilio_server
):
    victim, sms, _email, case = victim_with_case(app_session)
    notify(app_session, victim, "update", source_key="before-the-call", case_id=case.id)
    app_session.commit()
    change_on_behalf(
        app_session, case, _isva(case), Change(channels_off=frozenset({Channel.SMS})), REASON
    )
    app_session.commit()
    _claim_once(notify_app)
    assert twilio_server.messages_to(sms.address) == []
    assert _statuses(app_session, victim.id) == {None: (Status.CANCELLED, "consent_withdrawn")}


def test_a_queued_court_notification_is_cancelled_after_the_isva_changes_the_choice(
    notify_app, app_session, twilio_server
):
    victim, sms, _email, case = victim_with_case(app_session)
    notify(app_session, victim, "update", source_key="court-1", category="court", case_id=case.id)
    notify(
        app_session, victim, "update", source_key="support-1", category="support", case_id=case.id
    )
    app_session.commit()
    change_on_behalf(
        app_session,
        case,
        _isva(case),
        Change(choices={"court": "isva_first"}),
        "Wants to hear about court dates from me in person",
    )
    app_session.commit()
    _claim_once(notify_app)
    statuses = _statuses(app_session, victim.id)
    assert statuses["court"] == (Status.CANCELLED, "choice_changed")
    assert statuses["support"][0] == Status.SENT  # other news still reaches them
    assert len(twilio_server.messages_to(sms.address)) == 1


def test_a_queued_code_is_not_sent_after_the_isva_turns_the_channel_off(
    notify_app, app_session, twilio_server
):
    victim, _sms, _email, case = victim_with_case(app_session, sms=None)
    point = add_point(
        app_session, victim, Channel.SMS, "+447700900555", verified=False, enabled=True
    )
    notify(
        app_session, victim, "verification", source_key="v1", contact_point=point, secret="123456"
    )
    app_session.commit()
    change_on_behalf(app_session, case, _isva(case), Change(channels_off=frozenset({"sms"})), "x")
    app_session.commit()
    _claim_once(notify_app)
    assert twilio_server.messages_to("+447700900555") == []
    assert _statuses(app_session, victim.id) == {None: (Status.CANCELLED, "consent_withdrawn")}
