# SPDX-License-Identifier: EUPL-1.2
"""Payment arithmetic on evidence, over plain integers (no database).

* Advance: ``advance_pct`` of what is reserved, from ``ADVANCE_DAYS`` days before the start
  (STAP: the provider could invoice from 3 weeks before the start and was paid an advance;
  hoewerktnederland.nl, unconfirmed).
* Completed (art. 14(2)): a diploma or certificate, or attendance of at least 80 %. Excused
  absence (illness) is recorded and left out of the count: attended / (planned - excused).
* Completed: the rest is paid. Not completed or dropped out: the advance is clawed back and
  the rest released; with an excused reason (illness, personal circumstances: pmc.nl) the
  provider keeps the advance, and the rest is released.
"""

from __future__ import annotations

from dataclasses import dataclass

from llo.core.money import Money

ADVANCE_DAYS = 21
ADVANCE_PCT = 50
MIN_ATTENDANCE_PCT = 80


def advance_cents(reserved_cents: int, pct: int = ADVANCE_PCT) -> int:
    """``pct`` % of the reservation, rounded half up to the cent."""
    return Money(reserved_cents).percentage(pct).cents


def attendance_pct(attended: int, planned: int, excused: int = 0) -> int:
    """Whole percent, rounded down (80 % means at least 80 %); excused sessions do not count."""
    if min(attended, planned, excused) < 0 or attended + excused > planned:
        raise ValueError("attended + excused cannot be more than planned, nor negative")
    counted = planned - excused
    if counted == 0:
        return 100
    return attended * 100 // counted


def completed(*, credential: bool, attended: int, planned: int, excused: int = 0) -> bool:
    """Art. 14(2): (a) a diploma or certificate, or (b) attendance of at least 80 %."""
    return credential or attendance_pct(attended, planned, excused) >= MIN_ATTENDANCE_PCT


@dataclass(frozen=True)
class Settlement:
    pay_cents: int  # more to pay the provider
    claw_back_cents: int  # to take back from the provider
    release_cents: int  # reserved money that goes back

    def check(self, reserved: int, advance: int) -> None:
        assert self.pay_cents + self.release_cents == reserved - advance
        assert 0 <= self.claw_back_cents <= advance


def settle(
    *, reserved_cents: int, advance_paid_cents: int, completed: bool, excused: bool = False
) -> Settlement:
    """What happens to the money at the end. Never more than reserved is paid in total."""
    if not 0 <= advance_paid_cents <= reserved_cents:
        raise ValueError("the advance lies between 0 and what is reserved")
    rest = reserved_cents - advance_paid_cents
    if completed:
        result = Settlement(rest, 0, 0)
    elif excused:
        result = Settlement(0, 0, rest)
    else:
        result = Settlement(0, advance_paid_cents, rest)
    result.check(reserved_cents, advance_paid_cents)
    return result
