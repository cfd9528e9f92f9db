# SPDX-License-Identifier: EUPL-1.2
"""The read model of a person's learning overview (Leeroverzicht): rights and applications.

One query per kind of thing, so the home page stays fast however many rights a person has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from llo.accounts import selectors as account_selectors
from llo.accounts.ledger import Cause
from llo.accounts.models import (
    LedgerTransaction,
    Posting,
    Reservation,
    ReservationStatus,
    Right,
    RightStatus,
)
from llo.core.money import Money
from llo.core.timeutil import today
from llo.enrolment.models import Application
from llo.people.models import Person


@dataclass(frozen=True)
class RightLine:
    pk: int
    funder: str
    kind: str
    balance: Money | None  # None: shown for information only (drawing right, loan room)
    info: str
    valid_until: dt.date | None
    expires_soon: bool
    #: Set aside for a course and not paid yet (a window's grant is a right that is all set
    #: aside at once: without this it reads "€ 0,00" as if nothing were granted).
    reserved: Money | None = None


@dataclass(frozen=True)
class Overview:
    rights: list[RightLine]
    total: Money
    applications: int


def overview_for(person: Person, on: dt.date | None = None) -> Overview:
    on = on or today()
    rights = list(
        account_selectors.rights_of(person.pk)
        .filter(status=RightStatus.ACTIVE)
        .select_related("funder__organisation", "account")
        .order_by("valid_until", "pk")
    )
    lines: list[RightLine] = []
    total = Money(0)
    reserved = dict(
        Reservation.objects.filter(right__in=[r.pk for r in rights], status=ReservationStatus.OPEN)
        .values("right")
        .annotate(cents=Sum("account__balance_cents"))
        .values_list("right", "cents")
    )
    for right in rights:
        if not right.is_valid_on(on):
            continue
        cents = right.balance_cents
        balance = Money(cents) if cents is not None else None
        if balance is not None:
            total = total + balance
        lines.append(
            RightLine(
                pk=right.pk,
                funder=right.funder.organisation.name,
                kind=right.get_kind_display(),
                balance=balance,
                info=right.info_text,
                valid_until=right.valid_until,
                expires_soon=right.valid_until is not None and (right.valid_until - on).days <= 90,
                reserved=Money(reserved[right.pk]) if reserved.get(right.pk) else None,
            )
        )
    return Overview(
        rights=lines,
        total=total,
        applications=Application.objects.filter(person=person).count(),
    )


#: What happened, in the words of the person whose right it is (B1).
WHAT: dict[str, str] = {
    Cause.DEPOSIT: gettext_noop("Money put in"),
    Cause.RESERVATION: gettext_noop("Set aside for a course"),
    Cause.RELEASE: gettext_noop("Came back from a course you did not take (fully)"),
    Cause.PAYMENT: gettext_noop("Paid to the school from what was set aside"),
    Cause.CLAW_BACK: gettext_noop("Came back from the school"),
    Cause.EXPIRY: gettext_noop("Not used in time: back to the funder"),
    Cause.TRANSFER: gettext_noop("Moved with you to a new employer"),
    Cause.RETURN: gettext_noop("Given back to the budget"),
}


@dataclass(frozen=True)
class Movement:
    on: dt.date
    what: str
    change: Money | None  # what it did to the money in the right; None: no change (a payment)
    amount: Money


@dataclass(frozen=True)
class RightHistory:
    right: Right
    balance: Money | None
    movements: list[Movement]


def right_history(person: Person, right_id: int) -> RightHistory | None:
    """One right of this person and every movement of its money, oldest first (None: not
    this person's right)."""
    right = (
        Right.objects.filter(pk=right_id, person=person)
        .select_related("funder__organisation", "account", "budget")
        .first()
    )
    if right is None:
        return None
    movements: list[Movement] = []
    if right.deposit_id is not None and right.deposited_cents:
        deposit = LedgerTransaction.objects.get(pk=right.deposit_id)
        put_in = Money(right.deposited_cents)
        movements.append(Movement(deposit.effective_date, _(WHAT[Cause.DEPOSIT]), put_in, put_in))
    txns = list(
        LedgerTransaction.objects.filter(right=right)
        .exclude(pk=right.deposit_id or 0)
        .order_by("created_at", "pk")
    )
    effect: dict[int, int] = {}
    if right.account_id is not None:
        for txn_id, cents in Posting.objects.filter(
            transaction__in=txns, account_id=right.account_id
        ).values_list("transaction_id", "amount_cents"):
            effect[txn_id] = effect.get(txn_id, 0) + cents
    for txn in txns:
        if txn.cause == Cause.DEPOSIT and txn.memo == "the right's own account":
            continue  # the deposit moving into the right's own account: nothing new for you
        change = effect.get(txn.pk)
        what = WHAT.get(txn.cause, txn.cause)
        if txn.cause == Cause.TRANSFER and (change or 0) < 0:
            what = gettext_noop("Back to your former employer: this money stays with the job")
        elif txn.cause == Cause.RELEASE and not change:
            what = gettext_noop("Came back from a course, and went back to the funder")
        movements.append(
            Movement(
                txn.effective_date,
                _(what),
                Money(change) if change else None,
                Money(txn.amount_cents),
            )
        )
    if right.account_id is None and right.status == RightStatus.EXPIRED and right.valid_until:
        # Never used: it expired with the other unused rights of its budget, in one
        # transaction of the budget (services.expire_unused), after its last day.
        gone = Money(right.deposited_cents or 0)
        movements.append(
            Movement(right.valid_until, _(WHAT[Cause.EXPIRY]), Money(-gone.cents), gone)
        )
    left = right.balance_cents
    return RightHistory(right, Money(left) if left is not None else None, movements)
