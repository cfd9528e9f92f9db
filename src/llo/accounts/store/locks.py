# SPDX-License-Identifier: EUPL-1.2
"""The named row locks of learning accounts, all in one place (after saleor's
``checkout/lock_objects.py``). A use case names the locks it takes in its docstring.

**One strength.** Every lock here is ``FOR NO KEY UPDATE`` of the locked row only
(``of=("self",)``): the lock an ``UPDATE`` of the row takes anyway. It does not wait for the
key-share locks that rows pointing at the locked row take while they are written (a
reservation or a posting checking its reference); a plain ``FOR UPDATE`` would wait for them,
and deadlock with a transaction that holds one and waits for this row. Two of these locks on
one row still exclude each other, which is all the use cases need: one of two requests on the
same right, reservation or budget waits until the other commits, and then reads the newest
row.

**One order.** A transaction that takes several takes them in this order, so two
transactions never wait for each other in a circle:

1. a budget (:func:`budget`);
2. a right (:func:`right`);
3. a reservation (:func:`reservation`);
4. ledger accounts: a balance read ahead (:func:`balance`), then the conditional balance
   updates of :func:`llo.accounts.store.ledger.post`, private accounts (right, reservation,
   budget) before shared ones (source, pool, provider, returned), each group by id
   (:func:`llo.accounts.ledger.lock_order`). A shared account is changed last, so its lock is
   held only until the commit.

SQLite has no row locks (Django ignores ``select_for_update`` there): its writers run one at
a time (``BEGIN IMMEDIATE``), which is stronger still.
"""

from __future__ import annotations

from django.db.models import QuerySet

from llo.accounts.models import Budget, LedgerAccount, Reservation, Right


def _locked(queryset: QuerySet) -> QuerySet:
    return queryset.select_for_update(of=("self",), no_key=True)


def budget(budget_id: int) -> Budget:
    """Lock 1: a budget's row (its expiry of rights never used runs once at a time)."""
    locked: Budget = _locked(Budget.objects.all()).get(pk=budget_id)
    return locked


def right(right_id: int, *, related: tuple[str, ...] = ()) -> Right:
    """Lock 2: a right's row, with ``related`` rows read in the same query (not locked)."""
    locked: Right = _locked(Right.objects.select_related(*related)).get(pk=right_id)
    return locked


def reservation(reservation_id: int) -> Reservation:
    """Lock 3: a reservation's row, with its right read in the same query (not locked)."""
    locked: Reservation = _locked(Reservation.objects.select_related("right")).get(
        pk=reservation_id
    )
    return locked


def balance(account_id: int) -> int:
    """Lock 4: a ledger account's row, to read its balance and then move all of it."""
    cents: int = (
        _locked(LedgerAccount.objects.all())
        .values_list("balance_cents", flat=True)
        .get(pk=account_id)
    )
    return cents


def rights(right_ids: list[int], *, related: tuple[str, ...] = ()) -> dict[int, Right]:
    """Lock 2 for several rights at once (a bulk reservation): their rows in id order, with
    ``related`` rows read in the same query (not locked)."""
    locked = _locked(Right.objects.select_related(*related)).filter(pk__in=right_ids).order_by("pk")
    return {r.pk: r for r in locked}
