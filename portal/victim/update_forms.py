"""The victim's forms on updates: the choice at a content note, and asking the ISVA to call."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.auth.forms import Readable
from portal.choices import options
from portal.models import Disclosure
from portal.services.messaging.callbacks import SAFE_TIMES_MAX


class DisclosureForm(FlaskForm):
    choice = RadioField(
        _l("What would you like to do?"),
        choices=options(
            [
                (Disclosure.READ_NOW.value, _l("Read it now")),
                (Disclosure.ISVA_FIRST.value, _l("Ask my ISVA to contact me first")),
                (Disclosure.NOT_NOW.value, _l("Not now – take me back")),
            ]
        ),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose what you would like to do"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class AskIsvaForm(FlaskForm):
    safe_times = TextAreaField(
        _l("When is it safe for your ISVA to call you?"),
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message=_l("Tell us when it is safe for your ISVA to call")),
            Length(
                max=SAFE_TIMES_MAX,
                message=_l("This must be %(max)s characters or fewer", max=SAFE_TIMES_MAX),
            ),
            Readable(),
        ],
    )
    voicemail_ok = RadioField(
        _l("Can your ISVA leave a voicemail if you do not answer?"),
        choices=options([("no", _l("No")), ("yes", _l("Yes"))]),
        default="no",
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose whether your ISVA can leave a voicemail"))],
    )
    submit = SubmitField(_l("Ask my ISVA to call"), widget=GovSubmitInput())
