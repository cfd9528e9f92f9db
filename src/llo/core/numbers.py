# SPDX-License-Identifier: EUPL-1.2
"""Numbers as Dutch people type and read them: ``80,5`` and ``1.250`` (issue 15 item 6: the
offer form showed a study load as "80,0" and then refused it with "Voer een getal in").

The same reading as :meth:`llo.core.money.Money.parse`: a dot followed by exactly three digits
is a thousands separator; a comma, or a dot followed by other than three digits, is the decimal
separator. So "1.000" is a thousand, "1.5" and "1,5" are one and a half. Pure: no Django.
"""

from __future__ import annotations

import re
from decimal import Decimal

_NUMBER = re.compile(r"^\s*(-)?\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+)|\.(\d{1,2}|\d{4,}))?\s*$")


class NumberError(ValueError):
    """Text that is not a number as people write it."""


def parse_decimal(text: str) -> Decimal:
    """``"80,0"`` -> ``Decimal("80.0")``; ``"1.250,5"`` -> ``Decimal("1250.5")``."""
    match = _NUMBER.match(text or "")
    if not match:
        raise NumberError(f"{text!r} is not a number")
    sign, whole, dec_comma, dec_dot = match.groups()
    decimals = dec_comma or dec_dot
    value = Decimal(whole.replace(".", "") + (f".{decimals}" if decimals else ""))
    return -value if sign else value


def format_decimal(value: Decimal | int | None) -> str:
    """The Dutch way to write ``value``, which :func:`parse_decimal` reads back unchanged:
    a decimal comma, no thousands separator (so the text is never ambiguous), and no
    trailing zeros (``80`` rather than ``80,0``)."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f").replace(".", ",")
