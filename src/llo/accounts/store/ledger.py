# SPDX-License-Identifier: EUPL-1.2
"""Writing the ledger: transactions, postings and balances (docs/ledger.md).

How a balance stays right under concurrency: it changes only by a conditional ``UPDATE ...
SET balance = balance + d WHERE balance + d >= floor`` (:func:`change_balance`: one statement,
so PostgreSQL re-checks the condition on the newest row after waiting for its lock, and
SQLite runs writers one at a time), and a CHECK constraint refuses a balance below its floor
even if code forgot. Accounts change in one order (:mod:`llo.accounts.store.locks`), so two
transactions cannot deadlock on them. Whether a movement may happen is the caller's
decision; :func:`post` only refuses what breaks the ledger's own rules
(:func:`llo.accounts.ledger.validate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction

from llo.accounts import ledger
from llo.accounts.ledger import AccountKind, Cause, InsufficientFunds
from llo.accounts.models import LedgerAccount, LedgerTransaction, Posting
from llo.core import audit
from llo.core.timeutil import now
from llo.people.models import Organisation

ACCOUNTS = LedgerAccount._meta.db_table
TRANSACTIONS = LedgerTransaction._meta.db_table

M = TypeVar("M", bound=Any)


def as_loaded(instance: M) -> M:
    """A model instance built from what a database function returned, marked as stored."""
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


def keyed(key: str) -> tuple[int, str] | None:
    """(id, request hash) of the transaction made with this idempotency key, if any. Plain
    SQL: this runs before every operation, so it should cost one index look-up."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, request_hash FROM {TRANSACTIONS} WHERE idempotency_key = %s",  # noqa: S608
            [key],
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def change_balance(account_id: int, delta: int) -> int:
    """Add ``delta`` to a balance unless that takes it below the floor; returns the new
    balance, or raises InsufficientFunds. One statement, so the check and the change cannot be
    separated by another writer."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ACCOUNTS} SET balance_cents = balance_cents + %s "  # noqa: S608 - constant
            "WHERE id = %s AND (floor_cents IS NULL OR balance_cents + %s >= floor_cents) "
            "RETURNING balance_cents",
            [delta, account_id, delta],
        )
        row = cursor.fetchone()
    if row is None:
        current = LedgerAccount.objects.filter(pk=account_id).values_list(
            "balance_cents", "floor_cents"
        )
        balance, floor = current.first() or (0, 0)
        raise InsufficientFunds(account_id, balance, delta, floor or 0)
    return int(row[0])


def new_account(kind: AccountKind, balance_cents: int = 0) -> LedgerAccount:
    """An account of a right or a reservation, made with its first balance already set (the
    transaction that moves that money names it in ``preset``)."""
    return LedgerAccount.objects.create(kind=kind, floor_cents=0, balance_cents=balance_cents)


def funder_account(funder_id: int, kind: AccountKind) -> LedgerAccount:
    """A funder's source or returned account (both made with the funder)."""
    return LedgerAccount.objects.get(funder_id=funder_id, kind=kind)


def provider_account(provider: Organisation) -> LedgerAccount:
    """A training provider's account, made at its first payment (also when two first
    payments race: the partial unique index lets one win)."""
    # No ORDER BY (``.first()`` would add one): the partial unique index answers this.
    account = LedgerAccount.objects.filter(organisation=provider, kind=AccountKind.PROVIDER)[:1]
    if account:
        return account[0]
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(
                kind=AccountKind.PROVIDER, floor_cents=0, organisation=provider
            )
    except IntegrityError:
        return LedgerAccount.objects.get(organisation=provider, kind=AccountKind.PROVIDER)


def post(
    *,
    cause: Cause,
    source: tuple[int, AccountKind],
    target: tuple[int, AccountKind],
    cents: int,
    key: str,
    request_hash: str,
    actor: audit.Actor,
    on: dt.date,
    memo: str = "",
    budget_id: int | None = None,
    right_id: int | None = None,
    reservation_id: int | None = None,
    preset: frozenset[int] = frozenset(),
    count: int = 1,
    balances: dict[int, int] | None = None,
    before_shared: Callable[[dict[int, int]], None] | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction that moves ``cents`` from the ``source`` account to the
    ``target`` (each an (id, kind)), and move their balances in lock order (raises
    InsufficientFunds, to be undone with the caller's transaction).

    ``preset`` accounts were created in this transaction with their balance already set;
    ``balances`` receives the new balance of every account that changed. ``before_shared``
    runs after the private accounts changed and before the shared ones (a provider's, a
    funder's): the rest of the work of the operation goes there, so the lock on a shared
    account is held only until the commit."""
    postings = ledger.move(source[0], target[0], cents)
    kinds = dict([source, target])
    ledger.validate(cause, postings, kinds)
    txn = LedgerTransaction.objects.create(
        idempotency_key=key,
        request_hash=request_hash,
        cause=cause.value,
        effective_date=on,
        created_at=now(),
        actor=actor.name,
        memo=memo[:300],
        budget_id=budget_id,
        right_id=right_id,
        reservation_id=reservation_id,
        count=count,
        amount_cents=cents,
    )
    Posting.objects.bulk_create(
        [Posting(transaction=txn, account_id=p.account, amount_cents=p.amount) for p in postings]
    )
    new_balances: dict[int, int] = {} if balances is None else balances
    shared_started = False
    for account_id, delta in ledger.lock_order(ledger.net(postings), kinds):
        if kinds[account_id] in ledger.SHARED_KINDS and not shared_started:
            shared_started = True
            if before_shared is not None:
                before_shared(new_balances)
        if account_id not in preset:
            new_balances[account_id] = change_balance(account_id, delta)
    if not shared_started and before_shared is not None:
        before_shared(new_balances)
    return txn


def post_deposit(
    *, actor: audit.Actor, budget_id: int, budget_account: int, pool_account: int,
    on: dt.date, key: str, request_hash: str, count: int, total: int,
) -> LedgerTransaction:  # fmt: skip
    """The ledger side of a deposit of ``total`` to ``count`` persons: the budget's balance
    first (InsufficientFunds if it has less left; before the idempotency key, as always),
    then the transaction and its two postings. The pool, a shared account, is changed last
    by :func:`change_balance` when the deposit's lines are written."""
    change_balance(budget_account, -total)
    txn = LedgerTransaction.objects.create(
        idempotency_key=key,
        request_hash=request_hash,
        cause=Cause.DEPOSIT.value,
        effective_date=on,
        created_at=now(),
        actor=actor.name,
        memo=f"deposit to {count} persons",
        budget_id=budget_id,
        count=count,
        amount_cents=total,
    )
    Posting.objects.bulk_create(
        [
            Posting(transaction=txn, account_id=budget_account, amount_cents=-total),
            Posting(transaction=txn, account_id=pool_account, amount_cents=total),
        ]
    )
    return txn
