"""Twilio's error codes, as data: what each means for a send (retry later, fail for good, or
record an opt-out) and what an ISVA is told when it ends a notification (no contents, no
address). Read by the Twilio provider (an error from the API), the status webhook (an
"undelivered" or "failed" callback) and the failure tasks (tasks.py)."""

from __future__ import annotations

from dataclasses import dataclass

from notifications.providers.base import OPTED_OUT, PERMANENT, RETRY


@dataclass(frozen=True)
class TwilioCode:
    action: str  # RETRY, PERMANENT or OPTED_OUT
    explanation: str | None = None  # for the ISVA, when the code ends a notification


CODES: dict[int, TwilioCode] = {
    21610: TwilioCode(OPTED_OUT, "The person replied STOP to text messages."),  # never retry
    21211: TwilioCode(PERMANENT, "The mobile number is not valid."),  # invalid 'To' number
    21614: TwilioCode(PERMANENT, "The number cannot receive text messages."),  # not a mobile
    30005: TwilioCode(PERMANENT, "The mobile number is not known to the network."),
    30006: TwilioCode(PERMANENT, "The number is a landline or cannot receive text messages."),
    30007: TwilioCode(PERMANENT, "The network filtered the text message."),  # carrier filter
    30003: TwilioCode(RETRY),  # unreachable handset (switched off): try later
    20429: TwilioCode(RETRY),  # too many requests
    20500: TwilioCode(RETRY),  # Twilio internal error
    20503: TwilioCode(RETRY),  # service unavailable
}
# Unknown codes: permanent, so a person sees it (an ISVA task), rather than retried forever
# or dropped. HTTP 429 and 5xx without a known code are retried (``classify``).
UNKNOWN_ACTION = PERMANENT


def classify(code: int | None, http_status: int | None) -> str:
    """What to do about a Twilio error: RETRY, PERMANENT or OPTED_OUT."""
    if code is not None and code in CODES:
        return CODES[code].action
    if http_status is not None and (http_status == 429 or http_status >= 500):
        return RETRY
    return UNKNOWN_ACTION


def explanation(code: str) -> str | None:
    """What the ISVA is told about a notification this code ended, if Twilio's code says."""
    known = CODES.get(int(code)) if code.isdigit() else None
    return known.explanation if known is not None else None
