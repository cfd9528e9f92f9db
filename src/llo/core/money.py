# SPDX-License-Identifier: EUPL-1.2
"""Money in integer euro cents. No float ever enters a money path (DESIGN.md section 4)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_AMOUNT = re.compile(
    r"^\s*(-)?\s*(?:€\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2})|\.(\d{1,2}))?\s*$"
)


#: The largest amount anyone types or sends into llo: €10 billion, fifty times the yearly
#: budget of the largest learning scheme so far (STAP, about €200 million a year; seed 001).
#: A larger amount is a typo or an attack (a €24-quadrillion budget was accepted, and
#: 92233720368547758,08 overflowed the database: issue 14). Sums computed by llo may exceed it.
MAX_CENTS = 10**12


class MoneyError(ValueError):
    """An amount that is not a whole number of cents, or a float."""


class AmountTooLarge(MoneyError):
    """An amount above :data:`MAX_CENTS`."""


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount in integer euro cents.

    Arithmetic with another ``Money`` or an ``int`` factor is exact; anything that would need a
    fraction of a cent (division, percentages) goes through :meth:`allocate` or
    :meth:`percentage`, which state their rounding.
    """

    cents: int

    def __post_init__(self) -> None:
        if isinstance(self.cents, bool) or not isinstance(self.cents, int):
            raise MoneyError(f"Money needs a whole number of cents, not {self.cents!r}")

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def optional(cls, cents: int | None) -> Money | None:
        """An amount that may be absent (an optional field): ``None`` stays ``None``."""
        return None if cents is None else cls(cents)

    @classmethod
    def euros(cls, euros: int) -> Money:
        if isinstance(euros, bool) or not isinstance(euros, int):
            raise MoneyError(f"Money.euros needs a whole number of euros, not {euros!r}")
        return cls(euros * 100)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Read an amount as people write it: ``12``, ``12,50``, ``1.234,56``, ``€ 12.5``.

        A dot followed by exactly three digits is a thousands separator (Dutch style); a
        comma or a dot followed by one or two digits is the decimal separator.
        """
        if not isinstance(text, str):
            raise MoneyError(f"expected text, got {type(text).__name__}")
        match = _AMOUNT.match(text)
        if not match:
            raise MoneyError(f"'{text}' is not an amount in euros with at most two decimals")
        sign, whole, dec_comma, dec_dot = match.groups()
        decimals = (dec_comma or dec_dot or "").ljust(2, "0")
        digits = whole.replace(".", "")
        if len(digits) > 13:  # more than MAX_CENTS, and not worth converting
            raise AmountTooLarge(f"'{text[:40]}' is more than {Money(MAX_CENTS).format()}")
        cents = int(digits) * 100 + int(decimals or "0")
        if cents > MAX_CENTS:
            raise AmountTooLarge(f"'{text}' is more than {Money(MAX_CENTS).format()}")
        return cls(-cents if sign else cents)

    @classmethod
    def from_decimal(cls, value: Decimal | str) -> Money:
        """From a decimal amount in euros; refuses fractions of a cent."""
        try:
            dec = Decimal(value)
        except InvalidOperation as exc:
            raise MoneyError(f"'{value}' is not a number") from exc
        cents = dec * 100
        if cents != cents.to_integral_value():
            raise MoneyError(f"{value} euro is not a whole number of cents")
        return cls(int(cents))

    # --- arithmetic ----------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents - other.cents)

    def __neg__(self) -> Money:
        return Money(-self.cents)

    def __abs__(self) -> Money:
        return Money(abs(self.cents))

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise MoneyError("Money can only be multiplied by a whole number")
        return Money(self.cents * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.cents != 0

    def __truediv__(self, other: Any) -> Any:
        raise MoneyError("Money cannot be divided; use allocate() or percentage()")

    @property
    def is_negative(self) -> bool:
        return self.cents < 0

    def percentage(self, percent: int | Decimal) -> Money:
        """``percent`` % of this amount, rounded half up to the cent (away from zero)."""
        exact = Decimal(self.cents) * Decimal(percent) / Decimal(100)
        return Money(int(exact.quantize(Decimal(1), rounding="ROUND_HALF_UP")))

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to integer ``weights`` without losing a cent.

        Largest-remainder method: every part gets its floor, the cents left over go one by one
        to the parts with the largest remainders (earliest part first on a tie). The parts
        always sum to this amount exactly.
        """
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise MoneyError("allocate needs non-negative weights with a positive sum")
        total = sum(weights)
        sign = -1 if self.cents < 0 else 1
        amount = abs(self.cents)
        floors = [amount * w // total for w in weights]
        remainders = [amount * w % total for w in weights]
        left = amount - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            floors[i] += 1
        return [Money(sign * part) for part in floors]

    # --- presentation --------------------------------------------------------------------
    def format(self) -> str:
        """Dutch notation: ``€ 1.234,56``; negative amounts as ``-€ 1.234,56``."""
        sign = "-" if self.cents < 0 else ""
        euros, cents = divmod(abs(self.cents), 100)
        whole = f"{euros:,}".replace(",", ".")
        return f"{sign}€ {whole},{cents:02d}"

    def __str__(self) -> str:
        return self.format()


def total(amounts: Iterable[Money]) -> Money:
    result = Money(0)
    for amount in amounts:
        result = result + amount
    return result
