"""The case page's sections: contact and safety (notes encrypted, edits audited), the delivery
log (every attempt, errors in words, never an address), "I have dealt with this", and closing
and reopening a case (the victim is told what support stays available)."""

from __future__ import annotations

from sqlalchemy import select, text

from notifications.models import DeliveryAttempt, Status
from notifications.tasks import failed_notifications_for_cases
from portal.journey import CATEGORIES
from portal.models import AuditEvent, Case, CaseStatus, Role, Update, UpdateStatus
from portal.models.contact_notes import SafeContactNote
from portal.services.caseload import casework
from tests.portal.caseload.conftest import MONDAY, World, failed_notification, row_for
from tests.portal.updates.conftest import set_choice
from tests.support.factories import make_user

CATEGORY = CATEGORIES[-1].key
SECRET_NOTE = "Partner checks her phone after six"


def actions(w: World, action: str) -> list[AuditEvent]:
    return list(
        w.session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == w.case.id, AuditEvent.action == action)
        )
    )


def test_contact_and_safety_notes_saved_encrypted_and_audited(
    world: World, client_request, login_as
):
    w = world
    set_choice(w.session, w.victim, CATEGORY, "isva_first")
    login_as(w.isva)
    page = client_request.get("caseworker.contact_safety", case_id=w.case.id)
    assert page.select_one("[aria-current=page]").text.strip() == "Contact and safety"
    channels = page.select_one("[data-testid=notification-channels]").text
    assert "Text message" in channels
    assert "Email" in channels
    assert "+447700900123" not in page.text  # addresses are never shown here
    assert "21:00 to 08:00" in page.select_one("[data-testid=notification-quiet-hours]").text
    choices = page.select_one("[data-testid=notification-choices]").text
    assert "Tell them when there is something new" in choices
    assert "Their ISVA tells them first" in choices
    client_request.post(
        "caseworker.contact_safety",
        {"safe_times": "Weekdays 10 to 2", "voicemail_safe": "no", "notes": SECRET_NOTE},
        case_id=w.case.id,
    )
    page = client_request.get("caseworker.contact_safety", case_id=w.case.id)
    assert SECRET_NOTE in page.text
    assert page.select_one("input[name=voicemail_safe][value=no]").has_attr("checked")
    assert len(actions(w, "contact_notes.update")) == 1
    assert actions(w, "case.view_contact_details")
    raw = w.session.execute(text("SELECT notes, safe_times FROM safe_contact_notes")).one()
    assert SECRET_NOTE.encode() not in bytes(raw[0])
    assert b"Weekdays" not in bytes(raw[1])


def test_too_long_notes_are_refused_and_nothing_changes(world: World, client_request, login_as):
    w = world
    login_as(w.supervisor)  # supervisors may edit them too
    page = client_request.post(
        "caseworker.contact_safety",
        {"voicemail_safe": "yes", "notes": "x" * 2001},
        case_id=w.case.id,
        _expected_status=400,
    )
    assert (
        "Safety notes must be 2000 characters or fewer"
        in page.select_one(".govuk-error-summary").text
    )
    assert w.session.get(SafeContactNote, w.case.id) is None


def test_only_the_assigned_isva_and_supervisors_reach_contact_and_deliveries(
    world: World, client_request, login_as
):
    w = world
    for person in (w.other_isva, make_user(w.session, w.org, Role.ADMIN)):
        login_as(person)
        client_request.get("caseworker.contact_safety", case_id=w.case.id, _expected_status=404)
        client_request.get("caseworker.delivery_log", case_id=w.case.id, _expected_status=404)
    login_as(w.victim)
    client_request.get("caseworker.delivery_log", case_id=w.case.id, _expected_status=404)


