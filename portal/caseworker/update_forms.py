"""Forms for writing, scheduling, confirming, telling about and withdrawing case updates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.auth.forms import Readable
from portal.choices import options
from portal.journey import DATE_QUESTIONS, SECTIONS, Agency, Event
from portal.models import ToldHow
from portal.models.update import WELSH_KEYS
from portal.services.updates.deadlines import LONDON
from portal.services.updates.validation import REASON_MAX, SECTION_MAX
from portal.services.updates.writing import NOTE_MAX

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def parse_time(text: str | None) -> time | None:
    """ "14:10" or "9.05" as a time; None when it is not a 24-hour time."""
    match = _TIME.match(text or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


class TimeOfDay:
    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError(str(self.message))


def _section_field(label: object) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message=_l("Enter %(section)s", section=str(label).lower())),
            Length(
                max=SECTION_MAX,
                message=_l(
                    "%(section)s must be %(max)s characters or fewer",
                    section=label,
                    max=SECTION_MAX,
                ),
            ),
            Readable(),
        ],
    )


def _welsh_field(label: object, limit: int) -> TextAreaField:
    """The Welsh text of a section (optional; the service checks it is whole)."""
    return TextAreaField(
        _l("%(section)s (Welsh)", section=label),
        widget=GovCharacterCount(),
        validators=[
            Optional(),
            Length(
                max=limit, message=_l("The Welsh must be %(max)s characters or fewer", max=limit)
            ),
            Readable(),
        ],
    )


class UpdateForm(FlaskForm):
    source_agency = RadioField(
        _l("Who is the update from?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose who the update is from"))],
    )
    event_date = DateField(
        _l("When did it happen, or when will it happen?"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired(message=_l("Enter the date, for example 27 3 2026"))],
    )
    learned_on = DateField(
        _l("When did the agency learn of it?"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[Optional()],
    )
    learned_time = StringField(
        _l("Time the agency learned of it"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            TimeOfDay(_l("Enter the time as hours and minutes, for example 14:10")),
        ],
    )
    outcome = RadioField(
        _l("What was the verdict?"), widget=GovRadioInput(), validators=[Optional()]
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        widget=GovCharacterCount(),
        validators=[
            Length(
                max=REASON_MAX,
                message=_l("The reason must be %(max)s characters or fewer", max=REASON_MAX),
            ),
            Readable(),
        ],
    )
    what_happened = _section_field(SECTIONS[0][1])
    what_it_means = _section_field(SECTIONS[1][1])
    what_happens_next = _section_field(SECTIONS[2][1])
    who_to_contact = _section_field(SECTIONS[3][1])
    your_rights = _section_field(SECTIONS[4][1])
    # For a victim who reads Welsh: the same update in Welsh (shown only when it is wanted).
    cy_reason = _welsh_field(_l("Reason for the change"), REASON_MAX)
    cy_what_happened = _welsh_field(SECTIONS[0][1], SECTION_MAX)
    cy_what_it_means = _welsh_field(SECTIONS[1][1], SECTION_MAX)
    cy_what_happens_next = _welsh_field(SECTIONS[2][1], SECTION_MAX)
    cy_who_to_contact = _welsh_field(SECTIONS[3][1], SECTION_MAX)
    cy_your_rights = _welsh_field(SECTIONS[4][1], SECTION_MAX)
    submit = SubmitField(_l("Save and preview"), widget=GovSubmitInput())

    def welsh(self) -> dict[str, str]:
        """The Welsh fields as the service takes them (keys without the "cy_" prefix)."""
        return {k: getattr(self, f"cy_{k}").data or "" for k in WELSH_KEYS}

    def fill_welsh(self, welsh: dict[str, str] | None) -> None:
        for key, text in (welsh or {}).items():
            getattr(self, f"cy_{key}").data = text

    def configure(self, ev: Event) -> None:
        """Choices that depend on the event being written about."""
        agencies = [a for a in Agency if a is not Agency.VICTIM or a in ev.who_tells]
        self.source_agency.choices = options((a.value, str(a.label)) for a in agencies)
        self.outcome.choices = options((o.key, str(o.label)) for o in ev.outcomes)
        if ev.outcomes:
            self.outcome.validators = [InputRequired(message=_l("Choose the verdict"))]
        if ev.date_kind in DATE_QUESTIONS:
            self.event_date.label.text = str(DATE_QUESTIONS[ev.date_kind])
        if ev.deadline is not None:
            # Publishing needs it (the Victims' Code clock starts here): ask on save, not later.
            self.learned_on.validators = [
                InputRequired(message=_l("Enter the date the agency learned of this"))
            ]

    def learned_at(self) -> datetime | None:
        if self.learned_on.data is None:
            return None
        at = parse_time(self.learned_time.data) or time(9, 0)
        return to_utc(self.learned_on.data, at)


def to_utc(day: date, at: time) -> datetime:
    """A Europe/London wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish now"), widget=GovSubmitInput())


class ScheduleForm(FlaskForm):
    day = DateField(
        _l("Date"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired(message=_l("Enter the date to publish, for example 27 3 2026"))],
    )
    at = StringField(
        _l("Time"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the time to publish, for example 10:30")),
            TimeOfDay(_l("Enter the time as hours and minutes, for example 10:30")),
        ],
    )
    override_quiet_hours = BooleanField(
        _l("Publish even if this is inside the victim's quiet hours"), widget=GovCheckboxInput()
    )
    submit = SubmitField(_l("Schedule"), widget=GovSubmitInput())

    def when(self) -> datetime:
        at = parse_time(self.at.data)
        assert at is not None  # validated
        return to_utc(self.day.data, at)


class SupportForm(FlaskForm):
    note = TextAreaField(
        _l("How is support in place?"),
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message=_l("Enter how and when support was put in place")),
            Length(
                max=NOTE_MAX,
                message=_l("The note must be %(max)s characters or fewer", max=NOTE_MAX),
            ),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Support is in place: publish"), widget=GovSubmitInput())


TOLD_HOW: dict[ToldHow, Any] = {ToldHow.IN_PERSON: _l("In person"), ToldHow.PHONE: _l("By phone")}


class ToldForm(FlaskForm):
    """The ISVA told the victim about an ISVA-first update: when, how, and a short note."""

    told_on = DateField(
        _l("When did you tell them?"),
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[
            InputRequired(message=_l("Enter the date you told them, for example 27 3 2026"))
        ],
    )
    how = RadioField(
        _l("How did you tell them?"),
        choices=options((how.value, label) for how, label in TOLD_HOW.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose how you told them"))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        widget=GovCharacterCount(),
        validators=[
            Optional(),
            Length(
                max=NOTE_MAX,
                message=_l("The note must be %(max)s characters or fewer", max=NOTE_MAX),
            ),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Record that you told them"), widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you withdrawing this update?"),
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message=_l("Enter why the update is being withdrawn")),
            Length(
                max=NOTE_MAX,
                message=_l("The reason must be %(max)s characters or fewer", max=NOTE_MAX),
            ),
            Readable(),
        ],
    )
    submit = SubmitField(_l("Withdraw the update"), widget=GovSubmitInput())


class CadenceForm(FlaskForm):
    weeks = IntegerField(
        _l("How many weeks between updates when nothing has changed?"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter a number of weeks from 1 to 12")),
            NumberRange(min=1, max=12, message=_l("Enter a number of weeks from 1 to 12")),
        ],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())
