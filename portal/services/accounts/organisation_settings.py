"""An organisation's settings, changed by its admins: the service name victims see, the reply
time target, crisis contacts, the Exit this page destination, the retention period and whether
"no change yet" check-ins are sent automatically.

Every change is validated here (a bad value changes nothing) and audited (ids and labels only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from notifications.render import denied_words
from portal.config import CrisisContact, Settings
from portal.models import AuditOutcome, Organisation, User
from portal.refusal import Refusal
from portal.services import audit

RETENTION_MONTHS = (1, 120)
REPLY_DAYS = (1, 10)
NUMBER = re.compile(r"^\+?[0-9][0-9 ]{1,18}[0-9]$")
MAX_CONTACTS = 8


class SettingsError(Refusal, ValueError):
    """A bad value; ``field`` names the form field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class OrganisationSettings:
    service_name: str
    reply_target_working_days: int
    crisis_contacts: list[CrisisContact]
    exit_url: str | None
    retention_months: int
    auto_checkins: bool = False  # "no change yet" updates sent by the scheduler


def parse_crisis_contacts(text: str | None) -> list[CrisisContact]:
    """Stored form "name|number;name|number" to a list (bad items are skipped)."""
    contacts = []
    for item in (text or "").split(";"):
        name, _, number = item.partition("|")
        if name.strip() and number.strip():
            contacts.append(CrisisContact(name.strip(), number.strip()))
    return contacts


def format_crisis_contacts(contacts: list[CrisisContact]) -> str:
    return ";".join(f"{c.name}|{c.number}" for c in contacts)


def crisis_contacts_from_lines(text: str) -> list[CrisisContact]:
    """The admin's form: one contact a line, "Name: number"."""
    contacts = []
    for number_of_line, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, sep, number = line.rpartition(":")
        name, number = name.strip(), number.strip()
        if not sep or not name or not NUMBER.match(number):
            raise SettingsError(
                f"Line {number_of_line}: write a name, a colon, then a phone number, "
                "for example Samaritans: 116 123",
                "crisis_contacts",
            )
        if any(ch in name for ch in "|;") or len(name) > 80 or not name.isprintable():
            raise SettingsError(
                f"Line {number_of_line}: the name must be 80 characters or fewer, without | or ;",
                "crisis_contacts",
            )
        contacts.append(CrisisContact(name, number))
    if len(contacts) > MAX_CONTACTS:
        raise SettingsError(f"Enter {MAX_CONTACTS} contacts or fewer", "crisis_contacts")
    return contacts


def valid_exit_url(url: str) -> bool:
    """An https address with a host; plain http only to this machine (for tests)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if any(c.isspace() for c in url) or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


def for_signed_in_user(settings: Settings) -> tuple[str, list[CrisisContact]]:
    """The service name and crisis contacts for the page: the signed-in person's organisation's
    own, where it has set them, else the portal's defaults (signed-out pages, error pages)."""
    from flask_login import current_user

    name, contacts = settings.SERVICE_NAME, settings.crisis_contacts
    try:
        user = current_user._get_current_object() if current_user else None
    except Exception:  # outside a request, or the user could not be loaded: the defaults
        return name, contacts
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is not None:
        name = org.service_name or name
        contacts = parse_crisis_contacts(org.crisis_contacts) or contacts
    return name, contacts


def exit_url_for_signed_in_user(default: str) -> str:
    """Where Exit this page goes: the signed-in person's organisation's choice, if any."""
    from flask_login import current_user

    user = current_user._get_current_object() if current_user else None
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    return (org.exit_url if org is not None else None) or default


def current(org: Organisation) -> OrganisationSettings:
    return OrganisationSettings(
        service_name=org.service_name,
        reply_target_working_days=org.reply_target_working_days,
        crisis_contacts=parse_crisis_contacts(org.crisis_contacts),
        exit_url=org.exit_url,
        retention_months=org.retention_months,
        auto_checkins=org.auto_checkins,
    )


def validated(new: OrganisationSettings) -> dict[str, object]:
    """The stored form of ``new``, or SettingsError for the first bad value (shared by the
    admin's settings page and ``flask organisations create``)."""
    name = new.service_name.strip()
    if not name or len(name) > 100:
        raise SettingsError("Enter a service name of 100 characters or fewer", "service_name")
    if denied_words(name):
        # Shown in every page title and footer, on phones someone else may look at.
        raise SettingsError(
            "Enter a service name that does not say what the service is for or name an agency "
            "(it is shown on every page, on phones others may see)",
            "service_name",
        )
    if not REPLY_DAYS[0] <= new.reply_target_working_days <= REPLY_DAYS[1]:
        raise SettingsError(
            f"Enter a number of working days from {REPLY_DAYS[0]} to {REPLY_DAYS[1]}",
            "reply_target_working_days",
        )
    if not RETENTION_MONTHS[0] <= new.retention_months <= RETENTION_MONTHS[1]:
        raise SettingsError(
            f"Enter a number of months from {RETENTION_MONTHS[0]} to {RETENTION_MONTHS[1]}",
            "retention_months",
        )
    exit_url = (new.exit_url or "").strip() or None
    if exit_url is not None and (len(exit_url) > 300 or not valid_exit_url(exit_url)):
        raise SettingsError("Enter a web address starting with https://", "exit_url")
    return {
        "service_name": name,
        "reply_target_working_days": new.reply_target_working_days,
        "crisis_contacts": format_crisis_contacts(new.crisis_contacts) or None,
        "exit_url": exit_url,
        "retention_months": new.retention_months,
        "auto_checkins": bool(new.auto_checkins),
    }


def update(
    session: Session,
    actor: User,
    org: Organisation,
    new: OrganisationSettings,
    request_id: str | None = None,
) -> list[str]:
    """Validate and apply; returns the names of the settings that changed (audited each)."""
    values = validated(new)
    changed = [key for key, value in values.items() if getattr(org, key) != value]
    for key in changed:
        setattr(org, key, values[key])
        audit.record(
            session,
            actor=actor,
            action=f"organisation.set_{key}",
            outcome=AuditOutcome.ALLOWED,
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            request_id=request_id,
        )
    return changed
