"""Callback requests: recorded, never duplicated by a double tap, the ISVA told, closed once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from notifications.models import Notification
from portal.models import AuditEvent, CallbackReason, CallbackStatus, Role
from portal.services.messaging.callbacks import (
    CallbackError,
    complete_callback,
    open_callbacks,
    request_callback,
)
from tests.support.factories import make_case, make_org, make_user


@pytest.fixture
def setting(session):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, name="Sam")
    victim = make_user(session, org, Role.VICTIM)
    case = make_case(session, org, victim, isva)
    return session, case, victim, isva


def test_request_is_stored_with_safe_times_and_the_isva_is_emailed(setting):
    session, case, victim, isva = setting
    callback = request_callback(
        session, case, victim, CallbackReason.ASKED, safe_times="Weekdays 10-12", voicemail_ok=False
    )
    session.flush()
    assert callback.status == CallbackStatus.OPEN
    assert callback.safe_times == "Weekdays 10-12"
    assert callback.voicemail_ok is False
    emails = session.scalars(select(Notification).where(Notification.recipient_id == isva.id)).all()
    assert [n.kind for n in emails] == ["staff_work"]
    assert [c.id for c in open_callbacks(session, [case.id])] == [callback.id]


def test_double_tap_does_not_make_two_requests(setting):
    session, case, victim, _ = setting
    first = request_callback(session, case, victim, CallbackReason.ASKED, safe_times="Mornings")
    second = request_callback(session, case, victim, CallbackReason.ASKED, safe_times="Evenings")
    assert first.id == second.id
    assert second.safe_times == "Evenings"
    assert len(open_callbacks(session, [case.id])) == 1


def test_over_long_safe_times_are_refused_and_nothing_is_stored(setting):
    session, case, victim, _ = setting
    with pytest.raises(CallbackError, match="500 characters"):
        request_callback(session, case, victim, CallbackReason.ASKED, safe_times="x" * 501)
    assert open_callbacks(session, [case.id]) == []


def test_completing_is_audited_and_happens_once(setting):
    session, case, victim, isva = setting
    callback = request_callback(session, case, victim, CallbackReason.WINDOW)
    complete_callback(session, isva, callback, note="Spoke at 14:10")
    session.flush()
    assert callback.status == CallbackStatus.DONE
    assert open_callbacks(session, [case.id]) == []
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(callback.id))
    ).all()
    assert "callback.complete" in actions
    with pytest.raises(CallbackError):
        complete_callback(session, isva, callback)
