"""The provider interface, its result and error types, and Twilio's error codes as data.

A provider sends one message and answers in one of four ways: a ``SendResult`` (the provider
has it), ``RetryableError`` (it certainly does not; try later), ``PermanentError`` (it never
will; tell the ISVA), or ``InDoubtError`` (we cannot know: a timeout after the request left).
In doubt is never retried blindly; the worker reconciles first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: uuid.UUID
    attempt_id: uuid.UUID
    channel: str
    to: str
    sms_body: str
    subject: str
    text: str
    html: str
    message_id: str | None = None  # email
    unsubscribe_url: str | None = None  # email: this recipient's one-click List-Unsubscribe
    status_callback: str | None = None  # SMS
    validity_period: int | None = None  # SMS, seconds


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str = "sent"


class ProviderError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class RetryableError(ProviderError):
    """The provider did not take the message; sending again later is safe."""


class PermanentError(ProviderError):
    """The provider will never deliver to this address; the ISVA must be told."""


class OptedOutError(PermanentError):
    """The recipient opted out at the provider (SMS STOP): record it, never retry."""


class InDoubtError(ProviderError):
    """The request may have reached the provider: reconcile before any retry."""


# Reconciliation answers.
FOUND = "found"
NOT_SEEN = "not_seen"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reconciled:
    outcome: str  # FOUND, NOT_SEEN or UNKNOWN
    provider_id: str | None = None


class Provider(Protocol):
    name: str
    channel: str

    def send(self, message: OutgoingMessage) -> SendResult: ...

    def reconcile(
        self, message: OutgoingMessage, started_at: datetime, known_ids: set[str]
    ) -> Reconciled: ...

    def close(self) -> None: ...


# Twilio error codes -> what they mean for us. Anything not listed gets UNKNOWN_TWILIO_ACTION.
RETRY = "retry"
PERMANENT = "permanent"
OPTED_OUT = "opted_out"

TWILIO_ERRORS: dict[int, str] = {
    21610: OPTED_OUT,  # the number replied STOP: record the opt-out, never retry
    21211: PERMANENT,  # invalid 'To' number
    21614: PERMANENT,  # not a mobile number
    30005: PERMANENT,  # unknown destination handset
    30006: PERMANENT,  # landline or unreachable carrier
    30007: PERMANENT,  # filtered by the carrier
    30003: RETRY,  # unreachable handset (switched off): try later
    20429: RETRY,  # too many requests
    20500: RETRY,  # Twilio internal error
    20503: RETRY,  # service unavailable
}
# Unknown codes: permanent, so a person sees it (an ISVA task), rather than retried forever
# or dropped. HTTP 429 and 5xx without a known code are retried (classify_twilio).
UNKNOWN_TWILIO_ACTION = PERMANENT


def classify_twilio(code: int | None, http_status: int | None) -> str:
    if code is not None and code in TWILIO_ERRORS:
        return TWILIO_ERRORS[code]
    if http_status is not None and (http_status == 429 or http_status >= 500):
        return RETRY
    return UNKNOWN_TWILIO_ACTION


def error_for(action: str, code: str, detail: str = "") -> ProviderError:
    if action == OPTED_OUT:
        return OptedOutError(code, detail)
    if action == RETRY:
        return RetryableError(code, detail)
    return PermanentError(code, detail)
