# SPDX-License-Identifier: EUPL-1.2
"""Many reservations in one use case (issue 18): a window's allocator reserves money for
every grant at once, where one :func:`~llo.accounts.services.reserve` per grant took
37 to 161 ms each (bench/allocate, 2,000 grants: half of the allocator's time).

It writes exactly what :func:`reserve` writes for each row (a right never used is opened
first, with its ``deposit`` transaction from the budget's pool; then a reservation account
made with its balance, the reservation, its ``reservation`` transaction with two postings,
its ``right.reserved`` audit record, the right's balance down), with the same checks (the
amount, the right usable on the day, enough money left, the idempotency key) and the same
double-entry rules (:func:`llo.accounts.ledger.validate` on every transaction), but set-based:
one statement per kind of row (:mod:`llo.accounts.store.many`) and one conditional balance
update per account, in the one lock order.

All or nothing: one transaction with its audit. A row that :func:`reserve` would refuse (a
right not usable, too little money, a key used for another request) refuses the whole call
with the problem :func:`reserve` gives, and nothing is written. A row whose key was done
before (by this use case or by :func:`reserve`: the request fingerprint is the same) is
replayed: its first reservation is returned and nothing is written for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.accounts import ledger
from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import (
    LedgerAccount,
    LedgerTransaction,
    Posting,
    Reservation,
    ReservationStatus,
    Right,
)
from llo.accounts.services.common import cents_to_move, digest, key_reused, short_as_problem
from llo.accounts.services.rights import check_usable, not_spendable
from llo.accounts.store import ledger as ledger_store
from llo.accounts.store import locks, many
from llo.core import audit
from llo.core.bulk import allocate_ids, insert_rows
from llo.core.money import Money
from llo.core.timeutil import now, today


@dataclass(frozen=True)
class ReserveRow:
    """One reservation asked for: what :func:`reserve` takes, by id."""

    right_id: int
    amount: Money
    idempotency_key: str
    provider_id: int | None = None
    reference: str = ""


@dataclass(frozen=True)
class _Asked:
    row: ReserveRow
    cents: int
    request_hash: str


def reserve_many(
    *, actor: audit.Actor, rows: Sequence[ReserveRow], on: dt.date | None = None
) -> list[Reservation]:
    """Set money of many rights aside, one reservation per row, in one transaction; the
    reservations in the order of ``rows``.

    Locks: the rights not opened yet (lock 2, by id, while they open); then the rights'
    accounts by their conditional balance updates (private, by id), then the budgets' pools
    (shared, last)."""
    on = on or today()
    asked = []
    for row in rows:
        cents = cents_to_move(row.amount)
        # The fingerprint reserve() makes: a retry through either is a replay.
        request_hash = digest(
            op="reserve", right=row.right_id, cents=cents, on=on, provider=row.provider_id,
            reference=row.reference,
        )  # fmt: skip
        asked.append(_Asked(row, cents, request_hash))
    if not asked:
        return []
    try:
        with transaction.atomic():
            return _reserve_many(actor, asked, on)
    except IntegrityError:
        # A twin request committed one of these keys first (the unique key): those rows are
        # replays now, as in run_once.
        with transaction.atomic():
            return _reserve_many(actor, asked, on)


def _reserve_many(actor: audit.Actor, asked: Sequence[_Asked], on: dt.date) -> list[Reservation]:
    hashes: dict[str, str] = {}
    todo: list[_Asked] = []
    for a in asked:
        key = a.row.idempotency_key
        if key in hashes:
            if hashes[key] != a.request_hash:
                raise key_reused()
            continue  # the same request twice in one call: one reservation
        hashes[key] = a.request_hash
        todo.append(a)
    done = many.keyed(list(hashes))
    for key, (_txn, request_hash, _res) in done.items():
        if request_hash != hashes[key]:
            raise key_reused()
    todo = [a for a in todo if a.row.idempotency_key not in done]
    made = _make(actor, todo, on) if todo else {}
    replayed = Reservation.objects.in_bulk([res for _t, _h, res in done.values() if res])
    out: list[Reservation] = []
    for a in asked:
        key = a.row.idempotency_key
        out.append(made[key] if key in made else replayed[done[key][2]])
    return out


def _make(actor: audit.Actor, todo: Sequence[_Asked], on: dt.date) -> dict[str, Reservation]:
    """Write the reservations of ``todo`` (keys not used yet)."""
    right_ids = sorted({a.row.right_id for a in todo})
    rights = Right.objects.in_bulk(right_ids)
    missing = [pk for pk in right_ids if pk not in rights]
    if missing:
        raise Right.DoesNotExist(f"right {missing[0]} does not exist")
    unopened = [pk for pk in right_ids if rights[pk].account_id is None]
    if unopened:
        rights.update(locks.rights(unopened, related=("budget",)))
    for a in todo:
        check_usable(rights[a.row.right_id], on)
    kinds: dict[int, AccountKind] = {}
    shared: dict[int, int] = defaultdict(int)
    closed = [rights[pk] for pk in unopened if rights[pk].account_id is None]
    _open(actor, closed, on, kinds, shared)
    stamp = now()
    accounts = allocate_ids(LedgerAccount, len(todo))
    reservations = allocate_ids(Reservation, len(todo))
    transactions = allocate_ids(LedgerTransaction, len(todo))
    private: dict[int, int] = defaultdict(int)
    postings: list[dict[str, object]] = []
    for a, account, txn in zip(todo, accounts, transactions, strict=True):
        source = rights[a.row.right_id].account_id
        assert source is not None
        kinds[source], kinds[account] = AccountKind.RIGHT, AccountKind.RESERVATION
        moved = ledger.move(source, account, a.cents)
        ledger.validate(Cause.RESERVATION, moved, kinds)
        private[source] -= a.cents  # the reservation's account is made with its balance
        postings += [
            {"transaction_id": txn, "account_id": p.account, "amount_cents": p.amount}
            for p in moved
        ]
    insert_rows(
        LedgerAccount,
        [
            {"id": account, "kind": AccountKind.RESERVATION.value, "balance_cents": a.cents,
             "floor_cents": 0, "funder_id": None, "organisation_id": None}
            for a, account in zip(todo, accounts, strict=True)
        ],
    )  # fmt: skip
    insert_rows(
        Reservation,
        [
            {"id": res, "right_id": a.row.right_id, "account_id": account,
             "provider_id": a.row.provider_id, "reference": a.row.reference[:200],
             "amount_cents": a.cents, "status": ReservationStatus.OPEN.value, "created_at": stamp}
            for a, account, res in zip(todo, accounts, reservations, strict=True)
        ],
    )  # fmt: skip
    insert_rows(
        LedgerTransaction,
        [
            {"id": txn, "idempotency_key": a.row.idempotency_key,
             "request_hash": a.request_hash, "cause": Cause.RESERVATION.value,
             "effective_date": on, "created_at": stamp, "actor": actor.name, "memo": "",
             "budget_id": rights[a.row.right_id].budget_id, "right_id": a.row.right_id,
             "reservation_id": res, "count": 1, "amount_cents": a.cents}
            for a, res, txn in zip(todo, reservations, transactions, strict=True)
        ],
    )  # fmt: skip
    insert_rows(Posting, postings)
    audit.record_many(
        actor=actor,
        action="right.reserved",
        subject_type=Reservation._meta.label,
        entries=[
            (str(res), {"right": a.row.right_id, "amount_cents": a.cents,
                        "reference": a.row.reference})
            for a, res in zip(todo, reservations, strict=True)
        ],
    )  # fmt: skip
    # The balances last, as reserve() does: the rights' own accounts, then the pools.
    with short_as_problem(_("There is not enough money left in this right.")):
        many.change_balances(ledger.lock_order(private, kinds))
    many.change_balances(ledger.lock_order(shared, kinds))
    return {
        a.row.idempotency_key: ledger_store.as_loaded(
            Reservation(
                pk=res, right_id=a.row.right_id, account_id=account,
                provider_id=a.row.provider_id, reference=a.row.reference[:200],
                amount_cents=a.cents, status=ReservationStatus.OPEN, created_at=stamp,
            )
        )
        for a, account, res in zip(todo, accounts, reservations, strict=True)
    }  # fmt: skip


def _open(
    actor: audit.Actor,
    rights: Sequence[Right],
    on: dt.date,
    kinds: dict[int, AccountKind],
    shared: dict[int, int],
) -> None:
    """Open rights never used (locked, read afresh), as :func:`.rights.open_right` does for
    one: each its own account, made with the deposit's money, and one ``deposit`` transaction
    from the budget's pool. The pools' deltas go into ``shared`` (changed last); each right's
    ``account_id`` is set."""
    if not rights:
        return
    for right in rights:
        if right.deposited_cents is None or right.budget is None:
            raise not_spendable()
    accounts = allocate_ids(LedgerAccount, len(rights))
    moving = [(r, a) for r, a in zip(rights, accounts, strict=True) if r.deposited_cents]
    transactions = allocate_ids(LedgerTransaction, len(moving))
    stamp = now()
    postings: list[dict[str, object]] = []
    for (right, account), txn in zip(moving, transactions, strict=True):
        assert right.budget is not None
        assert right.deposited_cents is not None
        pool = right.budget.pool_account_id
        kinds[pool], kinds[account] = AccountKind.POOL, AccountKind.RIGHT
        moved = ledger.move(pool, account, right.deposited_cents)
        ledger.validate(Cause.DEPOSIT, moved, kinds)
        shared[pool] -= right.deposited_cents
        postings += [
            {"transaction_id": txn, "account_id": p.account, "amount_cents": p.amount}
            for p in moved
        ]
    insert_rows(
        LedgerAccount,
        [
            {"id": account, "kind": AccountKind.RIGHT.value,
             "balance_cents": right.deposited_cents or 0, "floor_cents": 0,
             "funder_id": None, "organisation_id": None}
            for right, account in zip(rights, accounts, strict=True)
        ],
    )  # fmt: skip
    many.set_right_accounts([(r.pk, a) for r, a in zip(rights, accounts, strict=True)])
    insert_rows(
        LedgerTransaction,
        [
            {"id": txn, "idempotency_key": f"open:right:{right.pk}",
             "request_hash": digest(op="open", right=right.pk), "cause": Cause.DEPOSIT.value,
             "effective_date": on, "created_at": stamp, "actor": actor.name,
             "memo": "the right's own account", "budget_id": right.budget_id,
             "right_id": right.pk, "reservation_id": None, "count": 1,
             "amount_cents": right.deposited_cents}
            for (right, _account), txn in zip(moving, transactions, strict=True)
        ],
    )  # fmt: skip
    insert_rows(Posting, postings)
    for right, account in zip(rights, accounts, strict=True):
        right.account_id = account
