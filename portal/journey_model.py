"""The types of the journey catalogue (`portal.journey` holds the data and the queries).

Kept apart so the catalogue reads as a table and each module stays one thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from portal.starters import STARTERS, Starter


class Agency(StrEnum):
    """Who tells the victim: the source label on every update in the timeline."""

    POLICE = "police"
    CPS = "cps"
    WCU = "wcu"
    PROBATION = "probation"
    ISVA = "isva"
    VICTIM = "victim"

    @property
    def label(self) -> object:
        return _AGENCY_LABELS[self]


_AGENCY_LABELS = {
    Agency.POLICE: _l("Police"),
    Agency.CPS: _l("Crown Prosecution Service (CPS)"),
    Agency.WCU: _l("Witness Care Unit"),
    Agency.PROBATION: _l("Probation Service"),
    Agency.ISVA: _l("Your ISVA"),
    Agency.VICTIM: _l("You"),
}


class Stage(StrEnum):
    """A step of the journey the victim sees. Order comes from the catalogue (`stages()`)."""

    REPORTED = "reported"
    INVESTIGATION = "investigation"
    DECISION = "decision"
    COURT = "court"
    OUTCOME = "outcome"
    AFTER_SENTENCE = "after_sentence"

    @property
    def label(self) -> object:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.REPORTED: _l("Reported"),
    Stage.INVESTIGATION: _l("Investigation"),
    Stage.DECISION: _l("Decision"),
    Stage.COURT: _l("Court"),
    Stage.OUTCOME: _l("Outcome"),
    Stage.AFTER_SENTENCE: _l("After sentence"),
}


@dataclass(frozen=True)
class Deadline:
    """The agency's duty under the Victims' Code (enhanced rights), in working days.

    `counts_from` says what the clock starts at; `portal.services.updates.deadlines.due_by`
    starts it at the moment the agency learned of the event.
    """

    working_days: int
    counts_from: object
    note: object | None = None


class WindowKind(StrEnum):
    VRR = "vrr"
    ULS = "uls"


@dataclass(frozen=True)
class Window:
    """A time limit the victim can act within, shown as a countdown.

    Unduly Lenient Sentence scheme: the Attorney General's Office must *receive* the request
    within 28 calendar days of the sentence (Criminal Justice Act 1988, Sch. 3 para. 1); the
    limit is absolute and weekends count. Sentenced on 4 January: the last day is 1 February.

    Victims' Right to Review: the CPS asks for requests ideally within 10 working days of the
    decision letter and considers them up to 3 months after it (later only in exceptional
    circumstances); police forces accept requests within 3 months of telling the victim of the
    decision (National Policing Guidelines). The victim sees the window closing 3 calendar
    months after the decision, with "best to ask within 10 working days" as advice.
    """

    kind: WindowKind
    name: object
    summary: object  # one sentence: what it means
    calendar_days: int | None = None
    months: int | None = None
    advise_within_working_days: int | None = None
    advice: object | None = None


VRR_WINDOW = Window(
    WindowKind.VRR,
    _l("Victims' Right to Review"),
    _l("You can ask for this decision to be looked at again by someone who was not involved."),
    months=3,
    advise_within_working_days=10,
    advice=_l("It is best to ask within 10 working days, so the review can happen quickly."),
)
ULS_WINDOW = Window(
    WindowKind.ULS,
    _l("Unduly Lenient Sentence scheme"),
    _l("You can ask the Attorney General's Office to look at whether the sentence is too low."),
    calendar_days=28,
    advice=_l("This time limit is fixed by law and cannot be extended. Ask early."),
)


@dataclass(frozen=True)
class Outcome:
    key: str
    label: object


@dataclass(frozen=True)
class Event:
    """One row of JOURNEY.md."""

    key: str
    title: object  # neutral heading; never names the offence
    category: str
    stage: Stage | None  # None: can happen at any point and does not move the case along
    who_tells: tuple[Agency, ...]
    rights: tuple[int, ...]  # Victims' Code right numbers (1-12)
    deadline: Deadline | None
    window: Window | None = None
    sensitive: bool = False
    isva_first: bool = False
    isva_first_outcomes: frozenset[str] = frozenset()
    outcomes: tuple[Outcome, ...] = ()
    requires_reason: bool = False
    # The event's date is one the victim plans around ("hearing", "trial", ...): an update that
    # moves it needs a reason the victim sees (portal.services.updates.date_changes).
    date_kind: str | None = None
    content_note: object | None = None
    compose_hint: object | None = None  # for the ISVA writing the update, never the victim
    info_pages: tuple[str, ...] = ()
    starter: Starter = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starter", STARTERS[self.key])

    def needs_isva_first(self, outcome: str | None = None) -> bool:
        """Whether the update is held until the ISVA confirms support is in place.

        For events whose rule depends on the outcome (a verdict: only an acquittal, on all or
        some charges), an unknown outcome is held: when in doubt, support comes first.
        """
        if self.isva_first:
            return True
        if not self.isva_first_outcomes:
            return False
        return outcome is None or outcome in self.isva_first_outcomes
