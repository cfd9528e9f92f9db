# SPDX-License-Identifier: EUPL-1.2
"""The lifecycle of an application as one explicit transition table (DESIGN.md section 3).

applied -> granted (money reserved) -> enrolled (the provider confirms) -> started (advance
payment) -> completed with evidence -> paid (final payment); or refused, waiting, lapsed,
cancelled, dropped out, or not completed (attendance under 80 %, STAP art. 14(2)(b)).

Each row says who may take the step and which money it moves. The services look the row up
and do what it names (:mod:`llo.enrolment.services.transitions`): a row with another ``money``
moves other money, a row with another ``who`` refuses another party. Nothing else in the app
decides when money moves. A test pins the whole table. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Flag, StrEnum, auto
from functools import cache


class Status(StrEnum):
    APPLIED = "applied"  # in the intake of a window, not allocated yet
    WAITING = "waiting"  # on the waiting list of a window
    GRANTED = "granted"  # money reserved
    ENROLLED = "enrolled"  # the provider confirmed the enrolment
    STARTED = "started"  # the training started; the advance was paid
    COMPLETED = "completed"  # completed with evidence (art. 14(2))
    PAID = "paid"  # final payment made: closed
    REFUSED = "refused"
    LAPSED = "lapsed"  # the waiting list closed without money
    CANCELLED = "cancelled"  # before the start: all money released
    DROPPED_OUT = "dropped_out"
    NOT_COMPLETED = "not_completed"  # attendance under 80 % and no credential


class Event(StrEnum):
    GRANT = "grant"
    WAITLIST = "waitlist"
    REFUSE = "refuse"
    LAPSE = "lapse"
    ENROL = "enrol"
    START = "start"
    COMPLETE = "complete"
    PAY_FINAL = "pay_final"
    CANCEL = "cancel"
    DROP_OUT = "drop_out"
    FAIL_ATTENDANCE = "fail_attendance"


class Movement(StrEnum):
    """What the ledger does on a transition (through accounts.services only; the movements
    are in :mod:`llo.enrolment.services.money`)."""

    NONE = "none"
    #: Reserve the granted amount for the provider (from the window's budget, or from the
    #: person's own rights as the funding plan shows).
    RESERVE = "reserve"
    #: Pay the provider the advance (settlement.ADVANCE_PCT of what is reserved).
    PAY_ADVANCE = "pay_advance"
    #: The final payment: what is reserved and not paid yet (art. 14(2), with evidence).
    PAY_REST = "pay_rest"
    #: Release everything still reserved; a window's grant goes back to the window.
    RELEASE = "release"
    #: Take back what was paid (unless the stop was excused) and release the rest.
    CLAW_BACK = "claw_back"


class Who(Flag):
    """Who may take a step; ``PERSON | STAFF`` means either."""

    PERSON = auto()  # the person, or an adviser acting with their consent
    PROVIDER = auto()  # the training provider of the application
    STAFF = auto()  # the platform's staff (beheer)
    SYSTEM = auto()  # the allocator, the funding plan, a scheduled job

    def __str__(self) -> str:
        return " | ".join(sorted(str(m.name).lower() for m in Who if m in self))


@dataclass(frozen=True)
class Transition:
    source: Status
    event: Event
    target: Status
    money: Movement
    who: Who


def _row(source: str, event: str, target: str, money: str, who: Who) -> Transition:
    return Transition(Status(source), Event(event), Status(target), Movement(money), who)


PERSON, PROVIDER, SYSTEM = Who.PERSON, Who.PROVIDER, Who.SYSTEM

# fmt: off
TABLE: tuple[Transition, ...] = (
    #    from         event              to               money          who
    _row("applied",   "grant",           "granted",       "reserve",     SYSTEM),
    _row("applied",   "waitlist",        "waiting",       "none",        SYSTEM),
    _row("applied",   "refuse",          "refused",       "none",        SYSTEM),
    _row("waiting",   "grant",           "granted",       "reserve",     SYSTEM),
    _row("waiting",   "lapse",           "lapsed",        "none",        SYSTEM),
    _row("waiting",   "cancel",          "cancelled",     "none",        PERSON),
    _row("granted",   "enrol",           "enrolled",      "none",        PROVIDER),
    _row("granted",   "cancel",          "cancelled",     "release",     PERSON),
    _row("enrolled",  "start",           "started",       "pay_advance", PROVIDER),
    _row("enrolled",  "cancel",          "cancelled",     "release",     PERSON),
    _row("started",   "complete",        "completed",     "none",        PROVIDER),
    _row("started",   "drop_out",        "dropped_out",   "claw_back",   PROVIDER),
    _row("started",   "fail_attendance", "not_completed", "claw_back",   PROVIDER),
    _row("completed", "pay_final",       "paid",          "pay_rest",    SYSTEM),
)
# fmt: on

#: Statuses in which an application still counts as "applied this year" (once per year).
ACTIVE = frozenset(
    {
        Status.APPLIED,
        Status.WAITING,
        Status.GRANTED,
        Status.ENROLLED,
        Status.STARTED,
        Status.COMPLETED,
        Status.PAID,
        Status.DROPPED_OUT,
        Status.NOT_COMPLETED,
    }
)
#: Statuses that end the lifecycle.
FINAL = frozenset(
    {
        Status.PAID,
        Status.REFUSED,
        Status.LAPSED,
        Status.CANCELLED,
        Status.DROPPED_OUT,
        Status.NOT_COMPLETED,
    }
)
#: Statuses that hold reserved money.
HOLDS_MONEY = frozenset({Status.GRANTED, Status.ENROLLED, Status.STARTED, Status.COMPLETED})


class TransitionError(ValueError):
    """The table has no row for this event from this status."""

    def __init__(self, source: str, event: str) -> None:
        super().__init__(f"'{event}' is not allowed when the application is '{source}'")
        self.source = source
        self.event = event


class NotYourStep(TransitionError):
    """The table has the row, but another party takes this step."""

    def __init__(self, source: str, event: str, by: Who, who: Who) -> None:
        ValueError.__init__(self, f"'{event}' from '{source}' is taken by {who}, not by {by}")
        self.source = source
        self.event = event
        self.by = by


@cache
def _index(table: tuple[Transition, ...]) -> dict[tuple[Status, Event], Transition]:
    return {(t.source, t.event): t for t in table}


def step(source: str, event: str, by: Who | None = None) -> Transition:
    """The row for ``event`` from ``source``: TransitionError when there is none, and
    NotYourStep when ``by`` is given and the row does not let that party take it."""
    try:
        row = _index(TABLE)[(Status(source), Event(event))]
    except (KeyError, ValueError):
        raise TransitionError(source, event) from None
    if by is not None and not by & row.who:
        raise NotYourStep(row.source, row.event, by, row.who)
    return row


def allowed(source: str) -> list[Event]:
    return [t.event for t in TABLE if t.source == source]
