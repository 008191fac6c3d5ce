"""The victim's conversation with their ISVA, and "Ask my ISVA to call me" (issue 6).

No JavaScript needed: plain forms, a redirect after each send (so reloading never resends), and
an idempotency key in the form so a double tap or back-and-send-again finds the first message.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from markupsafe import Markup, escape
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField

from portal.choices import options
from portal.extensions import db
from portal.models import CallbackReason, Case
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services import audit
from portal.services.messaging import callbacks
from portal.services.messaging import messages as messaging
from portal.victim import bp

# Characters that can make text display in another order than it was written (bidi
# overrides and isolates) or hide text (zero-width space, word joiner, BOM). Each is shown as
# a visible marker, so a message cannot disguise itself; the stored text is left as written.
# Zero-width joiner and non-joiner are kept: emoji and several scripts need them.
CONTROL_MARKERS = {
    **{chr(c): f"[U+{c:04X}]" for c in range(0x202A, 0x202F)},
    **{chr(c): f"[U+{c:04X}]" for c in range(0x2066, 0x206A)},
    "\u200b": "[U+200B]",
    "\u200e": "[U+200E]",
    "\u200f": "[U+200F]",
    "\u2060": "[U+2060]",
    "\ufeff": "[U+FEFF]",
}
_CONTROL_TABLE = str.maketrans(CONTROL_MARKERS)


@bp.app_template_filter("message_text")
def message_text(text: str | None) -> Markup:
    """A message body as safe HTML text: escaped, invisible controls made visible, links left
    as plain text. Line breaks are kept by CSS (``wp-pre-wrap``), not by inserting HTML."""
    return escape((text or "").translate(_CONTROL_TABLE))


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        # GOV.UK's character count: a live count where JavaScript runs, the hint without it.
        widget=GovCharacterCount(),
        description=_l("Up to 5,000 characters. Links are not clickable."),
    )
    idempotency_key = HiddenField()
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    submit = SubmitField(_l("Remove from my view"))


class CallMeForm(FlaskForm):
    safe_times = TextAreaField(
        _l("When is it safe to call you?"),
        widget=GovTextArea(),
        description=_l("For example, weekdays between 10am and 12pm. Up to 500 characters."),
    )
    voicemail = RadioField(
        _l("Is it safe to leave a voicemail?"),
        widget=GovRadioInput(),
        choices=options(
            [
                ("no", _l("No, do not leave a voicemail")),
                ("yes", _l("Yes, a voicemail is safe")),
            ]
        ),
        default="no",
    )
    submit = SubmitField(_l("Ask my ISVA to call me"), widget=GovSubmitInput())


def _before() -> int | None:
    value = request.args.get("before", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _page(case: Case, form: MessageForm, status: int = 200) -> tuple[str, int]:
    session = db.session()
    before = _before()
    convo = messaging.conversation(session, case, for_victim=True, before=before)
    if before is None:
        messaging.mark_read_by_victim(session, case, current_user._get_current_object())
    if not messaging.KEY_PATTERN.match(form.idempotency_key.data or ""):
        # A missing or mangled key gets a fresh one, so sending again works.
        form.idempotency_key.data = messaging.new_idempotency_key()
    who = messaging.readers(session, case)
    return (
        render_template(
            "victim/messages/conversation.html",
            case=case,
            form=form,
            remove_form=RemoveForm(),
            convo=convo,
            isva_name=audit.first_name(who.isva) if who.isva else None,
            cover_name=audit.first_name(who.cover) if who.cover else None,
            away_until=who.away_until,
            reply_days=case.victim.organisation.reply_target_working_days,
            messaging_max=messaging.MAX_BODY,
            first_name=audit.first_name,
        ),
        status,
    )


def _send(case: Case, form: MessageForm) -> None:
    messaging.send_from_victim(
        db.session(),
        case,
        current_user._get_current_object(),
        form.body.data,
        form.idempotency_key.data,
    )


@bp.get("/cases/<uuid:case_id>/messages")
@case_route(Action.VIEW_MESSAGES, Audience.VICTIM)
def messages(case: Case) -> Any:
    return _page(case, MessageForm(formdata=None))


@bp.post("/cases/<uuid:case_id>/messages")
@case_route(Action.SEND_MESSAGE, Audience.VICTIM)
def send_message(case: Case) -> Any:
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(case, form, 400)
    try:
        try:
            _send(case, form)
        except OperationalError:
            # The same form sent twice at once (SQLite: the other request took the write lock
            # first; PostgreSQL: a lock conflict). Start again once: the key finds its message.
            db.session.rollback()
            _send(case, form)
    except messaging.RateLimitedError as exc:
        form.body.errors = [str(exc)]
        return _page(case, form, 429)
    except messaging.MessagingError as exc:
        form.body.errors = [str(exc)]
        return _page(case, form, 400)
    flash(str(_l("Your message has been sent")), "success")
    return redirect(url_for("victim.messages", case_id=case.id, _anchor="latest"))


@bp.post("/cases/<uuid:case_id>/messages/<uuid:message_id>/remove")
@case_route(Action.VIEW_MESSAGES, Audience.VICTIM)
def remove_message(case: Case, message_id: uuid.UUID) -> BaseResponse:
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            messaging.hide_for_victim(
                db.session(), case, current_user._get_current_object(), message_id
            )
        except messaging.NotPermittedError:
            pass  # not theirs or not there: nothing to remove, nothing to say
        else:
            flash(
                str(
                    _l(
                        "The message has been removed from your view. The service still keeps "
                        "it in its record."
                    )
                ),
                "success",
            )
    return redirect(url_for("victim.messages", case_id=case.id))


@bp.route("/cases/<uuid:case_id>/call-me", methods=["GET", "POST"])
@case_route(Action.SEND_MESSAGE, Audience.VICTIM)
def call_me(case: Case) -> Any:
    form = CallMeForm()
    status = 200
    if form.validate_on_submit():
        times = (form.safe_times.data or "").strip()
        try:
            if times and len(times) <= callbacks.SAFE_TIMES_MAX:
                messaging.clean_body(times)  # refuses unreadable characters
            callbacks.request_callback(
                db.session(),
                case,
                current_user._get_current_object(),
                CallbackReason.ASKED,
                safe_times=times or None,
                voicemail_ok=form.voicemail.data == "yes",
            )
        except (callbacks.CallbackError, messaging.MessagingError) as exc:
            form.safe_times.errors = [str(exc)]
            status = 400
        else:
            flash(
                str(_l("We have asked your ISVA to call you at the times you said are safe")),
                "success",
            )
            return redirect(url_for("victim.messages", case_id=case.id))
    elif form.is_submitted():
        status = 400
    return render_template("victim/messages/call_me.html", case=case, form=form), status
