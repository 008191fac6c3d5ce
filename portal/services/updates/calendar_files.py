"""Calendar files (.ics, RFC 5545, made with the ``icalendar`` library) for the victim's dates.

A calendar is often shared or synced to other devices, so by default the event says only
"Reminder" and the service's name; it says what the date is only if the victim chose that
(``ReminderSettings.calendar_words``). All-day events: the updates hold a date, not a time.
"""

from __future__ import annotations

from datetime import timedelta

import icalendar

from portal.clock import utcnow
from portal.services.updates.reminders import KnownDate

PRODID = "-//Waypoint//Reminders//EN"


def neutral_title() -> str:
    from flask_babel import gettext as _

    return _("Reminder")


def ics_for(known: KnownDate, *, service: str, with_words: bool, host: str) -> bytes:
    """One VEVENT for ``known.on``; the UID is stable, so a second download of a changed date
    updates the same calendar entry rather than adding another."""
    from flask_babel import gettext as _

    title = str(known.label) if with_words else neutral_title()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"{known.update.id}-{known.kind}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", known.on)
    event.add("dtend", known.on + timedelta(days=1))
    event.add("summary", title)
    event.add("description", _("Sign in to %(service)s for details.", service=service))
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    return calendar.to_ical()
