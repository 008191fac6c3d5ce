"""Writing case updates: pick an event, write the five sections from the starter text, preview
at phone width, then publish, schedule, confirm support (ISVA first), record telling the victim
(ISVA first), edit or withdraw.

Every view is case-scoped through ``case_route``; the loader audits staff reads and commits.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.caseworker import bp
from portal.caseworker.event_names import EVENT_NAMES
from portal.caseworker.update_forms import (
    TOLD_HOW,
    PublishForm,
    ScheduleForm,
    SupportForm,
    ToldForm,
    UpdateForm,
    WithdrawForm,
)
from portal.clock import utcnow
from portal.extensions import db
from portal.journey import CATEGORIES, EVENTS, SECTIONS, event
from portal.models import Case, ToldHow, Update, UpdateStatus, User
from portal.policy import case_route
from portal.rules import Action, Audience, can
from portal.services.updates import date_changes, disclosure
from portal.services.updates import queries as update_queries
from portal.services.updates import schedule as update_schedule
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import LONDON
from portal.victim.update_view import preview

SECTION_KEYS = [key for key, _ in SECTIONS]
STATUS_LABELS: dict[str, Any] = {
    UpdateStatus.DRAFT: _l("Draft"),
    UpdateStatus.SCHEDULED: _l("Scheduled"),
    UpdateStatus.HELD_ISVA_FIRST: _l("Held until support is in place"),
    UpdateStatus.PUBLISHED: _l("Published"),
    UpdateStatus.WITHDRAWN: _l("Withdrawn"),
}


def _me() -> User:
    return current_user._get_current_object()


def _update_or_404(case: Case, update_id: uuid.UUID) -> Update:
    update = updates.update_for_case(db.session(), case, update_id)
    if update is None:
        abort(404)
    return update


def _show_url(case: Case, update: Update) -> str:
    return url_for("caseworker.show_update", case_id=case.id, update_id=update.id)


@bp.get("/cases/<uuid:case_id>/updates/new")
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def choose_event(case: Case) -> str:
    groups = [(c, [e for e in EVENTS if e.category == c.key]) for c in CATEGORIES]
    return render_template("caseworker/updates/choose.html", case=case, groups=groups)


def _welsh_wanted(case: Case, update: Update | None) -> bool:
    """Show the Welsh fields when the victim reads Welsh, or the update already has Welsh."""
    return case.victim.language == "cy" or (update is not None and update.body_cy is not None)


def _draft_from(form: UpdateForm, key: str, welsh_wanted: bool) -> updates.Draft:
    return updates.Draft(
        event_key=key,
        source_agency=form.source_agency.data or "",
        event_date=form.event_date.data,
        learned_at=form.learned_at(),
        sections={k: getattr(form, k).data or "" for k in SECTION_KEYS},
        reason=form.reason.data,
        outcome=form.outcome.data or None,
        welsh=form.welsh() if welsh_wanted else None,
    )


def _told(case: Case, event_key: str, update: Update | None) -> date | None:
    """The date the victim was last told, for the compose page's hint about the reason."""
    if update is not None and update.status == UpdateStatus.PUBLISHED:
        return update.event_date
    told = date_changes.last_told(
        db.session(), case.id, event_key, exclude=update.id if update else None
    )
    return told.event_date if told else None


