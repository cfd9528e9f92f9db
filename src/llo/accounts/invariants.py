# SPDX-License-Identifier: EUPL-1.2
"""The ledger's business invariants (:mod:`llo.core.invariants`), set-based so that they run
over millions of rows in a few grouped queries.

* ``reservations-within-right``: what was ever reserved from a right is at most what was
  ever put into it (reserving more is impossible while its balance stays at or above zero;
  a reservation row without its posting, or two for one, shows here);
* ``reservation-balance``: a reservation holds between nothing and what was reserved.
"""

from __future__ import annotations

from django.db.models import F, Q, Sum

from llo.accounts.ledger import AccountKind
from llo.accounts.models import Posting, Reservation, Right
from llo.core.invariants import Breach, register


def reservations_within_right() -> list[Breach]:
    reserved = dict(
        Reservation.objects.values_list("right_id").annotate(s=Sum("amount_cents")).order_by()
    )
    if not reserved:
        return []
    credited = dict(
        Posting.objects.filter(amount_cents__gt=0, account__kind=AccountKind.RIGHT)
        .values_list("account_id")
        .annotate(s=Sum("amount_cents"))
        .order_by()
    )
    breaches = []
    for right_id, account_id in Right.objects.filter(pk__in=list(reserved)).values_list(
        "pk", "account_id"
    ):
        put_in = int(credited.get(account_id, 0)) if account_id else 0
        if reserved[right_id] > put_in:
            breaches.append(
                Breach(
                    "reservations-within-right",
                    f"right {right_id}",
                    f"{reserved[right_id]} cents reserved, {put_in} cents put in",
                )
            )
    return breaches


def reservation_balance() -> list[Breach]:
    wrong = Reservation.objects.filter(
        Q(account__balance_cents__lt=0) | Q(account__balance_cents__gt=F("amount_cents"))
    ).values_list("pk", "amount_cents", "account__balance_cents")
    return [
        Breach(
            "reservation-balance",
            f"reservation {pk}",
            f"holds {balance} cents of {amount} reserved",
        )
        for pk, amount, balance in wrong
    ]


def register_all() -> None:
    register("reservations-within-right", reservations_within_right)
    register("reservation-balance", reservation_balance)
