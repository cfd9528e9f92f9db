# SPDX-License-Identifier: EUPL-1.2
"""The ledger's writes for many movements at once (:func:`llo.accounts.services.reserve_many`,
issue 18): one statement per kind of row and per batch, not one round trip per movement.

Balances still change only by the conditional update of :func:`ledger.change_balance`'s rule
(``balance + d >= floor``), in the one lock order of :mod:`llo.accounts.store.locks`: on
PostgreSQL the rows are locked ``FOR NO KEY UPDATE`` in that order by one ``SELECT``, then
changed by one ``UPDATE ... FROM unnest(...)``; on SQLite (one writer at a time) one
conditional update per account. Rows themselves go through :func:`llo.core.bulk.insert_rows`.
Decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from llo.accounts.ledger import InsufficientFunds
from llo.accounts.models import LedgerAccount, LedgerTransaction, Right
from llo.accounts.store import ledger as ledger_store
from llo.core.bulk import bound_cursor, chunks

ACCOUNTS = LedgerAccount._meta.db_table
RIGHTS = Right._meta.db_table


def keyed(keys: Sequence[str]) -> dict[str, tuple[int, str, int | None]]:
    """Per idempotency key already used: (transaction id, request hash, reservation id)."""
    found: dict[str, tuple[int, str, int | None]] = {}
    for part in chunks(sorted(set(keys))):
        rows = LedgerTransaction.objects.filter(idempotency_key__in=part).values_list(
            "idempotency_key", "pk", "request_hash", "reservation_id"
        )
        found.update((key, (pk, digest, res)) for key, pk, digest, res in rows)
    return found


def change_balances(ordered: Sequence[tuple[int, int]]) -> None:
    """Add each delta to its account's balance, in the order given (the caller's lock order),
    unless one would take its account below its floor: then InsufficientFunds for the first
    such account, and the caller's transaction undoes the rest."""
    if not ordered:
        return
    if connection.vendor != "postgresql":
        for account_id, delta in ordered:
            ledger_store.change_balance(account_id, delta)
        return
    ids = [a for a, _d in ordered]
    deltas = [d for _a, d in ordered]
    with bound_cursor() as cursor:
        # The locks first, in the caller's order (an UPDATE of many rows takes them in the
        # order its plan meets them, which could wait in a circle with a single movement).
        cursor.execute(
            f"SELECT a.id FROM {ACCOUNTS} a JOIN unnest(%s::bigint[]) WITH ORDINALITY "  # noqa: S608
            "AS v(id, n) ON v.id = a.id ORDER BY v.n FOR NO KEY UPDATE OF a",
            [ids],
        )
        cursor.execute(
            f"UPDATE {ACCOUNTS} AS a SET balance_cents = a.balance_cents + v.delta "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, delta) WHERE a.id = v.id "
            "AND (a.floor_cents IS NULL OR a.balance_cents + v.delta >= a.floor_cents) "
            "RETURNING a.id",
            [ids, deltas],
        )
        changed = {int(r[0]) for r in cursor.fetchall()}
    for account_id, delta in ordered:
        if account_id not in changed:
            balance, floor = (
                LedgerAccount.objects.filter(pk=account_id)
                .values_list("balance_cents", "floor_cents")
                .first()
            ) or (0, 0)
            raise InsufficientFunds(account_id, balance, delta, floor or 0)


def set_right_accounts(pairs: Sequence[tuple[int, int]]) -> None:
    """Each right (id, account id) gets its own ledger account."""
    if not pairs:
        return
    with bound_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {RIGHTS} AS r SET account_id = v.account "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, account) WHERE r.id = v.id",
                [[r for r, _a in pairs], [a for _r, a in pairs]],
            )
        else:
            cursor.executemany(
                f"UPDATE {RIGHTS} SET account_id = %s WHERE id = %s",  # noqa: S608
                [(a, r) for r, a in pairs],
            )
