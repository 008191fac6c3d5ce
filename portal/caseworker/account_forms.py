"""Forms for opening a case with a victim account, and for inviting staff."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Field, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from portal.auth.forms import Readable
from portal.normalise import InvalidIdentifierError, normalise_email
from portal.services.accounts.credentials import normalise_uk_mobile

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 /_-]*$"


def _email(form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            field.normalised = normalise_email(field.data)
        except InvalidIdentifierError:
            raise ValidationError(
                str(_l("Enter an email address in the correct format, like name@example.com"))
            ) from None


def _mobile(form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            field.normalised = normalise_uk_mobile(field.data)
        except InvalidIdentifierError:
            raise ValidationError(str(_l("Enter a UK mobile number, like 07700 900 982"))) from None


class NewCaseForm(FlaskForm):
    reference = StringField(
        _l("Case reference"),
        widget=GovTextInput(),
        description=_l("Your service's reference. Victims never see it in a message."),
        validators=[
            InputRequired(message=_l("Enter the case reference")),
            Length(max=40, message=_l("Case reference must be 40 characters or fewer")),
            Readable(),
            Regexp(
                REFERENCE_PATTERN,
                message=_l(
                    "Case reference can only have letters, numbers, spaces, hyphens, "
                    "underscores and slashes"
                ),
            ),
        ],
    )
    name = StringField(
        _l("The name they want to be called (optional)"),
        widget=GovTextInput(),
        description=_l("A first name, a nickname, or leave it empty. We use it to greet them."),
        validators=[
            Optional(),
            Length(max=100, message=_l("Name must be 100 characters or fewer")),
            Readable(),
        ],
    )
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        description=_l("Only if it is safe to use. They can sign in with it."),
        validators=[
            Optional(),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Readable(),
            _email,
        ],
    )
    phone = StringField(
        _l("UK mobile number"),
        widget=GovTextInput(),
        description=_l("Only if it is safe to use. They can sign in with it."),
        validators=[
            Optional(),
            Length(max=30, message=_l("Enter a UK mobile number, like 07700 900 982")),
            Readable(),
            _mobile,
        ],
    )
    isva = SelectField(_l("ISVA for this case"), widget=GovSelect(), validate_choice=False)
    submit = SubmitField(_l("Open case and create invitation"), widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.email.data and not self.phone.data:
            self.email.errors = [str(_l("Enter an email address or a UK mobile number"))]
            return False
        return valid

    def normalised(self, name: str) -> str | None:
        return normalised(getattr(self, name))


def normalised(field: Field) -> str | None:
    """The normalised email address or number a validator above stored on the field."""
    return getattr(field, "normalised", None) if field.data else None


class StaffInviteForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter their full name")),
            Length(max=100, message=_l("Name must be 100 characters or fewer")),
            Readable(),
        ],
    )
    email = StringField(
        _l("Work email address"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter their work email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Readable(),
            _email,
        ],
    )
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Select a role"))],
    )
    submit = SubmitField(_l("Create invitation"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Create a new invitation"), widget=GovSubmitInput())


class DisableForm(FlaskForm):
    submit = SubmitField(_l("Disable this account"), widget=GovSubmitInput())
