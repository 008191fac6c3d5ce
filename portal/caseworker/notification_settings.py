"""The case page's notifications section: the victim's channels, category choices, quiet
hours and consent log, and the assigned ISVA changing them on the victim's behalf (a channel
off, never on; choices; quiet hours), always with a reason the victim is shown.

The rules live in portal/services/caseload/on_behalf.py (who may, the audit row) and
notifications/on_behalf.py (the change itself); these views parse, call the service and render.
Reads are audited by the case loader (contact details); a change writes its own audit row too.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from notifications import contacts, on_behalf
from notifications import policy as notification_policy
from notifications.models import Channel, Choice
from portal.auth.forms import Readable
from portal.caseworker import bp
from portal.choices import options
from portal.consent_words import (
    CHANNEL_LABELS,
    category_labels,
    describe,
    minutes_label,
    source_label,
)
from portal.extensions import db
from portal.models import Case, User
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services import audit
from portal.services.caseload.on_behalf import change_on_behalf, may_change
from portal.victim.preference_forms import HOURS

STAFF_CHOICES = [
    (Choice.TELL_ME, _l("Tell them when there is something new")),
    (Choice.ISVA_FIRST, _l("Their ISVA tells them first")),
    (Choice.DONT_NOTIFY, _l("Do not notify them: they will check themselves")),
]


class ChannelsOff(SelectMultipleField):
    """Checkboxes of the channels that are on. A channel that went off meanwhile (the victim
    replied STOP) gets a plain-English answer rather than WTForms' "not a valid choice"."""

    def pre_validate(self, form: object) -> None:
        offered = {str(value) for value, *_ in self.choices or []}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(str(_l("That channel is already off")))


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _victim_name(case: Case) -> str:
    return case.victim.display_name or str(_l("the victim"))


def change_form(case: Case, **kwargs: Any) -> FlaskForm:
    """The change form for this victim: only channels that are on can be ticked off."""
    session = db.session()
    victim_id = case.victim_id
    on = options(
        [
            (channel, CHANNEL_LABELS[channel])
            for channel in Channel.ALL
            if (point := contacts.contact_point(session, victim_id, channel)) is not None
            and on_behalf.is_on(point)
        ]
    )
    pref = notification_policy.preferences(session, victim_id)
    start, end = notification_policy.quiet_window(pref)
    labels = category_labels()

    class ChangeForm(FlaskForm):
        turn_off = ChannelsOff(
            _l("Turn off"),
            widget=GovCheckboxesInput(),
            choices=on,
            default=[],
        )
        quiet_start = SelectField(
            _l("Quiet hours from"), choices=HOURS, default=str(start), widget=GovSelect()
        )
        quiet_end = SelectField(
            _l("Quiet hours until"), choices=HOURS, default=str(end), widget=GovSelect()
        )
        reason = _reason_field()
        version = HiddenField(default=on_behalf.version(session, victim_id))
        submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

    for key in notification_policy.PREFERENCE_CATEGORIES:
        setattr(ChangeForm, f"category_{key}", _category_field(key, labels[key], pref))
    return ChangeForm(**kwargs)


def _reason_field() -> TextAreaField:
    """The ISVA's reason, which the victim sees on their preferences page."""
    return TextAreaField(
        _l("Why are you making this change?"),
        widget=GovCharacterCount(),
        description=_l(
            "For example, what they asked you for and when. They will see this reason on "
            "their preferences page."
        ),
        validators=[
            InputRequired(message=_l("Enter why you are making this change")),
            Length(
                max=on_behalf.REASON_MAX,
                message=_l(
                    "The reason must be %(max)s characters or fewer", max=on_behalf.REASON_MAX
                ),
            ),
            Readable(),
        ],
    )


def _category_field(
    key: str, label: object, pref: notification_policy.Preferences | None
) -> RadioField:
    """One category's choice, offering only what that category allows, set to the victim's."""
    return RadioField(
        label,
        choices=options(
            [
                (v, choice_label)
                for v, choice_label in STAFF_CHOICES
                if v in notification_policy.allowed_choices(key)
            ]
        ),
        default=notification_policy.choice_for(pref, key),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose what we should do"))],
    )


