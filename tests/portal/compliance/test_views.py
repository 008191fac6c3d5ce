"""The compliance page and its CSV export: supervisors only, a chosen period, safe CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event, select

from portal.models import AuditEvent, Role
from portal.models.message import MessageDirection
from portal.services.caseload import compliance
from tests.portal.compliance.conftest import add_message, add_update, london
from tests.portal.compliance.test_report import APRIL
from tests.support.factories import make_case, make_user

APRIL_ARGS = {"start": "1 4 2026", "end": "30 4 2026"}


def _csv(client, **args):
    response = client.get("/caseworker/compliance.csv", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return response, list(csv.reader(io.StringIO(text[1:])))


def test_the_supervisor_sees_last_month_by_default(service, login_as, client_request):
    add_update(service, "suspect_arrested", london(2026, 4, 2, 10), london(2026, 4, 9, 9))
    add_message(service, service.case, MessageDirection.TO_SERVICE, london(2026, 4, 2, 16))
    login_as(service.supervisor)

    page = client_request.get("caseworker.compliance_report")

    assert page.select_one("#start-day")["value"] == "01"
    assert page.select_one("#end-day")["value"] == "30"
    tables = page.select("table")
    assert len(tables) == 2
    code_cells = [td.get_text(strip=True) for td in tables[0].select("tbody td")]
    assert code_cells[:4] == ["Police", "1", "0", "1"]
    reply_rows = [tr.select_one("th").get_text(strip=True) for tr in tables[1].select("tbody tr")]
    assert reply_rows == ["Priya Shah", "All ISVAs"]
    audit_row = service.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "compliance.view")
    )
    assert audit_row.actor_id == service.supervisor.id


@pytest.mark.parametrize("role", [Role.ISVA, Role.ADMIN, Role.VICTIM])
def test_only_supervisors_can_see_the_report(service, login_as, client_request, role):
    login_as(make_user(service.session, service.org, role))
    client_request.get("caseworker.compliance_report", _expected_status=404)
    client_request.get("caseworker.compliance_csv", _expected_status=404)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"start": "31 2 2026", "end": "1 3 2026"}, "The first day must be a real date"),
        ({"start": "1 4 2026", "end": "1 3 2026"}, "The last day must be the same as or after"),
        ({"start": "1 1 2024", "end": "1 3 2026"}, "Choose a period of a year or less"),
    ],
)
def test_a_bad_period_is_explained_and_shows_no_figures(
    service, login_as, client_request, args, message
):
    login_as(service.supervisor)
    page = client_request.get("caseworker.compliance_report", **args)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    assert message in summary.get_text()
    assert page.select("table") == []
    assert page.title.get_text().startswith("Error:")


def test_an_empty_period_says_so(service, login_as, client_request):
    login_as(service.supervisor)
    page = client_request.get("caseworker.compliance_report", start="1 1 2026", end="31 1 2026")
    text = page.get_text()
    assert "No update had a Victims' Code deadline in this period." in text
    assert "No victim sent a message in this period." in text


def test_csv_of_the_victims_code_table(service, login_as, client):
    add_update(service, "suspect_arrested", london(2026, 4, 2, 10), london(2026, 4, 7, 16))
    add_update(service, "suspect_arrested", london(2026, 4, 2, 10), london(2026, 4, 9, 9))
    add_update(service, "suspect_bailed", london(2026, 4, 20))
    login_as(service.supervisor)

    response, rows = _csv(client, table="code", **APRIL_ARGS)

    assert response.headers["Content-Disposition"] == (
        'attachment; filename="code-2026-04-01-to-2026-04-30.csv"'
    )
    assert rows[0][:3] == ["Right", "Agency", "Due in period"]
    assert rows[1] == [
        "Right 6: to information about the investigation and prosecution",
        "Police",
        "3",
        "1",
        "1",
        "2",
        "1",
        "0",
    ]
    assert len(rows) == 2


def test_csv_of_reply_times_escapes_formulas_and_quotes(service, login_as, client):
    s = service
    s.priya.display_name = '=HYPERLINK("http://evil.example","Priya, "ok"")'
    s.sam.display_name = "@SUM(A1)"
    s.session.flush()
    add_message(s, s.case, MessageDirection.TO_SERVICE, london(2026, 4, 2, 16))
    add_message(s, s.case, MessageDirection.TO_VICTIM, london(2026, 4, 7, 10), s.priya)
    add_message(s, s.other, MessageDirection.TO_SERVICE, london(2026, 4, 8, 10))
    login_as(s.supervisor)

    response, rows = _csv(client, table="responses", **APRIL_ARGS)

    raw = response.get_data(as_text=True)
    assert '"\'=HYPERLINK(""http://evil.example"",""Priya, ""ok"""")"' in raw
    names = [row[0] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil.example","Priya, "ok"")', "'@SUM(A1)", "All ISVAs"]
    assert rows[-1] == ["All ISVAs", "2", "1", "1", "2.0", "2.0", "50"]
    assert s.session.scalar(select(AuditEvent).where(AuditEvent.action == "compliance.export"))


def test_csv_refuses_a_bad_period_or_table(service, login_as, client):
    login_as(service.supervisor)
    bad_table = client.get("/caseworker/compliance.csv", query_string={"table": "x", **APRIL_ARGS})
    bad_dates = client.get("/caseworker/compliance.csv", query_string={"start": "x", "end": "y"})
    assert bad_table.status_code == bad_dates.status_code == 400


def test_the_report_takes_the_same_number_of_queries_for_2_and_40_cases(service, session):
    def queries_for_report() -> int:
        seen = []
        connection = session.connection()
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        try:
            compliance.code_compliance(session, service.org.id, APRIL)
            compliance.response_times(session, service.org, APRIL)
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        return len(seen)

    def add_cases(n: int) -> None:
        for i in range(n):
            isva = make_user(session, service.org, Role.ISVA, name=f"ISVA {i}")
            case = make_case(session, service.org, make_user(session, service.org), isva)
            add_update(
                service, "suspect_arrested", london(2026, 4, 2), london(2026, 4, 9), case=case
            )
            add_message(service, case, MessageDirection.TO_SERVICE, london(2026, 4, 8))

    add_cases(2)
    session.expire_all()
    few = queries_for_report()
    add_cases(38)
    session.expire_all()
    many = queries_for_report()
    assert few == many


def test_a_longer_period_shows_and_exports_reply_times_by_month(service, login_as, client_request):
    s = service
    add_message(s, s.case, MessageDirection.TO_SERVICE, london(2026, 3, 10, 10))
    add_message(s, s.case, MessageDirection.TO_VICTIM, london(2026, 3, 10, 12), s.priya)
    add_message(s, s.case, MessageDirection.TO_SERVICE, london(2026, 4, 14, 10))
    login_as(s.supervisor)

    page = client_request.get("caseworker.compliance_report", start="1 3 2026", end="30 4 2026")
    months = [th.get_text(strip=True) for th in page.select("table")[-1].select("tbody th")]
    _response, rows = _csv(client_request.client, table="months", start="1 3 2026", end="30 4 2026")

    assert months == ["March 2026", "April 2026"]
    assert rows == [
        [
            "Month",
            "Messages from victims",
            "Replied",
            "Awaiting a reply",
            "Median working hours to reply",
            "90th percentile working hours to reply",
            "Percent within target",
        ],
        ["2026-03", "1", "1", "0", "2.0", "2.0", "100"],
        ["2026-04", "1", "0", "1", "", "", "0"],
    ]
