"""Call-backs the ISVA can act on: the request names the update it came from, the ISVA sees the
victim's safe number and safe times beside it (an audited read of contact details), and the
victim's update says "You asked ... to call you" until the ISVA marks it done."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.models import AuditEvent, CallbackRequest, Role
from portal.models.contact_notes import VoicemailSafe
from portal.services.caseload.casework import save_safe_contact
from portal.services.messaging import availability
from tests.portal.updates.conftest import publish_new
from tests.support.factories import make_user


def _contact_reads(world) -> int:
    return world.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "case.view_contact_details", AuditEvent.case_id == world.case.id
        )
    )


def _ask_first(world, login_as, client_request, update) -> CallbackRequest:
    login_as(world.victim)
    client_request.post(
        "victim.ask_isva_first",
        {"safe_times": "Weekdays after 10am", "voicemail_ok": "no"},
        case_id=world.case.id,
        update_id=update.id,
    )
    return world.session.scalar(
        select(CallbackRequest).where(CallbackRequest.case_id == world.case.id)
    )


def test_the_isva_sees_the_update_safe_number_and_times_and_the_read_is_audited(
    world, login_as, client_request
):
    update = publish_new(world, "charged")
    save_safe_contact(
        world.session,
        world.case,
        world.isva,
        safe_times="Not before 9am",
        voicemail_safe=VoicemailSafe.NO,
        notes=None,
    )
    callback = _ask_first(world, login_as, client_request, update)
    assert callback.related_id == update.id
    login_as(world.isva)
    before = _contact_reads(world)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    card = page.find(attrs={"data-testid": "callback"})
    about = card.find(attrs={"data-testid": "callback-about"})
    link = about.find("a")
    assert link["href"].endswith(f"/updates/{update.id}")
    assert link.get_text().strip()
    assert "07700 900123" in card.find(attrs={"data-testid": "safe-number"}).get_text()
    text = " ".join(card.get_text().split())
    assert "Weekdays after 10am" in text
    assert "Not before 9am" in text
    assert _contact_reads(world) == before + 1


def test_cover_sees_the_request_but_not_the_number(world, session, login_as, client_request):
    update = publish_new(world, "charged")
    _ask_first(world, login_as, client_request, update)
    cover = make_user(session, world.org, Role.ISVA, name="Cara Jones")
    today = availability.london_day()
    availability.set_absence(session, world.isva, world.isva, cover, today, today)
    session.flush()
    before = _contact_reads(world)
    login_as(cover)
    page = client_request.get("caseworker.conversation", case_id=world.case.id)
    card = page.find(attrs={"data-testid": "callback"})
    assert card is not None
    assert "07700" not in card.get_text()
    assert card.find(attrs={"data-testid": "safe-number"}) is None
    assert _contact_reads(world) == before


def test_the_victim_sees_they_asked_until_the_isva_marks_it_done(world, login_as, client_request):
    update = publish_new(world, "charged")
    callback = _ask_first(world, login_as, client_request, update)
    # On the content note (not read yet) and on the update once read.
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    asked = page.find(attrs={"data-testid": "asked-to-call"})
    assert "You asked Priya to call you." in asked.get_text()
    update.read_at = update.published_at
    world.session.flush()
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    assert "You asked Priya to call you." in page.get_text()

    login_as(world.isva)
    client_request.post(
        "caseworker.callback_done",
        {"outcome": "Spoke at 11:00"},
        _form_url=client_request.url("caseworker.conversation", case_id=world.case.id),
        case_id=world.case.id,
        callback_id=callback.id,
    )
    world.session.refresh(callback)
    assert callback.status == "done"
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    assert page.find(attrs={"data-testid": "asked-to-call"}) is None
    assert "to call you" not in page.get_text()