def _apply_errors(form: UpdateForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            field = form.submit
        field.errors = [*list(field.errors or []), message]


@bp.route("/cases/<uuid:case_id>/updates/new/<event_key>", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def compose(case: Case, event_key: str) -> str | BaseResponse:
    if event_key not in updates.EVENT_KEYS:
        abort(404)
    ev = event(event_key)
    form = UpdateForm()
    form.configure(ev)
    if not form.is_submitted():
        for key in SECTION_KEYS:
            getattr(form, key).data = str(getattr(ev.starter, key))
        form.source_agency.data = ev.who_tells[0].value
    if form.validate_on_submit():
        try:
            draft = _draft_from(form, event_key, _welsh_wanted(case, None))
            update = updates.save_draft(db.session(), case, _me(), draft)
        except updates.UpdateError as exc:
            _apply_errors(form, exc.errors)
        else:
            flash(str(_l("Draft saved. Check the preview, then publish.")), "success")
            return redirect(_show_url(case, update))
    return render_template(
        "caseworker/updates/compose.html",
        case=case,
        ev=ev,
        form=form,
        update=None,
        told=_told(case, event_key, None),
        welsh_wanted=_welsh_wanted(case, None),
    )


@bp.route("/cases/<uuid:case_id>/updates/<uuid:update_id>/edit", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def edit_update(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _update_or_404(case, update_id)
    if update.status == UpdateStatus.WITHDRAWN:
        abort(404)
    ev = update.event
    form = UpdateForm()
    form.configure(ev)
    if not form.is_submitted():
        for key, text in update.sections.items():
            getattr(form, key).data = text
        form.source_agency.data = update.source_agency
        form.event_date.data = update.event_date
        form.reason.data = update.reason
        form.outcome.data = update.outcome
        form.fill_welsh(update.welsh)
        if update.learned_at is not None:
            local = update.learned_at.astimezone(LONDON)
            form.learned_on.data = local.date()
            form.learned_time.data = local.strftime("%H:%M")
    if form.validate_on_submit():
        draft = _draft_from(form, update.event_key, _welsh_wanted(case, update))
        try:
            if update.status == UpdateStatus.PUBLISHED:
                updates.edit_published(db.session(), case, _me(), update, draft)
                flash(str(_l("Update changed. The victim has been told it changed.")), "success")
            else:
                updates.save_draft(db.session(), case, _me(), draft, update)
                flash(str(_l("Draft saved. Check the preview, then publish.")), "success")
        except updates.UpdateError as exc:
            _apply_errors(form, exc.errors)
        else:
            return redirect(_show_url(case, update))
    return render_template(
        "caseworker/updates/compose.html",
        case=case,
        ev=ev,
        form=form,
        update=update,
        told=_told(case, update.event_key, update),
        welsh_wanted=_welsh_wanted(case, update),
    )


PREVIEW_LANGUAGES = {"en": "English", "cy": "Cymraeg"}


def _previews(case: Case, update: Update) -> list[tuple[str, str, object]]:
    """The update as the victim will see it in each language, theirs first."""
    first = case.victim.language if case.victim.language in PREVIEW_LANGUAGES else "en"
    order = [first, *(code for code in PREVIEW_LANGUAGES if code != first)]
    return [(code, PREVIEW_LANGUAGES[code], preview(update, code)) for code in order]


def _render_show(
    case: Case,
    update: Update,
    errors: dict[str, str] | None = None,
    told_form: ToldForm | None = None,
) -> str:
    may_publish = can(_me(), Action.PUBLISH_UPDATE, case)
    may_record_told = can(_me(), Action.RECORD_TOLD, case) and disclosure.may_record_told(update)
    return render_template(
        "caseworker/updates/show.html",
        case=case,
        update=update,
        previews=_previews(case, update),
        statuses=STATUS_LABELS,
        clock=update_queries.clock_for(update, utcnow()),
        problems=errors if errors is not None else updates.validation_errors(update),
        refused=errors is not None,
        publish_form=PublishForm(),
        may_publish=may_publish,
        told_form=(told_form or ToldForm(formdata=None)) if may_record_told else None,
        told_how=TOLD_HOW,
        versions=update_queries.versions_of(db.session(), update),
        choices=update_queries.choices_of(db.session(), update),
    )


@bp.get("/cases/<uuid:case_id>/updates/<uuid:update_id>")
@case_route(Action.VIEW_CASE_CONTENT, Audience.STAFF)
def show_update(case: Case, update_id: uuid.UUID) -> str:
    return _render_show(case, _update_or_404(case, update_id))


@bp.post("/cases/<uuid:case_id>/updates/<uuid:update_id>/publish")
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def publish_update(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _update_or_404(case, update_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render_show(case, update, {"submit": str(_l("Try publishing again"))})
    try:
        updates.publish(db.session(), case, _me(), update)
    except updates.UpdateError as exc:
        return _render_show(case, update, exc.errors)
    if update.status == UpdateStatus.HELD_ISVA_FIRST:
        flash(
            str(
                _l(
                    "The update is held. The victim will not see it until you record that "
                    "support is in place."
                )
            ),
            "success",
        )
    else:
        flash(
            str(_l("Update published. The victim has been told there is something new.")), "success"
        )
    return redirect(_show_url(case, update))


@bp.route("/cases/<uuid:case_id>/updates/<uuid:update_id>/schedule", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def schedule_update(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _update_or_404(case, update_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            update_schedule.schedule(
                db.session(),
                case,
                _me(),
                update,
                form.when(),
                override_quiet_hours=bool(form.override_quiet_hours.data),
            )
        except updates.UpdateError as exc:
            form.at.errors = [*form.at.errors, *exc.errors.values()]
        else:
            flash(str(_l("Update scheduled.")), "success")
            return redirect(_show_url(case, update))
    return render_template("caseworker/updates/schedule.html", case=case, update=update, form=form)


@bp.route("/cases/<uuid:case_id>/updates/<uuid:update_id>/confirm-support", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def confirm_support(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _update_or_404(case, update_id)
    if update.status != UpdateStatus.HELD_ISVA_FIRST:
        return redirect(_show_url(case, update))
    form = SupportForm()
    if form.validate_on_submit():
        try:
            updates.confirm_support(db.session(), case, _me(), update, form.note.data)
        except updates.UpdateError as exc:
            form.note.errors = [*form.note.errors, *exc.errors.values()]
        else:
            flash(str(_l("Support recorded. The update is now published.")), "success")
            return redirect(_show_url(case, update))
    return render_template("caseworker/updates/confirm.html", case=case, update=update, form=form)


@bp.post("/cases/<uuid:case_id>/updates/<uuid:update_id>/told")
@case_route(Action.RECORD_TOLD, Audience.STAFF)
def record_told(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _update_or_404(case, update_id)
    form = ToldForm()
    if form.validate_on_submit():
        try:
            disclosure.record_told(
                db.session(),
                case,
                _me(),
                update,
                form.told_on.data,
                ToldHow(form.how.data),
                form.note.data,
            )
        except updates.UpdateError as exc:
            for name, message in exc.errors.items():
                form[name].errors = [*form[name].errors, message]
        else:
            flash(str(_l("Recorded. The victim can now see this update.")), "success")
            return redirect(_show_url(case, update))
    return _render_show(case, update, told_form=form)


@bp.route("/cases/<uuid:case_id>/updates/<uuid:update_id>/withdraw", methods=["GET", "POST"])
@case_route(Action.PUBLISH_UPDATE, Audience.STAFF)
def withdraw_update(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _update_or_404(case, update_id)
    if update.status == UpdateStatus.WITHDRAWN:
        return redirect(_show_url(case, update))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            updates.withdraw(db.session(), case, _me(), update, form.reason.data)
        except updates.UpdateError as exc:
            form.reason.errors = [*form.reason.errors, *exc.errors.values()]
        else:
            flash(str(_l("Update withdrawn.")), "success")
            return redirect(url_for("caseworker.case_page", case_id=case.id))
    return render_template("caseworker/updates/withdraw.html", case=case, update=update, form=form)


@bp.context_processor
def _event_names() -> dict[str, Any]:
    return {"event_names": EVENT_NAMES}


@bp.app_template_global()
def case_updates_panel(case: Case) -> dict[str, Any] | None:
    """What the case page shows about updates, for staff who may read case content: tasks
    (held updates, a due check-in, drafts), the Victims' Code clock and every update."""
    user = _me()
    if not can(user, Action.VIEW_CASE_CONTENT, case):
        return None
    session = db.session()
    now = utcnow()
    return {
        "may_publish": can(user, Action.PUBLISH_UPDATE, case),
        "held": update_queries.held_updates_for_cases(session, [case.id]),
        "checkin": next(iter(update_queries.checkins_due(session, [case.id], now)), None),
        "cadence_weeks": update_queries.cadence_weeks(session, case),
        "clocks": update_queries.deadline_status_for_cases(session, [case.id], now),
        "updates": update_queries.all_for_case(session, case),
        "statuses": STATUS_LABELS,
    }
