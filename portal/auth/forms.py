"""Sign-in form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    identifier = StringField(
        _l("Email address or mobile number"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter your email address or mobile number")),
            Length(
                max=254,
                message=_l("Email address or mobile number must be 254 characters or fewer"),
            ),
        ],
    )
    password = PasswordField(
        _l("Passphrase"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your passphrase")),
            Length(max=128, message=_l("Passphrase must be 128 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())
