# SPDX-License-Identifier: EUPL-1.2
"""The rules of the double-entry ledger, without a database.

Every movement of money is one transaction of postings that sum to zero (DESIGN.md section 4:
"every transaction balances to zero; balances are derived from postings"). A posting adds a
signed amount in cents to one account: positive means money arrives, negative means it
leaves. An account's balance is the sum of its postings and may not go below its floor.

Accounts, and the flows each cause may make between them::

    source (per funder, no floor: minus what the funder put in)
      └─ funding ─→ budget (per budget)
                      ├─ deposit ─→ pool (per budget: deposited to persons, not yet used)
                      └─ expiry ──→ returned (per funder)
    pool ─ deposit ─→ right (a right gets its own account when its money first moves)
    pool ─ expiry ─→ returned (rights that expire without ever being used)
    right ─ reservation ─→ reservation (per reservation)
    right ─ expiry ─→ returned                      right ─ transfer ─→ right | returned
    right ─ return ─→ budget (a right given back whole, e.g. a cancelled grant)
    reservation ─ release ─→ right | returned       reservation ─ payment ─→ provider
    provider ─ claw_back ─→ right | returned

Conservation follows: what funders put in (minus the source balances) equals the money in
budgets + rights + reservations + providers + returned, to the cent, always.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class AccountKind(StrEnum):
    SOURCE = "source"
    BUDGET = "budget"
    POOL = "pool"
    RIGHT = "right"
    RESERVATION = "reservation"
    PROVIDER = "provider"
    RETURNED = "returned"


#: The lowest balance each kind may have. The source is where money enters the ledger, so it
#: runs negative; everything else holds money and cannot hold less than nothing.
FLOORS: dict[AccountKind, int | None] = {
    AccountKind.SOURCE: None,
    AccountKind.BUDGET: 0,
    AccountKind.POOL: 0,
    AccountKind.RIGHT: 0,
    AccountKind.RESERVATION: 0,
    AccountKind.PROVIDER: 0,
    AccountKind.RETURNED: 0,
}


class Cause(StrEnum):
    """Why money moved. Every transaction has exactly one cause."""

    FUNDING = "funding"
    DEPOSIT = "deposit"
    RESERVATION = "reservation"
    RELEASE = "release"
    PAYMENT = "payment"
    CLAW_BACK = "claw_back"
    EXPIRY = "expiry"
    TRANSFER = "transfer"
    #: A right given back whole to the budget it came from (a cancelled window grant: the
    #: money is for the next on the waiting list).
    RETURN = "return"


K = AccountKind
#: (from, to) kinds each cause may move money between.
FLOWS: dict[Cause, frozenset[tuple[AccountKind, AccountKind]]] = {
    Cause.FUNDING: frozenset({(K.SOURCE, K.BUDGET)}),
    Cause.DEPOSIT: frozenset({(K.BUDGET, K.POOL), (K.POOL, K.RIGHT)}),
    Cause.RESERVATION: frozenset({(K.RIGHT, K.RESERVATION)}),
    Cause.RELEASE: frozenset({(K.RESERVATION, K.RIGHT), (K.RESERVATION, K.RETURNED)}),
    Cause.PAYMENT: frozenset({(K.RESERVATION, K.PROVIDER)}),
    Cause.CLAW_BACK: frozenset({(K.PROVIDER, K.RIGHT), (K.PROVIDER, K.RETURNED)}),
    Cause.EXPIRY: frozenset({(K.RIGHT, K.RETURNED), (K.BUDGET, K.RETURNED), (K.POOL, K.RETURNED)}),
    Cause.TRANSFER: frozenset({(K.RIGHT, K.RIGHT), (K.RIGHT, K.RETURNED)}),
    Cause.RETURN: frozenset({(K.RIGHT, K.BUDGET)}),
}


class LedgerError(ValueError):
    """A transaction that breaks a rule of the ledger (a bug or bad input, never partial)."""


class InsufficientFunds(LedgerError):
    """A posting would take an account below its floor."""

    def __init__(self, account: object, balance: int, delta: int, floor: int) -> None:
        super().__init__(
            f"account {account}: balance {balance} + {delta} would go below its floor {floor}"
        )
        self.account = account
        self.balance = balance
        self.delta = delta
        self.floor = floor


@dataclass(frozen=True)
class Posting:
    account: int
    amount: int


def check_amount(amount: object) -> int:
    """A money amount of a movement: a whole, positive number of cents."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise LedgerError(f"an amount is a whole number of cents, not {amount!r}")
    if amount <= 0:
        raise LedgerError(f"an amount must be more than 0 cents, not {amount}")
    return amount


