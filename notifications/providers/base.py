"""The provider interface, its result and error types, and the names of what one send came to.

A provider sends one message and answers in one of four ways: a ``SendResult`` (the provider
has it), ``RetryableError`` (it certainly does not; try later), ``PermanentError`` (it never
will; tell the ISVA), or ``InDoubtError`` (we cannot know: a timeout after the request left).
In doubt is never retried blindly; the worker reconciles first. Each provider's own error
codes live with that provider (Twilio's: ``twilio_codes.py``).
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


# What one send came to: the worker's outcome kinds, and the actions a provider's error codes
# map to. Named here once; the worker, the recording and the state machine share them.
SENT = "sent"
RETRY = "retry"
PERMANENT = "permanent"
OPTED_OUT = "opted_out"
IN_DOUBT = "in_doubt"
NOT_SEEN = "not_seen"  # also a reconciliation answer: the provider never saw it; send again

# Reconciliation answers (and NOT_SEEN above).
FOUND = "found"
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


def error_for(action: str, code: str, detail: str = "") -> ProviderError:
    """The error a provider raises for an action its code table gave (RETRY, OPTED_OUT, or
    anything else: permanent)."""
    if action == OPTED_OUT:
        return OptedOutError(code, detail)
    if action == RETRY:
        return RetryableError(code, detail)
    return PermanentError(code, detail)
