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

from notifications.welsh import DENYLIST_CY

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


# Welsh, for a recipient whose stored language is Welsh: the same templates, as neutral as the
# English. SMS text stays inside GSM-7 (one 160-character part), so the SMS wording avoids the
# circumflex (to bach): "Cadwch y cod i chi'ch hun" rather than "Peidiwch â'i rannu".
# Words to avoid, as well as the denylist: "achos" also means "because", but is "case".
TEMPLATES_CY: dict[str, Template] = {
    "victim_reminder": Template(
        "victim_reminder",
        1,
        sms="Mae gennych nodyn atgoffa gan {service}. Mewngofnodwch i'w weld: {url}",
        subject="Mae gennych nodyn atgoffa",
        text="Mae gennych nodyn atgoffa gan {service}.\n\nMewngofnodwch i'w weld: {url}\n",
    ),
    "victim_update": Template(
        "victim_update",
        1,
        sms="Mae gennych ddiweddariad newydd gan {service}. Mewngofnodwch i'w ddarllen: {url}",
        subject="Mae gennych ddiweddariad newydd",
        text=(
            "Mae gennych ddiweddariad newydd gan {service}.\n\nMewngofnodwch i'w ddarllen: {url}\n"
        ),
    ),
    "verification": Template(
        "verification",
        1,
        sms=(
            "Eich cod {service} yw {code}. Mae'n dod i ben ymhen 15 munud. "
            "Cadwch y cod i chi'ch hun."
        ),
        subject="Eich cod cadarnhau",
        text=(
            "Eich cod {service} yw {code}.\n\n"
            "Mae'n dod i ben ymhen 15 munud. Peidiwch â'i rannu ag unrhyw un.\n"
        ),
    ),
    "staff_work": Template(
        "staff_work",
        1,
        sms="Mae gennych waith newydd yn {service}: {url}",
        subject="Mae gennych waith newydd",
        text="Mae gennych waith newydd yn {service}.\n\nMewngofnodwch i'w weld: {url}\n",
    ),
    "staff_invitation": Template(
        "staff_invitation",
        1,
        sms="Sefydlwch eich cyfrif {service}: {url}/invitation/{code}",
        subject="Sefydlwch eich cyfrif",
        text=(
            "Rydych wedi cael gwahoddiad i {service}.\n\n"
            "Sefydlwch eich cyfrif gyda'r ddolen hon. Mae'n gweithio unwaith, am 72 awr: "
            "{url}/invitation/{code}\n\n"
            "Os nad oeddech yn disgwyl yr e-bost hwn, gallwch ei anwybyddu.\n"
        ),
    ),
}
TEMPLATES_BY_LANGUAGE: dict[str, dict[str, Template]] = {"en": TEMPLATES, "cy": TEMPLATES_CY}
LANGUAGES = tuple(TEMPLATES_BY_LANGUAGE)


def template_for(kind: str, language: str = "en") -> Template:
    """The template for a kind in the recipient's language (English when none is stored, or
    if a kind had no Welsh yet: tests/notifications/test_welsh.py fails on that first)."""
    name = KIND_TEMPLATE[kind]
    return TEMPLATES_BY_LANGUAGE.get(language, TEMPLATES).get(name) or TEMPLATES[name]


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


# The Welsh words, with their mutated forms (notifications/welsh.py), are checked in every
# message, whichever language it is in.
_DENY_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in (*DENYLIST, *DENYLIST_CY)) + r")\b", re.IGNORECASE
)
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
    language: str = "en"


def render(
    kind: str, *, service: str, url: str, code: str | None = None, language: str = "en"
) -> Rendered:
    """Render one kind for both channels in ``language``; raises if the result is not neutral
    (in English or Welsh) or an SMS would not fit one GSM-7 part. Messages without a code are
    the same every time: cached."""
    if code is None:
        return _render_cached(kind, service, url, language)
    return _render(kind, service, url, code, language)


@functools.lru_cache(maxsize=64)
def _render_cached(kind: str, service: str, url: str, language: str) -> Rendered:
    return _render(kind, service, url, None, language)


def _render(kind: str, service: str, url: str, code: str | None, language: str) -> Rendered:
    template = template_for(kind, language)
    lang = language if language in TEMPLATES_BY_LANGUAGE else "en"
    values = {"service": service, "url": url, "code": code or ""}
    sms = template.sms.format(**values)
    text = template.text.format(**values)
    paragraphs = "".join(
        f"<p>{_link(escape(p), url)}</p>" for p in text.strip().split("\n\n") if p.strip()
    )
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(template.subject)}</title></head>"
        f'<body style="font-family: Arial, sans-serif; font-size: 19px">{paragraphs}</body></html>'
    )
    for part in (sms, template.subject, text, html):
        # The code is ours (digits, or a random token that may spell anything): the check is
        # on the words around it.
        check_neutral(part.replace(code, "") if code else part)
    if len(sms) > SMS_MAX or not set(sms) <= GSM7:
        raise UnsafeContentError("SMS does not fit one GSM-7 message")
    return Rendered(template.name, template.version, sms, template.subject, text, html, lang)


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
