# SPDX-License-Identifier: EUPL-1.2
"""Dutch numbers read and written as one pair (issue 15 item 6: "80,0" came back refused)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llo.core.numbers import NumberError, format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80", Decimal(80)),
        ("80,0", Decimal(80)),
        ("80.0", Decimal(80)),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1.000", Decimal(1000)),
        ("1.250,5", Decimal("1250.5")),
        (" 7 ", Decimal(7)),
        ("-3,25", Decimal("-3.25")),
    ],
)
def test_reads_numbers_as_dutch_people_write_them(text: str, value: Decimal) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "veel", "1,2,3", "1.00.0", "12,", ",5", "1 000", "€ 5"])
def test_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(NumberError):
        parse_decimal(text)


def test_writes_a_decimal_comma_and_no_trailing_zeros() -> None:
    assert format_decimal(Decimal("80.0")) == "80"
    assert format_decimal(Decimal("12.50")) == "12,5"
    assert format_decimal(Decimal("1250.5")) == "1250,5"
    assert format_decimal(3) == "3"
    assert format_decimal(None) == ""


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False))
def test_what_is_written_is_read_back_unchanged(value: Decimal) -> None:
    assert parse_decimal(format_decimal(value)) == value
