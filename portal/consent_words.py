"""The consent log in words, for the caseworker's notifications page and the victim's
preferences page: what changed, and through which route (portal, SMS reply, ISVA)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from notifications.models import Channel, Choice, Consent, ConsentSource, Status
from portal.journey import CATEGORIES

CHOICE_LABELS: dict[str, Any] = {
    Choice.TELL_ME: _l("Tell me"),
    Choice.ISVA_FIRST: _l("My ISVA tells me first"),
    Choice.DONT_NOTIFY: _l("Do not notify me, I will check"),
}
CHANNEL_LABELS: dict[str, Any] = {Channel.SMS: _l("Text messages"), Channel.EMAIL: _l("Emails")}
SOURCE_LABELS: dict[str, Any] = {
    ConsentSource.PORTAL: _l("Portal"),
    ConsentSource.SMS_KEYWORD: _l("Text message reply"),
    ConsentSource.ISVA_ON_BEHALF: _l("ISVA, on the victim's behalf"),
    ConsentSource.PROVIDER: _l("Text message provider"),
    "email_link": _l("Unsubscribe link in an email"),
}


# The victim's download lists the notifications we sent: what kind, and what became of each.
KIND_LABELS: dict[str, Any] = {
    "update": _l("Something new"),
    "message": _l("A new message"),
    "verification": _l("A code to confirm"),
}
STATUS_LABELS: dict[str, Any] = {
    Status.QUEUED: _l("Waiting to be sent"),
    Status.SENDING: _l("Being sent"),
    Status.SENT: _l("Sent"),
    Status.DELIVERED: _l("Delivered"),
    Status.FAILED_RETRYABLE: _l("Being tried again"),
    Status.FAILED_PERMANENT: _l("Could not be sent"),
    Status.CANCELLED: _l("Not sent"),
}


def export_words() -> dict[str, dict[str, Any]]:
    """Words for the stored values the victim's download shows (never the raw keys)."""
    return {
        "channels": CHANNEL_LABELS,
        "kinds": KIND_LABELS,
        "statuses": STATUS_LABELS,
        "categories": category_labels(),
        "choices": CHOICE_LABELS,
    }


def category_labels() -> dict[str, Any]:
    labels: dict[str, Any] = {c.key: c.label for c in CATEGORIES}
    labels["messages"] = _l("Messages from your ISVA")
    return labels


def minutes_label(value: int | str) -> str:
    minutes = int(value)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _quiet(value: str | None) -> str | None:
    try:
        start, end = (value or "").split("-")
        return str(_l("%(start)s to %(end)s", start=minutes_label(start), end=minutes_label(end)))
    except ValueError:
        return None


def _channel_change(channel: str, what: str, new: str | None) -> str | None:
    name = CHANNEL_LABELS.get(channel)
    if name is None:
        return None
    address = _l("Mobile number") if channel == Channel.SMS else _l("Email address")
    if what == "enabled":
        return str(
            _l("%(name)s turned on", name=name)
            if new == "yes"
            else _l("%(name)s turned off", name=name)
        )
    if what == "opted_out":
        if new == "yes":
            return str(_l("%(name)s stopped (opted out)", name=name))
        return str(_l("%(name)s no longer opted out", name=name))
    if what == "address":
        return str(_l("%(address)s added", address=address))
    if what == "safe_confirmed":
        return str(_l("%(address)s confirmed safe to use", address=address))
    if what == "verified":
        return str(_l("%(address)s confirmed with a code", address=address))
    return None


def describe(entry: Consent) -> str:
    """One log entry in words ("Text messages turned off", "Court: My ISVA tells me first")."""
    head, _dot, tail = entry.field.partition(".")
    text: str | None = None
    if head == "category":
        label = category_labels().get(tail)
        choice = CHOICE_LABELS.get(entry.new_value or "")
        if label is not None and choice is not None:
            text = f"{label}: {choice}"
    elif head == "quiet_hours":
        hours = _quiet(entry.new_value)
        if hours is not None:
            text = str(_l("Quiet hours: %(hours)s", hours=hours))
    elif tail:
        text = _channel_change(head, tail, entry.new_value)
    if text is None:  # a kind of entry this page does not know yet: show it as stored
        text = f"{entry.field}: {entry.new_value or ''}".strip()
    return text


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))
