"""Forms for the victim's notification preferences."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, Field, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from notifications.models import Channel, Choice
from notifications.policy import PREFERENCE_CATEGORIES, allowed_choices
from portal.choices import options
from portal.journey import CATEGORIES
from portal.normalise import InvalidIdentifierError, normalise_email, normalise_phone

CHOICE_LABELS = [
    (Choice.TELL_ME, _l("Tell me when there is something new")),
    (Choice.ISVA_FIRST, _l("Let my ISVA tell me first")),
    (Choice.DONT_NOTIFY, _l("Do not tell me – I will check myself")),
]
HOURS = options([(str(h * 60), f"{h:02d}:00") for h in range(24)])


class _ValidAddress:
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def __call__(self, form: FlaskForm, field: Field) -> None:
        try:
            if self.channel == Channel.SMS:
                normalise_phone(field.data or "")
            else:
                normalise_email(field.data or "")
        except InvalidIdentifierError:
            if self.channel == Channel.SMS:
                raise ValidationError(
                    _l("Enter a mobile number in the correct format, like 07123 456 789")
                ) from None
            raise ValidationError(
                _l("Enter an email address in the correct format, like name@example.com")
            ) from None


def add_contact_form(channel: str, **kwargs: Any) -> FlaskForm:
    is_sms = channel == Channel.SMS

    class AddContactForm(FlaskForm):
        address = StringField(
            _l("Mobile number") if is_sms else _l("Email address"),
            widget=GovTextInput(),
            validators=[
                InputRequired(
                    message=_l("Enter your mobile number")
                    if is_sms
                    else _l("Enter your email address")
                ),
                Length(max=254, message=_l("This must be 254 characters or fewer")),
                _ValidAddress(channel),
            ],
        )
        safe = BooleanField(
            _l("This is safe to use: nobody else reads my texts")
            if is_sms
            else _l("This is safe to use: nobody else reads my emails"),
            widget=GovCheckboxInput(),
            validators=[InputRequired(message=_l("Confirm that it is safe for us to use"))],
        )
        submit = SubmitField(_l("Send me a code"), widget=GovSubmitInput())

    return AddContactForm(**kwargs)


class VerifyForm(FlaskForm):
    code = StringField(
        _l("Code"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the code we sent you")),
            Regexp(r"^\s*\d{6}\s*$", message=_l("The code is 6 numbers")),
        ],
    )
    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


class SwitchForm(FlaskForm):
    """One tap: turn a channel on or off."""

    submit = SubmitField(_l("Change"), widget=GovSubmitInput())


def choices_form(current: dict[str, str], **kwargs: Any) -> FlaskForm:
    labels = {c.key: c.label for c in CATEGORIES}
    labels["messages"] = _l("Messages from your ISVA")

    class ChoicesForm(FlaskForm):
        submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    for key in PREFERENCE_CATEGORIES:
        setattr(
            ChoicesForm,
            f"category_{key}",
            RadioField(
                labels[key],
                choices=options(
                    [(v, label) for v, label in CHOICE_LABELS if v in allowed_choices(key)]
                ),
                default=current.get(key, Choice.TELL_ME)
                if current.get(key) in allowed_choices(key)
                else Choice.TELL_ME,
                widget=GovRadioInput(),
                validators=[InputRequired(message=_l("Choose what we should do"))],
            ),
        )
    return ChoicesForm(**kwargs)


class QuietHoursForm(FlaskForm):
    start = SelectField(
        _l("From"),
        choices=HOURS,
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose when quiet hours start"))],
    )
    end = SelectField(
        _l("Until"),
        choices=HOURS,
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose when quiet hours end"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())
