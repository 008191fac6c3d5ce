"""Forms for the victim's reminders and check-in cadence."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import InputRequired

from portal.choices import options
from portal.services.updates.checkins import VICTIM_CADENCE_WEEKS


class ReminderSettingsForm(FlaskForm):
    court_dates = BooleanField(
        _l("Remind me 7 days and 1 day before a court date"), widget=GovCheckboxInput()
    )
    time_limits = BooleanField(
        _l("Remind me 10 days and 3 days before a time limit to ask for something ends"),
        widget=GovCheckboxInput(),
    )
    calendar_words = BooleanField(
        _l("Say what the date is in calendar files (otherwise they just say “Reminder”)"),
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Save reminders"), widget=GovSubmitInput())


def _weeks_label(weeks: int) -> str:
    from flask_babel import ngettext

    return ngettext("Every week", "Every %(num)d weeks", weeks)


class CadenceForm(FlaskForm):
    weeks = RadioField(
        _l("How often do you want to hear from us when nothing has changed?"),
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose how often you want to hear from us"))],
    )
    submit = SubmitField(_l("Save how often"), widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.weeks.choices = options([(str(w), _weeks_label(w)) for w in VICTIM_CADENCE_WEEKS])
