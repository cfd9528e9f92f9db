# SPDX-License-Identifier: EUPL-1.2
"""The pure rules of the ledger."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llo.accounts import ledger
from llo.accounts.ledger import AccountKind, Cause, InsufficientFunds, LedgerError, Posting

KINDS = {
    1: AccountKind.SOURCE,
    2: AccountKind.BUDGET,
    3: AccountKind.RIGHT,
    4: AccountKind.RIGHT,
    5: AccountKind.RESERVATION,
    6: AccountKind.PROVIDER,
    7: AccountKind.RETURNED,
}


def test_a_move_is_two_postings_that_sum_to_zero() -> None:
    postings = ledger.move(2, 3, 500)
    assert postings == [Posting(2, -500), Posting(3, 500)]
    ledger.validate(Cause.DEPOSIT, postings, KINDS)


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "5", None])
def test_amounts_are_whole_positive_cents(amount: object) -> None:
    with pytest.raises(LedgerError):
        ledger.check_amount(amount)


def test_unbalanced_transactions_are_refused() -> None:
    with pytest.raises(LedgerError, match="sum to 1"):
        ledger.validate(Cause.DEPOSIT, [Posting(2, -500), Posting(3, 501)], KINDS)


@pytest.mark.parametrize(
    ("cause", "source", "target"),
    [
        (Cause.DEPOSIT, 1, 3),  # a deposit comes from a budget, not straight from the source
        (Cause.PAYMENT, 3, 6),  # a provider is paid from a reservation only
        (Cause.RESERVATION, 2, 5),  # a reservation is made on a right
        (Cause.EXPIRY, 3, 4),  # expired money goes back to the funder
    ],
)
def test_each_cause_has_its_own_flows(cause: Cause, source: int, target: int) -> None:
    with pytest.raises(LedgerError, match="may not"):
        ledger.validate(cause, ledger.move(source, target, 100), KINDS)


def test_a_move_to_the_same_account_is_refused() -> None:
    with pytest.raises(LedgerError):
        ledger.move(3, 3, 100)


def test_apply_refuses_below_the_floor_and_changes_nothing() -> None:
    balances = {2: 100, 3: 0}
    with pytest.raises(InsufficientFunds):
        ledger.apply(balances, ledger.move(2, 3, 101), {2: 0, 3: 0})
    assert balances == {2: 100, 3: 0}


def test_the_source_has_no_floor() -> None:
    assert ledger.apply({}, ledger.move(1, 2, 10), {1: None, 2: 0}) == {1: -10, 2: 10}


@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 10_000)), max_size=40)
)
def test_applying_moves_conserves_money(moves: list[tuple[int, int, int]]) -> None:
    floors: dict[int, int | None] = {1: None, 2: 0, 3: 0, 4: 0}
    balances: dict[int, int] = {}
    for source, target, amount in moves:
        if source == target:
            continue
        with contextlib.suppress(InsufficientFunds):
            balances = ledger.apply(balances, ledger.move(source, target, amount), floors)
        assert sum(balances.values()) == 0
        assert all(balances.get(a, 0) >= 0 for a in (2, 3, 4))


def test_lock_order_is_by_account() -> None:
    assert ledger.lock_order({9: 1, 2: -1, 5: 3}) == [(2, -1), (5, 3), (9, 1)]
