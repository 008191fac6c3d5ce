"""The supervisor's compliance report (/caseworker/compliance) and its CSV export.

A chosen period (default: the last full month) of the Victims' Code clock per right and
agency, and of message response times per ISVA. The figures are counts and times only, never
case content; looking at them is recorded in the audit trail like any other oversight read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from werkzeug.datastructures import MultiDict
from wtforms import DateField
from wtforms.validators import InputRequired

from portal.access import role_required
from portal.caseworker import bp
from portal.extensions import db
from portal.journey import Agency
from portal.models import Role, User
from portal.rules import Action, can
from portal.services import audit
from portal.services.caseload import compliance

RIGHTS: dict[int, Any] = {
    0: _l("No Victims' Code right"),
    1: _l("Right 1: to understand and be understood"),
    2: _l("Right 2: to have the crime recorded without unjustified delay"),
    3: _l("Right 3: to information when reporting the crime"),
    4: _l("Right 4: to be referred to support services"),
    5: _l("Right 5: to information about compensation"),
    6: _l("Right 6: to information about the investigation and prosecution"),
    7: _l("Right 7: to make a Victim Personal Statement"),
    8: _l("Right 8: to information about the trial and your role as a witness"),
    9: _l("Right 9: to information about the outcome of the case and any appeals"),
    10: _l("Right 10: to be paid expenses and have property returned"),
    11: _l("Right 11: to information about the offender after a conviction"),
    12: _l("Right 12: to make a complaint about your rights not being met"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: changes nothing

    start = DateField(
        _l("From"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired(message=_l("Enter the first day, for example 1 3 2026"))],
    )
    end = DateField(
        _l("To"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired(message=_l("Enter the last day, for example 31 3 2026"))],
    )

    def check_order(self) -> bool:
        if self.start.data and self.end.data:
            if self.end.data < self.start.data:
                self.end.errors = [str(_l("The last day must be the same as or after the first"))]
                return False
            if (self.end.data - self.start.data).days >= compliance.MAX_PERIOD_DAYS:
                self.end.errors = [str(_l("Choose a period of a year or less"))]
                return False
        return True


def _supervisor() -> User:
    user: User = current_user._get_current_object()
    if not can(user, Action.VIEW_AUDIT, user.organisation):
        abort(404)
    return user


def _period() -> tuple[PeriodForm, compliance.Period | None]:
    """The period asked for in the query string; the last full month when none was."""
    asked = "start" in request.args or "end" in request.args
    form = PeriodForm(formdata=_date_parts(request.args) if asked else None)
    if not asked:
        default = compliance.last_full_month()
        form.start.data, form.end.data = default.start, default.end
        return form, default
    if form.validate() and form.check_order():
        return form, compliance.Period(form.start.data, form.end.data)
    for field, message in (
        (form.start, _l("The first day must be a real date, for example 1 3 2026")),
        (form.end, _l("The last day must be a real date, for example 31 3 2026")),
    ):
        if field.errors and field.data is None and any(field.raw_data or []):
            field.errors = [str(message)]
    return form, None


def _date_parts(args: MultiDict[str, str]) -> MultiDict[str, str]:
    """Each date as exactly three parts (day, month, year), however it was sent: the date
    input's three boxes, or one "1 4 2026" value from a download link."""
    parts: MultiDict[str, str] = MultiDict()
    for name in ("start", "end"):
        values = " ".join(args.getlist(name)).split()[:3]
        for value in values + [""] * (3 - len(values)):
            parts.add(name, value)
    return parts


def _args(period: compliance.Period) -> dict[str, str]:
    def parts(prefix: str, day: date) -> dict[str, str]:
        return {prefix: f"{day.day} {day.month} {day.year}"}

    return {**parts("start", period.start), **parts("end", period.end)}


