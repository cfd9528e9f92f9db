# SPDX-License-Identifier: EUPL-1.2
"""The lifecycle of an application as one explicit transition table (DESIGN.md section 3).

applied -> granted (money reserved) -> enrolled (the provider confirms) -> started (advance
payment) -> completed with evidence -> paid (final payment); or refused, waiting, lapsed,
cancelled, dropped out, or not completed (attendance under 80 %, STAP art. 14(2)(b)).

Each transition names the money it moves, so services.py cannot move money that the table
does not allow, and a test pins the whole table. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


class Money(StrEnum):
    """What the ledger does on a transition (through accounts.services only)."""

    NONE = "none"
    RESERVE = "reserve"
    PAY_ADVANCE = "pay_advance"
    PAY_REST = "pay_rest"
    RELEASE = "release"
    SETTLE_DROP_OUT = "settle_drop_out"  # claw back the advance (unless excused), release rest


@dataclass(frozen=True)
class Transition:
    source: Status
    event: Event
    target: Status
    money: Money
    who: str  # "allocator", "person", "provider", "staff"


TABLE: tuple[Transition, ...] = (
    Transition(Status.APPLIED, Event.GRANT, Status.GRANTED, Money.RESERVE, "allocator"),
    Transition(Status.APPLIED, Event.WAITLIST, Status.WAITING, Money.NONE, "allocator"),
    Transition(Status.APPLIED, Event.REFUSE, Status.REFUSED, Money.NONE, "allocator"),
    Transition(Status.WAITING, Event.GRANT, Status.GRANTED, Money.RESERVE, "allocator"),
    Transition(Status.WAITING, Event.LAPSE, Status.LAPSED, Money.NONE, "allocator"),
    Transition(Status.WAITING, Event.CANCEL, Status.CANCELLED, Money.NONE, "person"),
    Transition(Status.GRANTED, Event.ENROL, Status.ENROLLED, Money.NONE, "provider"),
    Transition(Status.GRANTED, Event.CANCEL, Status.CANCELLED, Money.RELEASE, "person"),
    Transition(Status.ENROLLED, Event.START, Status.STARTED, Money.PAY_ADVANCE, "provider"),
    Transition(Status.ENROLLED, Event.CANCEL, Status.CANCELLED, Money.RELEASE, "person"),
    Transition(Status.STARTED, Event.COMPLETE, Status.COMPLETED, Money.NONE, "provider"),
    Transition(
        Status.STARTED, Event.DROP_OUT, Status.DROPPED_OUT, Money.SETTLE_DROP_OUT, "provider"
    ),
    Transition(
        Status.STARTED,
        Event.FAIL_ATTENDANCE,
        Status.NOT_COMPLETED,
        Money.SETTLE_DROP_OUT,
        "provider",
    ),
    Transition(Status.COMPLETED, Event.PAY_FINAL, Status.PAID, Money.PAY_REST, "system"),
)

_BY_KEY = {(t.source, t.event): t for t in TABLE}

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
    def __init__(self, source: str, event: str) -> None:
        super().__init__(f"'{event}' is not allowed when the application is '{source}'")
        self.source = source
        self.event = event


def step(source: str, event: str) -> Transition:
    """The transition for ``event`` from ``source``, or TransitionError."""
    try:
        return _BY_KEY[(Status(source), Event(event))]
    except (KeyError, ValueError):
        raise TransitionError(source, event) from None


def allowed(source: str) -> list[Event]:
    return [t.event for t in TABLE if t.source == source]
