"""The `Starter` type and the sentences several starters share."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Starter:
    """The five questions (TRAUMA_INFORMED.md rule 12), as lazy translated strings."""

    what_happened: object
    what_it_means: object
    what_happens_next: object
    who_to_contact: object
    your_rights: object


ISVA_OR_OFFICER = _l(
    "Your ISVA can talk this through with you. You can also contact the officer in charge of "
    "your case."
)
ISVA_OR_WCU = _l(
    "The Witness Care Unit is your main contact while the case is in court. Your ISVA can talk "
    "this through with you."
)
SAFETY = _l(
    "If you feel unsafe, call 999 in an emergency. Otherwise, tell the officer in charge of "
    "your case. Your ISVA can help you plan how to stay safe."
)
