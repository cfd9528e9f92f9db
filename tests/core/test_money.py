# SPDX-License-Identifier: EUPL-1.2
"""Money is integer cents: properties that must hold for every amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llo.core.money import Money, MoneyError, total

cents = st.integers(min_value=-(10**12), max_value=10**12)
weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=20).filter(
    lambda w: sum(w) > 0
)


@given(cents, cents, cents)
def test_addition_is_exact_associative_and_commutative(a: int, b: int, c: int) -> None:
    x, y, z = Money(a), Money(b), Money(c)
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert (x + y).cents == a + b
    assert x - x == Money.zero()


@given(cents, weights)
def test_allocate_never_loses_or_makes_a_cent(amount: int, ws: list[int]) -> None:
    parts = Money(amount).allocate(ws)
    assert total(parts) == Money(amount)
    assert len(parts) == len(ws)
    for part, w in zip(parts, ws, strict=True):
        exact = Decimal(amount) * w / sum(ws)
        # every part is within one cent of its exact share
        assert abs(Decimal(part.cents) - exact) < 1
        if w == 0:
            assert part == Money(0)


@given(cents)
def test_format_and_parse_round_trip(amount: int) -> None:
    assert Money.parse(Money(amount).format().replace("€ ", "")) == Money(amount)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=100))
def test_percentage_rounds_half_up_to_the_cent(amount: int, percent: int) -> None:
    result = Money(amount).percentage(percent)
    exact = Decimal(amount) * percent / 100
    assert abs(Decimal(result.cents) - exact) <= Decimal("0.5")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12,50", 1250),
        ("12.50", 1250),
        ("1.234,56", 123456),
        ("€ 1.000", 100000),
        ("-3,01", -301),
        ("0,01", 1),
    ],
)
def test_parse_dutch_and_plain_notation(text: str, cents: int) -> None:
    assert Money.parse(text) == Money(cents)


@pytest.mark.parametrize("text", ["", "abc", "12,345", "1,2,3", "12.3.4", "1e3", "12,"])
def test_parse_refuses_what_is_not_whole_cents(text: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(text)


@pytest.mark.parametrize("bad", [1.5, 0.1, "12", None, True, Decimal("1.5")])
def test_no_float_or_other_type_becomes_money(bad: object) -> None:
    with pytest.raises(MoneyError):
        Money(bad)  # type: ignore[arg-type]


def test_money_cannot_be_divided_or_multiplied_by_a_float() -> None:
    with pytest.raises(MoneyError):
        Money(100) / 3  # type: ignore[operator]
    with pytest.raises(MoneyError):
        Money(100) * 1.5  # type: ignore[operator]


def test_from_decimal_refuses_fractions_of_a_cent() -> None:
    assert Money.from_decimal("10.25") == Money(1025)
    with pytest.raises(MoneyError):
        Money.from_decimal("10.255")
    with pytest.raises(MoneyError):
        Money.from_decimal("ten")


def test_format_is_dutch() -> None:
    assert Money(123456).format() == "€ 1.234,56"
    assert Money(-5).format() == "-€ 0,05"
    assert str(Money(100000)) == "€ 1.000,00"
