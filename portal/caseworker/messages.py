"""The caseworker's side of messaging (issue 6): the inbox across their caseload, and each
case's conversation with its reply form, notes to file and call-back requests.

Reading a conversation is audited by the case loader (``case.view_messages``) and, for the
people who answer (assigned ISVA or cover), marks the victim's messages read.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField

from notifications import failed_notifications_for_cases
from notifications.tasks import explain
from portal.access import role_required
from portal.caseworker import bp
from portal.caseworker.event_names import EVENT_NAMES
from portal.choices import options
from portal.extensions import db
from portal.models import CallbackRequest, Case, Organisation, Role
from portal.policy import case_route
from portal.rules import Action, Audience, can
from portal.services import audit
from portal.services.messaging import callbacks
from portal.services.messaging import inbox as message_inbox
from portal.services.messaging import messages as messaging
from portal.services.messaging import notes as message_notes


class ReplyForm(FlaskForm):
    saved_reply = SelectField(
        _l("Saved replies"), widget=GovSelect(), choices=[], validate_choice=False
    )
    use_saved = SubmitField(_l("Use this saved reply"), widget=GovSubmitInput())
    body = TextAreaField(
        _l("Your reply"),
        widget=GovTextArea(),
        description=_l("The victim will see this. Up to 5,000 characters."),
    )
    idempotency_key = HiddenField()
    submit = SubmitField(_l("Send reply"), widget=GovSubmitInput())


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Note to file"),
        widget=GovTextArea(),
        description=_l("Only staff can see this. The victim never sees notes to file."),
    )
    save_note = SubmitField(_l("Save note to file"), widget=GovSubmitInput())


class CallbackDoneForm(FlaskForm):
    outcome = TextAreaField(_l("What happened (staff only)"), widget=GovTextArea())
    done = SubmitField(_l("Mark as done"), widget=GovSubmitInput())


def _reply_form(case: Case, formdata: Any = None) -> ReplyForm:
    form = ReplyForm(formdata=formdata) if formdata is not None else ReplyForm(formdata=None)
    saved = message_notes.saved_replies(db.session(), case.organisation_id)
    form.saved_reply.choices = options([("", str(_l("Choose a saved reply")))]) + [
        (str(s.id), s.title) for s in saved
    ]
    form._saved = {str(s.id): s for s in saved}
    if not messaging.KEY_PATTERN.match(form.idempotency_key.data or ""):
        # A missing or mangled key gets a fresh one, so sending again works.
        form.idempotency_key.data = messaging.new_idempotency_key()
    return form


def _page(
    case: Case,
    reply_form: ReplyForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = db.session()
    user = current_user._get_current_object()
    before = request.args.get("before", "")
    cursor = int(before) if before.isdigit() and len(before) < 10 else None
    messaging.mark_read_by_service(session, case, user)
    convo = messaging.conversation(session, case, for_victim=False, before=cursor)
    organisation = session.get(Organisation, case.organisation_id)
    return (
        render_template(
            "caseworker/messages/conversation.html",
            case=case,
            convo=convo,
            reply_form=reply_form or _reply_form(case),
            note_form=note_form or NoteForm(formdata=None),
            may_send=can(user, Action.SEND_MESSAGE, case),
            notes=message_notes.notes(session, case),
            callbacks=callbacks.cards(session, case, user),
            may_read_updates=can(user, Action.VIEW_CASE_CONTENT, case),
            event_names=EVENT_NAMES,
            done_form=CallbackDoneForm(formdata=None),
            failed=failed_notifications_for_cases(session, [case.id]),
            explain=explain,
            readers=messaging.readers(session, case),
            reply_days=organisation.reply_target_working_days if organisation else 1,
            first_name=audit.first_name,
        ),
        status,
    )


@bp.get("/messages")
@role_required(Role.ISVA, Role.SUPERVISOR)
def inbox() -> str:
    user = current_user._get_current_object()
    session = db.session()
    organisation = session.get(Organisation, user.organisation_id)
    target = organisation.reply_target_working_days if organisation else 1
    rows = message_inbox.inbox(session, user, target)
    return render_template(
        "caseworker/messages/inbox.html", rows=rows, target=target, explain=explain
    )


@bp.get("/cases/<uuid:case_id>/messages")
@case_route(Action.VIEW_MESSAGES, Audience.STAFF)
def conversation(case: Case) -> Any:
    return _page(case)


@bp.post("/cases/<uuid:case_id>/messages")
@case_route(Action.SEND_MESSAGE, Audience.STAFF)
def reply(case: Case) -> Any:
    form = _reply_form(case, request.form)
    if not form.validate_on_submit():
        return _page(case, form, status=400)
    if form.use_saved.data:
        saved = form._saved.get(form.saved_reply.data or "")
        if saved is None:
            form.saved_reply.errors = [str(_l("Choose a saved reply"))]
            return _page(case, form, status=400)
        form.body.data = saved.body
        form.body.raw_data = [saved.body]
        return _page(case, form)
    try:
        messaging.reply(
            db.session(),
            case,
            current_user._get_current_object(),
            form.body.data,
            form.idempotency_key.data,
        )
    except messaging.MessagingError as exc:
        form.body.errors = [str(exc)]
        return _page(case, form, status=400)
    flash(str(_l("Your reply has been sent")), "success")
    return redirect(url_for("caseworker.conversation", case_id=case.id, _anchor="reply"))


@bp.post("/cases/<uuid:case_id>/notes")
@case_route(Action.VIEW_MESSAGES, Audience.STAFF)
def add_note(case: Case) -> Any:
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(case, note_form=form, status=400)
    try:
        message_notes.add_note(
            db.session(), case, current_user._get_current_object(), form.note.data
        )
    except messaging.MessagingError as exc:
        form.note.errors = [str(exc)]
        return _page(case, note_form=form, status=400)
    flash(str(_l("Your note to file has been saved. Only staff can see it.")), "success")
    return redirect(url_for("caseworker.conversation", case_id=case.id, _anchor="notes"))


@bp.post("/cases/<uuid:case_id>/callbacks/<uuid:callback_id>/done")
@case_route(Action.VIEW_MESSAGES, Audience.STAFF)
def callback_done(case: Case, callback_id: uuid.UUID) -> BaseResponse:
    form = CallbackDoneForm()
    callback = db.session.get(CallbackRequest, callback_id)
    if form.validate_on_submit() and callback is not None and callback.case_id == case.id:
        note = (form.outcome.data or "").strip()
        try:
            if note:
                messaging.clean_body(note)
            callbacks.complete_callback(
                db.session(), current_user._get_current_object(), callback, note or None
            )
        except (callbacks.CallbackError, messaging.MessagingError) as exc:
            flash(str(exc), "error")
        else:
            flash(str(_l("The call-back request is marked as done")), "success")
    return redirect(url_for("caseworker.conversation", case_id=case.id, _anchor="callbacks"))
