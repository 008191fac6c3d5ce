"""Neutral, versioned message templates (TRAUMA_INFORMED.md rule 6).

A phone or inbox may be read by someone else: every SMS and email says only that there is
something new, and where to sign in. No template takes any text from a case, an update or a
message; the only variables are the service name, the portal's address and (for a
verification) a one-time code. ``check_neutral`` is the denylist every rendered body, and every
body the test providers receive, must pass.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from email.message import EmailMessage
from html import escape

# Kinds of notification. "verification" carries a code and ignores category choices (but
# still needs the contact point to be confirmed safe); "staff_work" goes to staff by email.
KIND_UPDATE = "update"
KIND_MESSAGE = "message"
KIND_VERIFICATION = "verification"
KIND_STAFF_WORK = "staff_work"
# A new member of staff's way in: the link carries the invitation token (the "code"), which
# lives encrypted in the outbox row only until the email is final.
KIND_STAFF_INVITATION = "staff_invitation"
# A reminder the victim asked for (a date coming up, a time limit closing): it says only that
# there is a reminder, never of what.
KIND_REMINDER = "reminder"
KINDS = (
    KIND_UPDATE,
    KIND_MESSAGE,
    KIND_REMINDER,
    KIND_VERIFICATION,
    KIND_STAFF_WORK,
    KIND_STAFF_INVITATION,
)
# Kinds a victim is sent: category choices and quiet hours apply, and a failed one falls back
# to the person's other channel.
VICTIM_KINDS = (KIND_UPDATE, KIND_MESSAGE, KIND_REMINDER)

EMAIL_SUBJECT = "You have a new update"
STAFF_SUBJECT = "You have new work"
VERIFY_SUBJECT = "Your confirmation code"
INVITATION_SUBJECT = "Set up your account"
REMINDER_SUBJECT = "You have a reminder"


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    sms: str
    subject: str
    text: str


TEMPLATES: dict[str, Template] = {
    "victim_update": Template(
        "victim_update",
        1,
        sms="You have a new update from {service}. Sign in to read it: {url}",
        subject=EMAIL_SUBJECT,
        text="You have a new update from {service}.\n\nSign in to read it: {url}\n",
    ),
    "victim_reminder": Template(
        "victim_reminder",
        1,
        sms="You have a reminder from {service}. Sign in to see it: {url}",
        subject=REMINDER_SUBJECT,
        text="You have a reminder from {service}.\n\nSign in to see it: {url}\n",
    ),
    "verification": Template(
        "verification",
        1,
        sms="Your {service} code is {code}. It expires in 15 minutes. Do not share it.",
        subject=VERIFY_SUBJECT,
        text="Your {service} code is {code}.\n\nIt expires in 15 minutes. Do not share it.\n",
    ),
    "staff_work": Template(
        "staff_work",
        1,
        sms="You have new work in {service}: {url}",
        subject=STAFF_SUBJECT,
        text="You have new work in {service}.\n\nSign in to see it: {url}\n",
    ),
    "staff_invitation": Template(
        "staff_invitation",
        1,
        sms="Set up your {service} account: {url}/invitation/{code}",
        subject=INVITATION_SUBJECT,
        text=(
            "You have been invited to {service}.\n\n"
            "Set up your account with this link. It works once, for 72 hours: "
            "{url}/invitation/{code}\n\n"
            "If you were not expecting this email, you can ignore it.\n"
        ),
    ),
}

KIND_TEMPLATE = {
    KIND_UPDATE: "victim_update",
    KIND_MESSAGE: "victim_update",
    KIND_REMINDER: "victim_reminder",
    KIND_VERIFICATION: "verification",
    KIND_STAFF_WORK: "staff_work",
    KIND_STAFF_INVITATION: "staff_invitation",
}


def template_for(kind: str) -> Template:
    return TEMPLATES[KIND_TEMPLATE[kind]]


# Words that must never appear in a notification: offences, agencies, courts, the process.
DENYLIST = (
    "rape",
    "raped",
    "assault",
    "sexual",
    "sex",
    "abuse",
    "offence",
    "offender",
    "crime",
    "victim",
    "suspect",
    "defendant",
    "accused",
    "attack",
    "police",
    "officer",
    "cps",
    "crown",
    "prosecution",
    "court",
    "trial",
    "hearing",
    "judge",
    "verdict",
    "sentence",
    "bail",
    "arrest",
    "arrested",
    "charged",
    "witness",
    "probation",
    "parole",
    "isva",
    "case",
    "evidence",
    "statement",
)
_DENY_RE = re.compile(r"\b(" + "|".join(DENYLIST) + r")\b", re.IGNORECASE)
# A case reference looks like letters, a dash and digits (RIV-2026-0001, TEST-00012).
_REFERENCE_RE = re.compile(r"\b[A-Z]{2,}-\d{2,}", re.IGNORECASE)

# The GSM 03.38 basic character set: an SMS in it fits 160 characters in one part.
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
SMS_MAX = 160


class UnsafeContentError(ValueError):
    """A rendered notification failed the neutrality check; it is never sent."""


def denied_words(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Denylisted words, case-reference-like tokens and any ``extra`` strings (names,
    references) found in ``text``."""
    found = [m.group(0).lower() for m in _DENY_RE.finditer(text)]
    found += [m.group(0) for m in _REFERENCE_RE.finditer(text)]
    lowered = text.casefold()
    found += [e for e in extra if e and e.casefold() in lowered]
    return found