def test_delivery_log_shows_every_attempt_in_words_and_dealing_with_a_failure(
    world: World, client_request, login_as
):
    w = world
    failed = failed_notification(w)
    for number, status, code in (
        (1, "failed_retryable", "30003"),
        (2, "failed_permanent", "30005"),
    ):
        w.session.add(
            DeliveryAttempt(
                notification_id=failed.id,
                number=number,
                provider="twilio",
                status=status,
                error_code=code,
                history=[["sending", MONDAY.isoformat()], [status, MONDAY.isoformat()]],
                started_at=MONDAY,
                finished_at=MONDAY,
            )
        )
    delivered = failed_notification(w, Status.DELIVERED)
    w.session.flush()
    login_as(w.isva)
    page = client_request.get("caseworker.delivery_log", case_id=w.case.id)
    tables = page.select("[data-testid=delivery]")
    assert {t["data-status"] for t in tables} == {Status.FAILED_PERMANENT, Status.DELIVERED}
    failed_table = page.select_one(f"[data-status={Status.FAILED_PERMANENT}]")
    assert len(failed_table.select("tbody tr")) == 2
    assert "code 30005" in failed_table.text
    steps = [li.text.strip() for li in failed_table.select("[data-testid=steps] li")]
    assert steps[:2] == ["Sending, 10:00:00", "Failed, will try again, 10:00:00"]
    assert "The mobile number is not known to the network." in page.text
    assert "+447700900123" not in page.text
    assert delivered.id
    assert row_for(w).failed == 1

    client_request.post(
        "caseworker.acknowledge_delivery",
        case_id=w.case.id,
        notification_id=failed.id,
        _form_url=client_request.url("caseworker.delivery_log", case_id=w.case.id),
    )
    page = client_request.get("caseworker.delivery_log", case_id=w.case.id)
    assert "Dealt with by Priya Shah" in page.select_one("[data-testid=dealt-with]").text
    assert row_for(w).failed == 0
    assert failed_notifications_for_cases(w.session, [w.case.id]) == []
    assert len(actions(w, "notification.acknowledge")) == 1


def test_a_delivered_notification_cannot_be_marked_dealt_with(
    world: World, client_request, login_as
):
    w = world
    delivered = failed_notification(w, Status.DELIVERED)
    login_as(w.isva)
    client_request.post(
        "caseworker.acknowledge_delivery",
        case_id=w.case.id,
        notification_id=delivered.id,
        _form_url=client_request.url("caseworker.delivery_log", case_id=w.case.id),
    )
    assert actions(w, "notification.acknowledge") == []


def test_closing_needs_the_support_text_tells_the_victim_and_can_be_reopened(
    world: World, client_request, login_as
):
    w = world
    login_as(w.isva)
    page = client_request.get("caseworker.case_page", case_id=w.case.id)
    assert page.select_one(f"a[href$='/cases/{w.case.id}/close']")
    page = client_request.post(
        "caseworker.close_case", {"support": "  "}, case_id=w.case.id, _expected_status=400
    )
    assert "Enter the support that stays available to them" in page.text
    assert w.session.get(Case, w.case.id).status == CaseStatus.OPEN

    support = "You can come back to us at any time. Rape Crisis can also help."
    client_request.post("caseworker.close_case", {"support": support}, case_id=w.case.id)
    request_id = client_request.response.headers["X-Request-Id"]
    w.session.expire_all()
    case = w.session.get(Case, w.case.id)
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at == MONDAY
    update = w.session.scalar(select(Update).where(Update.case_id == w.case.id))
    assert update.event_key == "case_closed"
    assert update.status == UpdateStatus.PUBLISHED
    assert update.sections["what_happens_next"] == support
    assert [row.request_id for row in actions(w, "case.close")] == [request_id]
    # Off the open caseload, and found under "Closed cases".
    page = client_request.get("caseworker.home")
    assert page.select("[data-testid=caseload] tbody tr") == []
    page = client_request.get("caseworker.home", status="closed")
    assert [r["data-case"] for r in page.select("[data-testid=caseload] tbody tr")] == [
        w.case.reference
    ]

    # The victim sees it on their timeline.
    login_as(w.victim)
    assert (
        "Your case has closed"
        in client_request.get("victim.update_page", case_id=w.case.id, update_id=update.id).text
    )

    # A supervisor cannot close (that tells the victim) but can reopen.
    login_as(w.supervisor)
    client_request.get("caseworker.close_case", case_id=w.case.id, _expected_status=404)
    page = client_request.get("caseworker.case_page", case_id=w.case.id)
    assert "Reopen the case" in page.select_one("form[action$='/reopen']").text
    client_request.post(
        "caseworker.reopen_case",
        case_id=w.case.id,
        _form_url=client_request.url("caseworker.case_page", case_id=w.case.id),
    )
    w.session.expire_all()
    case = w.session.get(Case, w.case.id)
    assert case.status == CaseStatus.OPEN
    assert case.closed_at is None
    assert len(actions(w, "case.reopen")) == 1


def test_other_isva_cannot_close_or_reopen(world: World, client_request, login_as):
    w = world
    login_as(w.other_isva)
    client_request.get("caseworker.close_case", case_id=w.case.id, _expected_status=404)
    casework.close_case(w.session, w.case, w.isva, "You can contact us again at any time.")
    client_request.post(
        "caseworker.reopen_case",
        case_id=w.case.id,
        _form_url=client_request.url("caseworker.out_of_office"),
        _expected_status=404,
    )
    w.session.expire_all()
    assert w.session.get(Case, w.case.id).status == CaseStatus.CLOSED