@bp.get("/compliance")
@role_required(Role.SUPERVISOR)
def compliance_report() -> str:
    user = _supervisor()
    form, period = _period()
    code_rows = report = None
    if period is not None:
        session = db.session()
        code_rows = compliance.code_compliance(session, user.organisation_id, period)
        report = compliance.response_report(session, user.organisation, period)
    page = render_template(
        "caseworker/compliance/report.html",
        form=form,
        period=period,
        code_rows=code_rows,
        responses=report.rows if report else None,
        total=report.total if report else None,
        months=report.months if report else None,
        rights=RIGHTS,
        agency_label=_agency_label,
        target=user.organisation.reply_target_working_days,
        csv_args=_args(period) if period else None,
    )
    audit.record(
        db.session(),
        actor=user,
        action="compliance.view",
        object_type="organisation",
        object_id=user.organisation_id,
    )
    return page


def _agency_label(value: str) -> str:
    try:
        return str(Agency(value).label)
    except ValueError:
        return value


# --- CSV ----------------------------------------------------------------------------------------


def safe_cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula: text starting =, +, -, @, tab or
    carriage return gets a leading single quote (OWASP's advice on CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def code_csv(rows: Sequence[compliance.CodeRow]) -> str:
    header = [
        _l("Right"),
        _l("Agency"),
        _l("Due in period"),
        _l("On time"),
        _l("Late"),
        _l("Median working days late"),
        _l("Still overdue"),
        _l("Not yet due"),
    ]
    return to_csv(
        header,
        (
            [
                str(RIGHTS.get(r.right, r.right)),
                _agency_label(r.agency),
                r.due,
                r.on_time,
                r.late,
                r.median_late_days,
                r.overdue,
                r.pending,
            ]
            for r in rows
        ),
    )


def responses_csv(rows: Sequence[compliance.ResponseRow], total: compliance.ResponseRow) -> str:
    header = [
        _l("ISVA"),
        _l("Messages from victims"),
        _l("Replied"),
        _l("Awaiting a reply"),
        _l("Median working hours to reply"),
        _l("90th percentile working hours to reply"),
        _l("Percent within target"),
    ]

    def line(r: compliance.ResponseRow, name: str) -> list[object]:
        return [
            name,
            r.turns,
            r.answered,
            r.awaiting,
            r.median_hours,
            r.p90_hours,
            r.within_target_percent,
        ]

    body = [line(r, r.name or str(_l("No ISVA assigned"))) for r in rows]
    body.append(line(total, str(_l("All ISVAs"))))
    return to_csv(header, body)


def months_csv(months: Sequence[compliance.ResponseRow]) -> str:
    header = [
        _l("Month"),
        _l("Messages from victims"),
        _l("Replied"),
        _l("Awaiting a reply"),
        _l("Median working hours to reply"),
        _l("90th percentile working hours to reply"),
        _l("Percent within target"),
    ]
    return to_csv(
        header,
        (
            [
                r.month.strftime("%Y-%m") if r.month else "",
                r.turns,
                r.answered,
                r.awaiting,
                r.median_hours,
                r.p90_hours,
                r.within_target_percent,
            ]
            for r in months
        ),
    )


@bp.get("/compliance.csv")
@role_required(Role.SUPERVISOR)
def compliance_csv() -> Response:
    user = _supervisor()
    _form, period = _period()
    table = request.args.get("table", "code")
    if period is None or table not in ("code", "responses", "months"):
        abort(400)
    session = db.session()
    if table == "code":
        text = code_csv(compliance.code_compliance(session, user.organisation_id, period))
    else:
        report = compliance.response_report(session, user.organisation, period)
        text = (
            responses_csv(report.rows, report.total)
            if table == "responses"
            else months_csv(report.months)
        )
    audit.record(
        db.session(),
        actor=user,
        action="compliance.export",
        object_type="organisation",
        object_id=user.organisation_id,
    )
    name = f"{table}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    return Response(
        "\ufeff" + text,  # a byte order mark, so spreadsheet programs read UTF-8 names right
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
