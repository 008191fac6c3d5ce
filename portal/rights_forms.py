"""Forms for data rights (subject access, erasure) and the organisation's settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.auth.forms import Readable


class RecordSarForm(FlaskForm):
    received_on = DateField(
        _l("When was the request received?"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired(message=_l("Enter the date, for example 27 3 2026"))],
    )
    submit = SubmitField(_l("Record the request"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ReleaseForm(FlaskForm):
    submit = SubmitField(_l("Mark as released"), widget=GovSubmitInput())


class DecideErasureForm(FlaskForm):
    decision = RadioField(
        _l("Your decision"),
        choices=[("approve", _l("Approve")), ("refuse", _l("Refuse"))],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose approve or refuse"))],
    )
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())


class ErasureForm(FlaskForm):
    case = RadioField(
        _l("Which case?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose the case"))],
    )
    understood = BooleanField(
        _l("I understand what will be kept and what will be destroyed"),
        widget=GovCheckboxInput(),
        validators=[InputRequired(message=_l("Confirm that you understand what will happen"))],
    )
    submit = SubmitField(_l("Ask for my information to be erased"), widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    service_name = StringField(
        _l("Service name shown to victims"),
        description=_l("Keep it neutral: it appears in page titles and on shared screens."),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a service name")),
            Length(max=100, message=_l("Service name must be 100 characters or fewer")),
            Readable(),
        ],
    )
    reply_target_working_days = IntegerField(
        _l("Reply-time target, in working days"),
        description=_l("Victims are told when to expect a reply to a message."),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a number of working days")),
            NumberRange(min=1, max=10, message=_l("Enter a number from 1 to 10")),
        ],
    )
    crisis_contacts = TextAreaField(
        _l("Crisis contacts"),
        description=_l(
            "One a line: a name, a colon, then a phone number, for example Samaritans: 116 123. "
            "Leave empty to use the default list."
        ),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],  # lines checked in the service
    )
    exit_url = StringField(
        _l("Exit this page goes to"),
        description=_l("A neutral website, starting with https://. Leave empty for the default."),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=300, message=_l("Enter 300 characters or fewer"))],
    )
    retention_months = IntegerField(
        _l("Keep a closed case's information for this many months"),
        description=_l("From 1 to 120. Then the case's content and contact details are destroyed."),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a number of months")),
            NumberRange(min=1, max=120, message=_l("Enter a number of months from 1 to 120")),
        ],
    )
    auto_checkins = BooleanField(
        _l("Send “no change yet” updates automatically when a check-in is due"),
        description=_l(
            "Otherwise the ISVA sends each one with one click from the case page. Either way the "
            "victim gets the starter text, from their ISVA."
        ),
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Save settings"), widget=GovSubmitInput())
