"""Forms for signing in, invitations, two-step verification and passphrases.

Every text field refuses NUL and other control characters and the replacement character that
invalid UTF-8 decodes to, with a message, so odd input is an error on the form, never a crash.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Field, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.choices import options
from portal.services.accounts.passphrases import MAX_LENGTH, has_unreadable_characters


class Readable:
    """Refuse characters that are never typed on purpose (NUL, controls, U+FFFD)."""

    def __init__(self, message: Any = None) -> None:
        self.message = message or _l("Remove any unusual characters and try again")

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if isinstance(field.data, str) and has_unreadable_characters(field.data):
            raise ValidationError(str(self.message))


def identifier_field(description: object = "") -> StringField:
    """The email-address-or-mobile field every sign-in, code and reset form shares."""
    return StringField(
        _l("Email address or mobile number"),
        widget=GovTextInput(),
        description=description,
        validators=[
            InputRequired(message=_l("Enter your email address or mobile number")),
            Length(
                max=254,
                message=_l("Email address or mobile number must be 254 characters or fewer"),
            ),
            Readable(),
        ],
    )


class SignInForm(FlaskForm):
    identifier = identifier_field()
    password = PasswordField(
        _l("Passphrase"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your passphrase")),
            Length(max=MAX_LENGTH, message=_l("Passphrase must be 128 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


class KeepAliveForm(FlaskForm):
    """Only the CSRF token: the stay-signed-in button posts it."""


class NewPassphraseForm(FlaskForm):
    password = PasswordField(
        _l("Create a passphrase"),
        widget=GovPasswordInput(),
        description=_l(
            "At least 12 characters. Spaces are fine: 3 or 4 words that do not go together are "
            "easy to remember and hard to guess."
        ),
        validators=[InputRequired(message=_l("Enter a passphrase"))],
    )
    confirm = PasswordField(
        _l("Type the passphrase again"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Type the passphrase again"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate_confirm(self, field: Field) -> None:
        if self.password.data and field.data != self.password.data:
            raise ValidationError(str(_l("The passphrases do not match")))


class ChangePassphraseForm(NewPassphraseForm):
    current_password = PasswordField(
        _l("Current passphrase"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your current passphrase")),
            Length(max=MAX_LENGTH, message=_l("Passphrase must be 128 characters or fewer")),
        ],
    )


class ResetRequestForm(FlaskForm):
    identifier = identifier_field(_l("The one you use to sign in"))
    submit = SubmitField(_l("Send me a code"), widget=GovSubmitInput())


class InvitationCodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        widget=GovTextInput(),
        description=_l("8 letters and numbers, for example ABCD-7834"),
        validators=[
            InputRequired(message=_l("Enter your code")),
            Length(max=20, message=_l("The code must be 8 letters and numbers")),
            Readable(),
        ],
    )
    identifier = identifier_field(_l("The one you gave your ISVA"))
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class TotpCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        widget=GovTextInput(),
        description=_l("The 6-digit code the app shows now"),
        validators=[
            InputRequired(message=_l("Enter the 6-digit code")),
            Length(max=12, message=_l("Enter the 6-digit code")),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        widget=GovTextInput(),
        description=_l("One of the 10 codes you saved when you set up two-step verification"),
        validators=[
            InputRequired(message=_l("Enter a recovery code")),
            Length(max=30, message=_l("Enter a recovery code, for example abcde-23456")),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ConfirmPassphraseForm(FlaskForm):
    """Asks for the passphrase again before turning two-step verification off."""

    password = PasswordField(
        _l("Your passphrase"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter your passphrase")),
            Length(max=MAX_LENGTH, message=_l("Passphrase must be 128 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Turn off two-step verification"), widget=GovSubmitInput())


class ContinueForm(FlaskForm):
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


# Each language is named in itself, as language switchers do: someone who reads only one of
# them must be able to find it.
LANGUAGE_CHOICES = options([("cy", "Cymraeg"), ("en", "English")])


class LanguageForm(FlaskForm):
    """The victim's language for pages, texts and emails (account page)."""

    language = RadioField(
        _l("Which language do you want to use?"),
        choices=LANGUAGE_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose a language"))],
    )
    submit = SubmitField(_l("Save your language"), widget=GovSubmitInput())


class FirstSignInForm(FlaskForm):
    """The first-sign-in page: the language question, then Continue. The answer starts as the
    language the page is shown in, so Continue alone keeps it."""

    language = RadioField(
        _l("Which language do you want to use?"),
        description=_l("We use it for this service, and for any texts and emails we send you."),
        choices=LANGUAGE_CHOICES,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
