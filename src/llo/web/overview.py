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
    RightKind,
    RightStatus,
)
from llo.accounts.services import WARN_DAYS
from llo.core.money import Money
from llo.core.timeutil import today
from llo.enrolment.models import Application
from llo.enrolment.selectors.prospects import Prospect, prospects_for
from llo.enrolment.views import STATUS_LABELS
from llo.people.models import Person
from llo.schemes.errors import RulesError
from llo.schemes.outlook import conditions_in_words
from llo.skills.selectors import isco_group_label


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
    #: The funder's conditions in B1 sentences, from the rules' own words (schemes.outlook).
    conditions: tuple[str, ...] = ()
    #: Days left when the right expires within WARN_DAYS (the warning), else None.
    days_left: int | None = None
    #: The amount of a right shown for information (loan room), not money in the ledger.
    info_amount: Money | None = None


@dataclass(frozen=True)
class ApplicationLine:
    """One application on the overview, with why it was decided as it was."""

    pk: int
    receipt: str
    title: str
    start_date: dt.date
    status: str
    status_label: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    rights: list[RightLine]
    total: Money
    applications: int
    application_lines: tuple[ApplicationLine, ...] = ()
    prospects: tuple[Prospect, ...] = ()

    @property
    def expiring(self) -> list[RightLine]:
        return [r for r in self.rights if r.days_left is not None and r.balance]


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
        days = (right.valid_until - on).days if right.valid_until is not None else None
        lines.append(
            RightLine(
                pk=right.pk,
                funder=right.funder.organisation.name,
                kind=right.get_kind_display(),
                balance=balance,
                info=_(right.info_text) if right.info_text else "",
                valid_until=right.valid_until,
                expires_soon=days is not None and days <= WARN_DAYS,
                reserved=Money(reserved[right.pk]) if reserved.get(right.pk) else None,
                conditions=tuple(conditions_of(right, on, occupations=False)),
                days_left=days if days is not None and days <= WARN_DAYS else None,
                info_amount=(
                    Money(right.info_amount_cents) if right.info_amount_cents is not None else None
                ),
            )
        )
    apps = application_lines(person)
    return Overview(
        rights=lines,
        total=total,
        applications=len(apps),
        application_lines=tuple(apps),
        prospects=tuple(prospects_for(person, on)),
    )


def conditions_of(right: Right, on: dt.date, *, occupations: bool = True) -> list[str]:
    """A right's conditions in words: the funder rule's sentences with the funder's values
    (one source; nothing here repeats what a condition means); with ``occupations`` the
    occupations on the funder's list by name (the right's page; too long for the overview)."""
    if right.kind in (RightKind.DRAWING_RIGHT, RightKind.LOAN_CAPACITY) or not right.conditions:
        return []
    try:
        words = conditions_in_words(right.conditions, on, name=right.funder.organisation.name)
    except RulesError:  # stored conditions were checked when the budget was made
        return []
    codes = right.conditions.get("occupations") or [] if occupations else []
    names = [label for label in (isco_group_label(str(c)) for c in codes) if label]
    if names:
        words.append(_("The occupations on the list: %(names)s.") % {"names": "; ".join(names)})
    return words


def application_lines(person: Person) -> list[ApplicationLine]:
    """The person's applications, newest first, each with the reasons of its decision: the
    rules' sentences of a round, the funding plan's line per budget, and the reason of a
    refusal or a change of status."""
    found = []
    for app in (
        Application.objects.filter(person=person)
        .select_related("offer", "offering", "preview")
        .order_by("-applied_at", "-pk")
    ):
        reasons: list[str] = []
        preview = app.preview
        for reason in preview.reasons or []:
            text = str(reason.get("text") or "")
            if text and text not in reasons:
                reasons.append(text)
        for line in preview.plan or []:
            # A plan line's B1 explanation (accounts.plan.explain); "reason" is its code.
            why = str(line.get("text") or "") if "rightId" in line else ""
            if why and why not in reasons:
                reasons.append(why)
        if app.status_reason:
            reasons.append(app.status_reason)
        found.append(
            ApplicationLine(
                pk=app.pk,
                receipt=app.receipt,
                title=app.offer.title,
                start_date=app.offering.start_date,
                status=app.status,
                status_label=str(STATUS_LABELS.get(app.status, app.status)),
                reasons=tuple(reasons),
            )
        )
    return found


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