def check_neutral(text: str, extra: tuple[str, ...] = ()) -> None:
    found = denied_words(text, extra)
    if found:
        raise UnsafeContentError("notification text failed the neutrality check")


@dataclass(frozen=True)
class Rendered:
    template: str
    version: int
    sms: str
    subject: str
    text: str
    html: str


def render(kind: str, *, service: str, url: str, code: str | None = None) -> Rendered:
    """Render one kind for both channels; raises if the result is not neutral or an SMS would
    not fit one GSM-7 part. Messages without a code are the same every time: cached."""
    if code is None:
        return _render_cached(kind, service, url)
    return _render(kind, service, url, code)


@functools.lru_cache(maxsize=64)
def _render_cached(kind: str, service: str, url: str) -> Rendered:
    return _render(kind, service, url, None)


def _render(kind: str, service: str, url: str, code: str | None) -> Rendered:
    template = template_for(kind)
    values = {"service": service, "url": url, "code": code or ""}
    sms = template.sms.format(**values)
    text = template.text.format(**values)
    paragraphs = "".join(
        f"<p>{_link(escape(p), url)}</p>" for p in text.strip().split("\n\n") if p.strip()
    )
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(template.subject)}</title></head>"
        f'<body style="font-family: Arial, sans-serif; font-size: 19px">{paragraphs}</body></html>'
    )
    for part in (sms, template.subject, text, html):
        # The code is ours (digits, or a random token that may spell anything): the check is
        # on the words around it.
        check_neutral(part.replace(code, "") if code else part)
    if len(sms) > SMS_MAX or not set(sms) <= GSM7:
        raise UnsafeContentError("SMS does not fit one GSM-7 message")
    return Rendered(template.name, template.version, sms, template.subject, text, html)


def _link(paragraph: str, url: str) -> str:
    """Every address on the portal (the base, or a path under it) becomes a link."""
    pattern = re.escape(escape(url)) + r"[^\s<]*"
    return re.sub(pattern, lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', paragraph)


def build_email(
    rendered: Rendered,
    *,
    to: str,
    sender: str,
    message_id: str,
    unsubscribe_url: str | None,
) -> EmailMessage:
    """A multipart text + HTML email with a fixed subject, a stored Message-ID and one-click
    unsubscribe headers (RFC 8058). ``unsubscribe_url`` is this recipient's own signed link
    (notifications/unsubscribe.py); without one, neither unsubscribe header is sent, since
    List-Unsubscribe-Post must only accompany an address that works without signing in."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = message_id
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