def move(source: int, target: int, amount: int) -> list[Posting]:
    """The two postings of moving ``amount`` from one account to another."""
    check_amount(amount)
    if source == target:
        raise LedgerError("money cannot move from an account to itself")
    return [Posting(source, -amount), Posting(target, amount)]


def validate(cause: Cause, postings: Iterable[Posting], kinds: Mapping[int, AccountKind]) -> None:
    """Raise LedgerError unless the postings form one valid transaction for ``cause``.

    Each posting is a whole, non-zero number of cents; they sum to zero; money only leaves
    accounts of a kind the cause may take from and only arrives in kinds it may pay into.
    """
    items = list(postings)
    if len(items) < 2:
        raise LedgerError("a transaction needs at least two postings")
    total = 0
    flows = FLOWS[cause]
    sources = {f for f, _t in flows}
    targets = {t for _f, t in flows}
    for p in items:
        if isinstance(p.amount, bool) or not isinstance(p.amount, int) or p.amount == 0:
            raise LedgerError(
                f"posting of {p.amount!r} to account {p.account}: whole, non-zero cents"
            )
        kind = kinds.get(p.account)
        if kind is None:
            raise LedgerError(f"unknown account {p.account}")
        if p.amount < 0 and kind not in sources:
            raise LedgerError(f"{cause}: money may not leave a {kind} account")
        if p.amount > 0 and kind not in targets:
            raise LedgerError(f"{cause}: money may not arrive in a {kind} account")
        total += p.amount
    if total != 0:
        raise LedgerError(f"postings sum to {total}, not 0")


def net(postings: Iterable[Posting]) -> dict[int, int]:
    """The change per account (several postings to one account add up)."""
    deltas: dict[int, int] = defaultdict(int)
    for p in postings:
        deltas[p.account] += p.amount
    return {a: d for a, d in deltas.items() if d != 0}


#: Accounts that many transactions share (one per funder or per provider). They are changed
#: last, so their row lock is held for the shortest time: every payment to one provider waits
#: for that provider's account (bench/ledger measures it).
SHARED_KINDS = frozenset(
    {AccountKind.SOURCE, AccountKind.POOL, AccountKind.PROVIDER, AccountKind.RETURNED}
)


def lock_order(
    deltas: Mapping[int, int], kinds: Mapping[int, AccountKind] | None = None
) -> list[tuple[int, int]]:
    """The order to change balances in: private accounts before shared ones, then by id.
    That is one total order (an account never changes kind), so two transactions touching
    the same accounts always lock them in the same order and cannot deadlock."""
    kinds = kinds or {}
    return sorted(deltas.items(), key=lambda item: (kinds.get(item[0]) in SHARED_KINDS, item[0]))


def apply(
    balances: Mapping[int, int], postings: Iterable[Posting], floors: Mapping[int, int | None]
) -> dict[int, int]:
    """The balances after the postings; raises InsufficientFunds and changes nothing if any
    account would go below its floor. (The database does the same with a conditional update
    and a CHECK constraint; this is the reference the tests compare it with.)"""
    result = dict(balances)
    for account, delta in sorted(net(postings).items()):
        new = result.get(account, 0) + delta
        floor = floors.get(account)
        if floor is not None and new < floor:
            raise InsufficientFunds(account, result.get(account, 0), delta, floor)
        result[account] = new
    return result
