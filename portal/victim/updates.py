"""The victim's updates: the timeline, one update (behind a content note when it is sensitive),
and asking the ISVA to call, before reading an update or about a rights window."""

from __future__ import annotations

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.extensions import db
from portal.journey import Agency
from portal.models import CallbackReason, Case, Disclosure, Update, User
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services import audit
from portal.services.messaging import callbacks
from portal.services.updates import disclosure
from portal.services.updates import queries as update_queries
from portal.victim import bp
from portal.victim.update_forms import AskIsvaForm, DisclosureForm
from portal.victim.update_view import update_view


def _me() -> User:
    return current_user._get_current_object()


def _visible_or_404(case: Case, update_id: uuid.UUID) -> Update:
    update = update_queries.visible_update(db.session(), case, update_id)
    if update is None:
        abort(404)
    return update


@bp.app_template_global()
def agency_label(value: str) -> object:
    """The source label of an update ("Police", "Witness Care Unit", ...)."""
    return Agency(value).label


@bp.app_template_global()
def update_title(update: Update) -> object:
    """An update's title on victim pages: neutral until the victim chooses to read it."""
    return disclosure.title(update)


@bp.app_template_global()
def update_disclosed(update: Update) -> bool:
    """Whether a victim page may show what an update implies (who sent it, for one)."""
    return disclosure.is_disclosed(update)


@bp.app_template_global()
def update_link_text(update: Update) -> object:
    """A new update in a list: its title, or only that there is one until it is read."""
    return disclosure.link_text(update)


@bp.get("/cases/<uuid:case_id>/updates")
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def timeline(case: Case) -> str:
    number = request.args.get("page", default=1, type=int) or 1
    page = update_queries.timeline(db.session(), case, number)
    return render_template("victim/updates/timeline.html", case=case, page=page)


def _asked(case: Case, update: Update) -> str | None:
    """Who the victim asked to call about this update, while the request is open: the ISVA's
    first name ("" when unknown); None when there is no open request."""
    if callbacks.open_for_update(db.session(), case, update.id) is None:
        return None
    active = case.active_assignment()
    return audit.first_name(active.isva) if active is not None else ""


def _ask_window_url(case: Case, update: Update) -> str:
    return url_for("victim.ask_about_window", case_id=case.id, update_id=update.id)


@bp.route("/cases/<uuid:case_id>/updates/<uuid:update_id>", methods=["GET", "POST"])
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def update_page(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _visible_or_404(case, update_id)
    if update.status == "withdrawn" or not disclosure.needs_content_note(update):
        if request.method == "POST":
            return redirect(url_for("victim.update_page", case_id=case.id, update_id=update.id))
        if update.status != "withdrawn":
            disclosure.mark_read(update)
        return render_template(
            "victim/updates/update.html",
            case=case,
            view=update_view(update),
            ask_window_url=_ask_window_url(case, update),
            asked=_asked(case, update),
        )
    form = DisclosureForm()
    if form.validate_on_submit():
        choice = Disclosure(form.choice.data)
        disclosure.record_choice(db.session(), update, _me(), choice)
        if choice == Disclosure.READ_NOW:
            return redirect(url_for("victim.update_page", case_id=case.id, update_id=update.id))
        if choice == Disclosure.ISVA_FIRST:
            return redirect(url_for("victim.ask_isva_first", case_id=case.id, update_id=update.id))
        return redirect(url_for("victim.dashboard", case_id=case.id))
    return render_template(
        "victim/updates/content_note.html",
        case=case,
        update=update,
        title=disclosure.title(update),
        note=disclosure.general_note(update),
        advice=disclosure.ADVICE,
        form=form,
        asked=_asked(case, update),
    )


def _ask(case: Case, update: Update, reason: CallbackReason) -> str | BaseResponse:
    form = AskIsvaForm()
    if form.validate_on_submit():
        disclosure.ask_isva(
            db.session(),
            case,
            _me(),
            update,
            reason,
            form.safe_times.data,
            form.voicemail_ok.data == "yes",
        )
        return redirect(url_for("victim.asked_isva", case_id=case.id, update_id=update.id))
    return render_template(
        "victim/updates/ask_isva.html",
        case=case,
        update=update,
        form=form,
        view=update_view(update),
        reason=reason.value,
    )


@bp.route("/cases/<uuid:case_id>/updates/<uuid:update_id>/ask-isva-first", methods=["GET", "POST"])
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def ask_isva_first(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _visible_or_404(case, update_id)
    return _ask(case, update, CallbackReason.BEFORE_UPDATE)


@bp.route(
    "/cases/<uuid:case_id>/updates/<uuid:update_id>/ask-about-window", methods=["GET", "POST"]
)
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def ask_about_window(case: Case, update_id: uuid.UUID) -> str | BaseResponse:
    update = _visible_or_404(case, update_id)
    if not disclosure.is_disclosed(update) or update_view(update).window is None:
        abort(404)
    return _ask(case, update, CallbackReason.WINDOW)


@bp.get("/cases/<uuid:case_id>/updates/<uuid:update_id>/asked")
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def asked_isva(case: Case, update_id: uuid.UUID) -> str:
    _visible_or_404(case, update_id)
    active = case.active_assignment()
    return render_template("victim/updates/asked.html", case=case, has_isva=active is not None)