def settings_context(case: Case) -> dict[str, Any]:
    """What the notifications page and the contact page show: channels, choices and quiet
    hours, in words."""
    session = db.session()
    pref = notification_policy.preferences(session, case.victim_id)
    start, end = notification_policy.quiet_window(pref)
    labels = category_labels()
    return {
        "points": {c: contacts.contact_point(session, case.victim_id, c) for c in Channel.ALL},
        "channel_names": CHANNEL_LABELS,
        "choices": [
            (labels[key], notification_policy.choice_for(pref, key))
            for key in notification_policy.PREFERENCE_CATEGORIES
        ],
        "choice_names": dict(STAFF_CHOICES),
        "quiet": (minutes_label(start), minutes_label(end)),
        "victim_name": _victim_name(case),
    }


@bp.get("/cases/<uuid:case_id>/notifications")
@case_route(Action.VIEW_CONTACT_DETAILS, Audience.STAFF)
def notification_settings(case: Case) -> str:
    session = db.session()
    log = on_behalf.consent_log(session, case.victim_id)
    people = audit.users_by_id(session, {e.actor_id for e in log if e.actor_id is not None})
    return render_template(
        "caseworker/caseload/notifications.html",
        case=case,
        log=log,
        people=people,
        describe=describe,
        source_label=source_label,
        may_change=may_change(_me(), case),
        section="notifications",
        **settings_context(case),
    )


_ERRORS = {
    "reason_missing": ("reason", _l("Enter why you are making this change")),
    "reason_too_long": (
        "reason",
        _l("The reason must be %(max)s characters or fewer", max=on_behalf.REASON_MAX),
    ),
    "channel": ("turn_off", _l("That channel is already off")),
    "nothing_changed": (None, _l("You have not changed anything. Change a setting, or go back")),
    "value": (None, _l("Choose what we should do")),
}


@bp.route("/cases/<uuid:case_id>/notifications/change", methods=["GET", "POST"])
@case_route(Action.CHANGE_NOTIFICATIONS, Audience.STAFF)
def change_notifications(case: Case) -> Any:
    form = change_form(case)
    status = 200
    if form.validate_on_submit():
        try:
            change_on_behalf(
                db.session(),
                case,
                _me(),
                _change_from(form),
                form.reason.data,
                seen_version=form.version.data,
            )
        except on_behalf.OnBehalfError as exc:
            status = 400
            form = _refused(case, form, exc.reason)
        else:
            flash(
                str(
                    _l(
                        "Saved. %(name)s will see this change and your reason on their "
                        "preferences page.",
                        name=_victim_name(case),
                    )
                ),
                "success",
            )
            return redirect(url_for("caseworker.notification_settings", case_id=case.id))
    elif form.is_submitted():
        status = 400
    fields = [form[f"category_{key}"] for key in notification_policy.PREFERENCE_CATEGORIES]
    return (
        render_template(
            "caseworker/caseload/change_notifications.html",
            case=case,
            form=form,
            fields=fields,
            section="notifications",
            **settings_context(case),
        ),
        status,
    )


def _change_from(form: Any) -> on_behalf.Change:
    return on_behalf.Change(
        channels_off=frozenset(form.turn_off.data or ()),
        choices={
            key: form[f"category_{key}"].data for key in notification_policy.PREFERENCE_CATEGORIES
        },
        quiet_hours=(int(form.quiet_start.data), int(form.quiet_end.data)),
    )


def _refused(case: Case, form: Any, reason: str) -> Any:
    """The form to show again with the refusal on the field it is about. A stale form starts
    again from what the victim has now, keeping the ISVA's reason."""
    if reason == "stale":
        form = change_form(case, formdata=None, data={"reason": form.reason.data})
        message: Any = _l(
            "%(name)s's settings changed while you were on this page. Check them "
            "below and make your change again",
            name=_victim_name(case),
        )
        _first_category(form).errors = [str(message)]
        return form
    name, message = _ERRORS.get(reason, _ERRORS["value"])
    field = form[name] if name else _first_category(form)
    field.errors = [*field.errors, str(message)]
    return form


def _first_category(form: Any) -> Any:
    return form[f"category_{notification_policy.PREFERENCE_CATEGORIES[0]}"]
