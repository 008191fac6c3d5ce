"""ISVA first: the ISVA records on the update page that they told the victim in person or by
phone. Only then (not when support is confirmed) is the update disclosed; who may record it,
the audit row, the form's checks, and an edit asking again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Role, ToldHow, Update
from portal.services.updates import disclosure
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.portal.updates.conftest import publish_new, starter_draft
from tests.support.factories import make_user


def _supported(world) -> Update:
    update = publish_new(world, "police_nfa")
    return updates.confirm_support(world.session, world.case, world.isva, update, "Met at 10:00")


def _date(d) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def _post(client_request, world, update, data, status=302):
    return client_request.post(
        "caseworker.record_told",
        data,
        _expected_status=status,
        _form_url=client_request.url(
            "caseworker.show_update", case_id=world.case.id, update_id=update.id
        ),
        case_id=world.case.id,
        update_id=update.id,
    )


def page_text(client_request) -> str:
    return client_request.response.get_data(as_text=True)


def _audit_rows(world, update) -> list[AuditEvent]:
    return list(
        world.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "update.isva_told", AuditEvent.object_id == str(update.id)
            )
        )
    )


def test_the_python_and_sql_rule_agree(world):
    """Not sensitive; sensitive unread; read; support confirmed only; told."""
    plain = publish_new(world, "hearing_scheduled")
    unread = publish_new(world, "sentence")
    read = publish_new(world, "sentence")
    disclosure.mark_read(read)
    supported = _supported(world)
    told = _supported(world)
    disclosure.record_told(
        world.session, world.case, world.isva, told, london_today(), ToldHow.PHONE, None
    )
    world.session.flush()
    in_sql = set(world.session.scalars(select(Update.id).where(disclosure.disclosed())))
    expected = {plain.id: True, unread.id: False, read.id: True, supported.id: False, told.id: True}
    for update in (plain, unread, read, supported, told):
        assert disclosure.is_disclosed(update) is expected[update.id]
        assert (update.id in in_sql) is expected[update.id]


def test_isva_records_telling_on_the_update_page(world, login_as, client_request):
    update = _supported(world)
    login_as(world.isva)
    page = client_request.get("caseworker.show_update", case_id=world.case.id, update_id=update.id)
    assert page.find(id="told").get_text(strip=True) == "Record that you told the victim"

    _post(client_request, world, update, {"told_on": _date(london_today())}, status=200)
    assert "Choose how you told them" in page_text(client_request)
    world.session.refresh(update)
    assert update.told_on is None
    assert not _audit_rows(world, update)

    _post(
        client_request,
        world,
        update,
        {"told_on": _date(london_today()), "how": "phone", "note": "Called at 11:15"},
    )
    world.session.refresh(update)
    assert update.told_on == london_today()
    assert update.told_how == ToldHow.PHONE
    assert update.told_by_id == world.isva.id
    [row] = _audit_rows(world, update)
    assert row.actor_id == world.isva.id
    assert row.case_id == world.case.id

    page = client_request.get("caseworker.show_update", case_id=world.case.id, update_id=update.id)
    assert page.find(id="told") is None
    assert "by phone: Called at 11:15" in page.get_text(" ")


def test_a_date_in_the_future_is_refused(world, login_as, client_request):
    update = _supported(world)
    login_as(world.isva)
    tomorrow = london_today() + timedelta(days=1)
    _post(client_request, world, update, {"told_on": _date(tomorrow), "how": "phone"}, 200)
    assert "between when the update was written and today" in page_text(client_request)
    world.session.refresh(update)
    assert update.told_on is None


def test_an_update_that_was_not_isva_first_cannot_be_marked_told(world, login_as, client_request):
    update = publish_new(world, "sentence")
    login_as(world.isva)
    page = client_request.get("caseworker.show_update", case_id=world.case.id, update_id=update.id)
    assert page.find(id="told") is None
    with pytest.raises(updates.UpdateError):
        disclosure.record_told(
            world.session, world.case, world.isva, update, london_today(), ToldHow.PHONE, None
        )
    assert not disclosure.is_disclosed(update)


def test_a_supervisor_may_record_it(world, login_as, client_request):
    update = _supported(world)
    supervisor = login_as(make_user(world.session, world.org, Role.SUPERVISOR))
    _post(client_request, world, update, {"told_on": _date(london_today()), "how": "in_person"})
    [row] = _audit_rows(world, update)
    assert row.actor_id == supervisor.id


@pytest.mark.parametrize("role", [Role.ISVA, Role.ADMIN, Role.VICTIM])
def test_anyone_else_gets_404_and_nothing_is_recorded(world, login_as, client_request, role):
    update = _supported(world)
    login_as(make_user(world.session, world.org, role))
    client_request.post(
        "caseworker.record_told",
        {"told_on": _date(london_today()), "how": "phone"},
        _expected_status=404,
        _form_url="/account",  # a valid token, so the refusal is the policy's
        case_id=world.case.id,
        update_id=update.id,
    )
    world.session.refresh(update)
    assert update.told_on is None
    assert not disclosure.is_disclosed(update)


def test_the_form_needs_its_csrf_token(world, login_as, client_request):
    update = _supported(world)
    login_as(world.isva)
    client_request.post(
        "caseworker.record_told",
        {"told_on": _date(london_today()), "how": "phone"},
        _expected_status=400,
        _csrf=False,
        case_id=world.case.id,
        update_id=update.id,
    )
    world.session.refresh(update)
    assert update.told_on is None


def test_an_edit_after_telling_puts_the_content_note_back(world):
    """The victim was told about the earlier words, not the changed ones."""
    update = _supported(world)
    disclosure.record_told(
        world.session, world.case, world.isva, update, london_today(), ToldHow.PHONE, None
    )
    assert disclosure.is_disclosed(update)
    draft = starter_draft("police_nfa")
    draft.sections = {**draft.sections, "what_happens_next": "Changed"}
    updates.edit_published(world.session, world.case, world.isva, update, draft)
    assert not disclosure.is_disclosed(update)
    assert disclosure.may_record_told(update)
