"""Plain-English starter text for the five questions of every journey event.

The ISVA edits these before publishing; they are a good first draft, not a form letter. Rules
(TRAUMA_INFORMED.md 12 and 21): short sentences, second person, active voice; describe the
process and the suspect's conduct, never question the victim's; never "complainant" or
"alleged victim"; no promise an agency cannot keep; legal terms are glossary terms (they are
linked when shown). Rights follow the Victims' Code's enhanced rights for victims of sexual
offences (most updates within 1 working day). No placeholders: the ISVA adds the details
(dates, places, charges), prompted by the event's compose hint.
"""

from __future__ import annotations

from portal.starters.before_court import BEFORE_COURT
from portal.starters.common import Starter
from portal.starters.court_and_after import COURT_AND_AFTER

__all__ = ["STARTERS", "Starter"]

STARTERS: dict[str, Starter] = {**BEFORE_COURT, **COURT_AND_AFTER}
