# SPDX-License-Identifier: EUPL-1.2
"""Reads and reports of learning accounts, as plain dataclasses (DESIGN.md section 2).

Nothing here moves money. Two kinds of read write all the same, and say so: a read of
persons' rights first makes rights of the deposit lines nobody read yet (``claim``: not a
change anyone sees, :mod:`llo.accounts.store.lines`), and a read of personal data by staff
is logged with its purpose, one audit row per person (DESIGN.md section 4), by
:func:`llo.core.audit.log_reads`, called only from the selectors here that show such data.
A funder sees a person's name only if it reaches them (:mod:`llo.accounts.reach`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from llo.accounts import reach
from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import (
    Budget,
    DepositLine,
    Funder,
    LedgerAccount,
    LedgerTransaction,
    Posting,
    Reservation,
    Right,
    RightStatus,
)
from llo.accounts.store import lines
from llo.accounts.store import rights as rights_store
from llo.core import audit
from llo.core.timeutil import today
from llo.people.models import Employment, Organisation, Person

#: How many rows the pages of a budget show in each list.
RECENT = 50


# --- funders and budgets ------------------------------------------------------------------------


def funder_of(organisation: Organisation) -> Funder | None:
    return Funder.objects.filter(organisation=organisation).first()


def budgets_of(funder: Funder) -> list[Budget]:
    return list(
        Budget.objects.filter(funder=funder).select_related("funder__organisation", "account")
    )


def budget_of(funder: Funder | None, budget_id: int) -> Budget | None:
    """One budget of this funder (None for another funder's, or no funder)."""
    if funder is None:
        return None
    return (
        Budget.objects.select_related("funder__organisation", "account")
        .filter(pk=budget_id, funder=funder)
        .first()
    )


def budget_left(budget: Budget) -> int:
    """What a budget has not given out yet, read now."""
    left: int = LedgerAccount.objects.values_list("balance_cents", flat=True).get(
        pk=budget.account_id
    )
    return left


def reach_of(
    funder: Funder, on: dt.date | None = None, budget: Budget | None = None
) -> QuerySet[Person]:
    """The persons a funder may deposit to, by name (:mod:`llo.accounts.reach`)."""
    return reach.reach(funder, on or today(), budget).order_by("display_name", "pk")


def employment_links(funder: Funder, on: dt.date) -> dict[int, tuple[int, str]]:
    """Person → (employment, CAO) for money of an employer (its employees) or a sector fund
    (workers in its sector): the job a portable right belongs to (seed 002)."""
    org = funder.organisation
    jobs = Employment.objects.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    if funder.kind == "employer":
        jobs = jobs.filter(employer=org)
    elif funder.kind == "sector_fund" and org.sector:
        jobs = jobs.filter(sector=org.sector)
    else:
        return {}
    return {
        p: (e, cao)
        for e, p, cao in jobs.order_by("start", "pk").values_list("pk", "person_id", "cao")
    }


# --- rights --------------------------------------------------------------------------------------


def rights_of(person_id: int) -> QuerySet[Right]:
    """A person's rights, their deposits not read before made into rights first: the one way
    every reader of a person's rights starts."""
    lines.claim([person_id])
    return Right.objects.filter(person_id=person_id)


def right_balances(rights: Iterable[Right]) -> dict[int, int]:
    """Right id → the money in it now (spendable rights only), in one query."""
    rights = list(rights)
    ids = [r.account_id for r in rights if r.account_id]
    opened = dict(LedgerAccount.objects.filter(pk__in=ids).values_list("pk", "balance_cents"))
    balances: dict[int, int] = {}
    for r in rights:
        if r.account_id:
            balances[r.pk] = int(opened[r.account_id])
        elif r.deposited_cents is not None:
            balances[r.pk] = r.deposited_cents if r.status == RightStatus.ACTIVE else 0
    return balances


@dataclass(frozen=True)
class RightsPage:
    rights: list[Right]
    #: Right id → the money in it now (:func:`right_balances`).
    balances: dict[int, int]


def rights_page(
    actor: audit.Actor,
    *,
    person_id: int | None = None,
    funder: Funder | None = None,
    budget_id: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> RightsPage:
    """A page of rights, by id: a citizen's own (``person_id``), or those a funder paid from
    its budgets (only ``budget_id``'s if given): every one with its number (deposits nobody
    has read become rights first), and the funder's read logged per person with its purpose."""
    if person_id is not None:
        rights = rights_of(person_id)
    else:
        rights = Right.objects.filter(budget__funder=funder) if funder else Right.objects.none()
        if budget_id is not None:
            rights = rights.filter(budget_id=budget_id)
        if funder is not None:
            budgets = Budget.objects.filter(funder=funder)
            if budget_id is not None:
                budgets = budgets.filter(pk=budget_id)
            lines.claim_budgets(budgets.values_list("pk", flat=True))
    page = list(
        rights.select_related("funder__organisation").order_by("pk")[offset : offset + limit]
    )
    audit.log_reads(actor, (r.person_id for r in page), "funder: list of rights")
    return RightsPage(page, right_balances(page))


def rights_to_expire(on: dt.date) -> Iterator[Right]:
    """Every active right whose last day is before ``on``, by id, read in chunks."""
    return (
        Right.objects.filter(status=RightStatus.ACTIVE, valid_until__lt=on)
        .order_by("pk")
        .iterator(chunk_size=2000)
    )


def budgets_with_unused_rights(on: dt.date) -> list[int]:
    """The budgets with rights past their last day whose money never moved (no account of
    their own, or still a deposit line), by id: the nightly expiry returns those in bulk."""
    unused = set(
        Right.objects.filter(
            status=RightStatus.ACTIVE,
            valid_until__lt=on,
            account__isnull=True,
            deposited_cents__isnull=False,
        ).values_list("budget_id", flat=True)
    ) | set(
        DepositLine.objects.filter(valid_until__lt=on).values_list("deposit__budget_id", flat=True)
    )
    return sorted(b for b in unused if b is not None)


def budgets_to_expire(on: dt.date) -> QuerySet[Budget]:
    """Budgets past their period that still hold money."""
    return Budget.objects.filter(period_end__lt=on, account__balance_cents__gt=0)


def paid_for(reservation: Reservation) -> int:
    """What the provider got for a reservation, net of claw-backs."""
    sums = dict(
        LedgerTransaction.objects.filter(
            reservation=reservation, cause__in=[Cause.PAYMENT, Cause.CLAW_BACK]
        )
        .values_list("cause")
        .annotate(total=Sum("amount_cents"))
    )
    return int(sums.get(Cause.PAYMENT.value, 0)) - int(sums.get(Cause.CLAW_BACK.value, 0))


# --- the ledger checked ------------------------------------------------------------------------


def balance_from_postings(account_id: int) -> int:
    total = Posting.objects.filter(account_id=account_id).aggregate(s=Sum("amount_cents"))["s"]
    return int(total or 0)


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    cached: int
    #: What the cached balance should be: the sum of the account's postings, or for a
    #: budget's pool the deposits of its rights not used yet (``expected`` says which).
    from_postings: int
    expected: str = "sum of postings"


def verify_ledger(account_ids: Iterable[int] | None = None) -> list[Mismatch]:
    """Every account whose cached balance differs from the sum of its postings (should be
    none), plus a pseudo-account 0 if all postings together do not sum to zero."""
    accounts = LedgerAccount.objects.all()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    sums = dict(
        Posting.objects.filter(account__in=accounts)
        .values_list("account_id")
        .annotate(s=Sum("amount_cents"))
    )
    problems = [
        Mismatch(pk, cached, int(sums.get(pk, 0)))
        for pk, cached in accounts.values_list("pk", "balance_cents")
        if cached != int(sums.get(pk, 0))
    ]
    pools = dict(
        Budget.objects.filter(pool_account__in=accounts).values_list("pk", "pool_account_id")
    )
    if pools:
        problems += _pool_mismatches(pools, accounts)
    if account_ids is None:
        grand = Posting.objects.aggregate(s=Sum("amount_cents"))["s"] or 0
        if grand != 0:
            problems.append(Mismatch(0, 0, int(grand)))
    return problems


def _pool_mismatches(pools: dict[int, int], accounts: QuerySet[LedgerAccount]) -> list[Mismatch]:
    """A pool holds exactly the deposits of its budget's rights not yet used (and of its
    deposit lines, which are rights not read yet)."""
    waiting = dict(
        Right.objects.filter(
            budget_id__in=list(pools),
            account__isnull=True,
            status=RightStatus.ACTIVE,
            deposited_cents__isnull=False,
        )
        .values_list("budget_id")
        .annotate(s=Sum("deposited_cents"))
    )
    for budget_id, cents in (
        DepositLine.objects.filter(deposit__budget_id__in=list(pools))
        .values_list("deposit__budget_id")
        .annotate(s=Sum("cents"))
    ):
        waiting[budget_id] = waiting.get(budget_id, 0) + cents
    cached = dict(accounts.filter(pk__in=pools.values()).values_list("pk", "balance_cents"))
    return [
        Mismatch(pool, cached[pool], int(waiting.get(budget_id, 0)), "unused deposits")
        for budget_id, pool in pools.items()
        if cached[pool] != int(waiting.get(budget_id, 0))
    ]


# --- the use of a budget ---------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetUse:
    """Where the money of one budget is now; the parts add up to ``total``."""

    total: int
    left: int
    in_rights: int
    reserved: int
    paid: int
    returned: int
    deposited: int
    persons: int
    rights: int
    expiring_soon: int


def _sum(queryset: QuerySet[Any], field: str) -> int:
    return int(queryset.aggregate(s=Sum(field))["s"] or 0)


def budget_use(budget: Budget, on: dt.date | None = None, soon_days: int = 90) -> BudgetUse:
    on = on or today()
    left, pool = (
        LedgerAccount.objects.filter(pk=budget.account_id).values_list("balance_cents").get()[0],
        LedgerAccount.objects.filter(pk=budget.pool_account_id)
        .values_list("balance_cents", flat=True)
        .get(),
    )
    rights = Right.objects.filter(budget=budget)
    pending = lines.pending(lines.deposit_ids([budget.pk]))  # rights not read yet
    opened = rights.filter(account__isnull=False)
    by_cause = dict(
        LedgerTransaction.objects.filter(budget=budget)
        .values_list("cause")
        .annotate(s=Sum("amount_cents"))
    )
    soon_day = on + dt.timedelta(days=soon_days)
    soon = (
        _sum(
            opened.filter(status=RightStatus.ACTIVE, valid_until__lte=soon_day),
            "account__balance_cents",
        )
        + _sum(
            rights.filter(
                status=RightStatus.ACTIVE, account__isnull=True, valid_until__lte=soon_day
            ),
            "deposited_cents",
        )
        + _sum(pending.filter(valid_until__lte=soon_day), "cents")
    )
    return BudgetUse(
        total=budget.total_cents,
        left=int(left),
        in_rights=int(pool) + _sum(opened, "account__balance_cents"),
        reserved=_sum(
            LedgerAccount.objects.filter(reservation__right__budget=budget), "balance_cents"
        ),
        paid=int(by_cause.get(Cause.PAYMENT.value, 0))
        - int(by_cause.get(Cause.CLAW_BACK.value, 0)),
        returned=_sum(
            Posting.objects.filter(transaction__budget=budget, account__kind=AccountKind.RETURNED),
            "amount_cents",
        ),
        deposited=_sum(
            LedgerTransaction.objects.filter(
                budget=budget, cause=Cause.DEPOSIT, postings__account_id=budget.account_id
            ),
            "amount_cents",
        ),
        persons=rights.values("person_id").union(pending.values("person_id")).count(),
        rights=rights.filter(transferred_from__isnull=True).count() + pending.count(),
        expiring_soon=soon,
    )


class EmployerUse(NamedTuple):
    """Use of a sector fund's budget by the persons of one member firm."""

    employer: str
    persons: int
    cents: int  # deposited
    reserved: int = 0  # reserved now for a training
    paid: int = 0  # paid to providers, less what was clawed back


def use_by_employer(budget: Budget) -> list[EmployerUse]:
    """Per employer of the persons: how many got money, how much was deposited, and how much
    of it is reserved or paid for training now. An O&O fund "wants to see use per member
    firm" (JOURNEYS.md): what was deposited alone does not say what was used."""
    rows = rights_store.use_by_employer(budget.pk, lines.deposit_ids([budget.pk]))
    firm = "reservation__right__employment__employer__name"
    reserved = dict(
        LedgerAccount.objects.filter(reservation__right__budget=budget)
        .values_list(firm)
        .annotate(s=Sum("balance_cents"))
        .values_list(firm, "s")
    )
    paid: dict[str | None, int] = {}
    for name, cause, cents in (
        LedgerTransaction.objects.filter(budget=budget, cause__in=[Cause.PAYMENT, Cause.CLAW_BACK])
        .values_list(firm, "cause")
        .annotate(s=Sum("amount_cents"))
        .values_list(firm, "cause", "s")
    ):
        sign = 1 if cause == Cause.PAYMENT else -1
        paid[name] = paid.get(name, 0) + sign * int(cents or 0)
    return [
        EmployerUse(
            name or _("No employer known"), p, c, int(reserved.get(name) or 0), paid.get(name, 0)
        )
        for name, p, c in rows
    ]


# --- the funder's pages, their reads logged -----------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A right on a funder's page, with its person's name only if the funder reaches them
    (:mod:`llo.accounts.reach`): empty for anyone else."""

    right: Right
    name: str


@dataclass(frozen=True)
class BudgetPage:
    """What a funder's page of one budget shows."""

    use: BudgetUse
    #: The newest rights (deposit lines nobody read yet first, as the rights they become).
    recent: list[Shown]
    #: Active rights with money whose last day is within 90 days, soonest first.
    expiring: list[Shown]
    #: (name, reference, cents) of reservations with money (name empty: not the funder's).
    reserved: list[tuple[str, str, int]]
    #: A sector fund's use per member firm (empty for other funders).
    by_employer: list[EmployerUse]


def budget_page(actor: audit.Actor, budget: Budget, on: dt.date) -> BudgetPage:
    """The funder's page of a budget: its use and the persons it shows, each read logged; a
    name only for a person the funder reaches on ``on``."""
    use = budget_use(budget, on)
    pending = lines.pending(lines.deposit_ids([budget.pk]))
    recent = [
        _as_right(budget, line) for line in pending.order_by("-deposit_id", "person_id")[:RECENT]
    ]
    recent += list(
        Right.objects.filter(budget=budget)
        .select_related("account")
        .order_by("-pk")[: RECENT - len(recent)]
    )
    soon = on + dt.timedelta(days=90)
    expiring = list(
        Right.objects.filter(budget=budget, status="active", valid_until__lte=soon)
        .filter(Q(account__isnull=True) | Q(account__balance_cents__gt=0))
        .select_related("account")
        .order_by("valid_until")[:RECENT]
    ) + [
        _as_right(budget, line)
        for line in pending.filter(valid_until__lte=soon).order_by("valid_until")[:RECENT]
    ]
    expiring = sorted(expiring, key=lambda r: r.valid_until or soon)[:RECENT]
    reserved = list(
        LedgerAccount.objects.filter(reservation__right__budget=budget, balance_cents__gt=0)
        .values_list("reservation__right__person_id", "reservation__reference", "balance_cents")
        .order_by("reservation__pk")[:RECENT]
    )
    shown = {r.person_id for r in recent + expiring} | {pid for pid, _r, _c in reserved}
    names = reach.names(budget, on, shown)
    audit.log_reads(actor, shown, f"funder: page of budget {budget.pk}")
    return BudgetPage(
        use=use,
        recent=[Shown(r, names.get(r.person_id, "")) for r in recent],
        expiring=[Shown(r, names.get(r.person_id, "")) for r in expiring],
        reserved=[(names.get(pid, ""), ref, cents) for pid, ref, cents in reserved],
        by_employer=use_by_employer(budget) if budget.funder.kind == "sector_fund" else [],
    )


def _as_right(budget: Budget, line: DepositLine) -> Right:
    """A deposit line shown as the right it becomes when read (not saved)."""
    return Right(
        person_id=line.person_id,
        budget=budget,
        funder_id=budget.funder_id,
        kind=budget.right_kind,
        deposited_cents=line.cents,
        valid_until=line.valid_until,
        status=RightStatus.ACTIVE,
    )


#: How many persons the deposit form lists at most (a larger funder uploads a file).
DEPOSIT_CHOICES = 2000


@dataclass(frozen=True)
class DepositPage:
    """The form to deposit to persons a funder picks: what the budget has left, and the
    funder's people to choose from (id, name)."""

    left: int
    choices: list[tuple[int, str]]


def deposit_page(actor: audit.Actor, budget: Budget, on: dt.date) -> DepositPage:
    """The funder's own people by name (:mod:`llo.accounts.reach`), each read logged, and what
    the budget has left."""
    choices = list(
        reach.reach_of_budget(budget, on)
        .order_by("display_name", "pk")
        .values_list("pk", "display_name")[:DEPOSIT_CHOICES]
    )
    audit.log_reads(
        actor, (pid for pid, _n in choices), f"funder: choose whom to pay from budget {budget.pk}"
    )
    return DepositPage(budget_left(budget), choices)


@dataclass(frozen=True)
class ExportRow:
    """One right of a budget in the funder's export, with its person's name only if the
    funder reaches them."""

    right: Right
    reserved_cents: int
    name: str


def budget_export(actor: audit.Actor, budget: Budget, on: dt.date) -> Iterator[ExportRow]:
    """Every right of a budget by id, each with its number (deposits nobody has read become
    rights first; the nightly job does it too), what it has reserved and its person's name if
    the funder reaches them on ``on``; every person's read logged as it is written."""
    lines.claim_budgets([budget.pk])
    reserved = dict(
        LedgerAccount.objects.filter(reservation__right__budget=budget)
        .values_list("reservation__right_id")
        .annotate(s=Sum("balance_cents"))
    )
    rights = Right.objects.filter(budget=budget).select_related("account").order_by("pk")
    purpose = f"funder export of budget {budget.pk} (CSV)"
    for part in _batches(rights.iterator(chunk_size=2000), 2000):
        persons = {r.person_id for r in part}
        names = reach.names(budget, on, persons)
        audit.log_reads(actor, persons, purpose)
        for r in part:
            yield ExportRow(r, int(reserved.get(r.pk, 0) or 0), names.get(r.person_id, ""))


def _batches(items: Iterator[Right], size: int) -> Iterator[list[Right]]:
    batch: list[Right] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
