# SPDX-License-Identifier: EUPL-1.2
"""Funders, budgets, rights of persons, and the double-entry ledger under them.

Storage only: every change goes through :mod:`llo.accounts.services`, in one transaction with
its audit record. The rules of the ledger are in :mod:`llo.accounts.ledger` (pure).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from llo.accounts.ledger import AccountKind, Cause
from llo.people.models import Employment, Organisation, OrganisationKind, Person


class FunderKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    SECTOR_FUND = "sector_fund", _("Sector fund (O&O-fonds)")
    MUNICIPALITY = "municipality", _("Municipality")
    UWV = "uwv", _("UWV")
    STATE = "state", _("Government scheme")


#: Public money (seed 003: "een persoonlijke publiek-private ontwikkelrekening"): the plan can
#: use it after private and sector money when the public scheme says so.
PUBLIC_FUNDER_KINDS = frozenset({FunderKind.MUNICIPALITY, FunderKind.UWV, FunderKind.STATE})

FUNDER_KIND_OF_ORGANISATION = {
    OrganisationKind.EMPLOYER: FunderKind.EMPLOYER,
    OrganisationKind.OO_FUND: FunderKind.SECTOR_FUND,
    OrganisationKind.MUNICIPALITY: FunderKind.MUNICIPALITY,
    OrganisationKind.UWV: FunderKind.UWV,
    OrganisationKind.MINISTRY: FunderKind.STATE,
}


class LedgerAccount(models.Model):
    """One account of the ledger. ``balance_cents`` is a cache of the sum of its postings,
    kept in the same transaction as every posting and checked by
    :func:`llo.accounts.selectors.verify_ledger`; the CHECK constraint keeps it above its floor
    even if a bug tried otherwise."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=[(k.value, k.value) for k in AccountKind]
    )
    balance_cents = models.BigIntegerField(_("balance (cents)"), default=0)
    floor_cents = models.BigIntegerField(_("lowest balance (cents)"), null=True, blank=True)
    # No plain indexes on these two: the partial unique indexes below serve every look-up,
    # and a bulk deposit writes a million accounts without them (bench/ledger).
    funder = models.ForeignKey(
        "Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        help_text=_("The training provider of a provider account."),
        db_index=False,
    )

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_cents__isnull=True) | Q(balance_cents__gte=F("floor_cents")),
                name="ledger_account_balance_not_below_floor",
            ),
            models.UniqueConstraint(
                fields=["kind", "funder"],
                condition=Q(kind__in=[AccountKind.SOURCE.value, AccountKind.RETURNED.value]),
                name="ledger_account_one_source_and_returned_per_funder",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(kind=AccountKind.PROVIDER.value),
                name="ledger_account_one_provider_account_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"


class Funder(models.Model):
    """An organisation that puts money into learning accounts (seed 002: employers, sector
    funds, government; seed 003: public-private)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="funder"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FunderKind.choices)

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_FUNDER_KINDS


class RightKind(models.TextChoices):
    MONEY = "money", _("Money in your learning account")
    VOUCHER = "voucher", _("Voucher for a kind of training")
    DRAWING_RIGHT = "drawing_right", _("Right to publicly funded education")
    LOAN_CAPACITY = "loan_capacity", _("Room to borrow (levenlanglerenkrediet)")


#: Kinds that hold money in the ledger; the others are shown for information (seed 002: the
#: overview shows "onbenutte rechten op bekostigd onderwijs" and loans like the
#: levenlanglerenkrediet beside the budgets).
SPENDABLE_KINDS = frozenset({RightKind.MONEY, RightKind.VOUCHER})


class Portability(models.TextChoices):
    """What happens to a right when the person leaves the employer it came from (seed 002)."""

    NONE = "none", _("Stays with the employer: returns to the funder when the job ends")
    CAO = (
        "cao",
        _("Moves to a new employer under the same CAO; under another CAO if both employers agree"),
    )
    PERSON = "person", _("Always stays with the person")


class AllocationPolicy(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    PER_PERSON = "per_person", _("A fixed amount per person")
    PRIORITY = "priority", _("Priority for target groups")
    LOTTERY = "lottery", _("Lottery after closing")


class Budget(models.Model):
    """Money a funder sets aside, with its conditions, for a period."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="budgets")
    name = models.CharField(_("name"), max_length=200)
    scheme = models.CharField(
        _("scheme"),
        max_length=50,
        blank=True,
        help_text=_("Code of a scheme in the rules engine; empty for the funder's own conditions."),
    )
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    total_cents = models.BigIntegerField(_("total (cents)"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    allocation_policy = models.CharField(
        _("allocation"),
        max_length=20,
        choices=AllocationPolicy.choices,
        default=AllocationPolicy.FIRST_COME,
    )
    amount_per_person_cents = models.BigIntegerField(
        _("amount per person (cents)"), null=True, blank=True
    )
    right_kind = models.CharField(
        _("kind of right"), max_length=20, choices=RightKind.choices, default=RightKind.MONEY
    )
    right_validity_months = models.PositiveSmallIntegerField(
        _("rights valid for (months)"), default=24
    )
    portability = models.CharField(
        _("portability"), max_length=10, choices=Portability.choices, default=Portability.PERSON
    )
    account = models.OneToOneField(
        LedgerAccount, on_delete=models.PROTECT, related_name="budget", editable=False
    )
    #: Money deposited to persons whose rights have not been used yet: a right gets its own
    #: ledger account when its money first moves (see ``Right.account``).
    pool_account = models.OneToOneField(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="pool_of",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(total_cents__gt=0), name="budget_total_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="budget_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RightStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TRANSFERRED = "transferred", _("Moved to a new right")
    RETURNED = "returned", _("Returned to the funder")
    BACK_TO_BUDGET = "to_budget", _("Given back to the budget")


class Right(models.Model):
    """A person's right: money, a voucher, or (for information) a drawing right or loan room.

    One deposit makes one right, so each tranche keeps its own expiry (Fatima's employer saved
    two years: two rights, the older one is used first).

    A deposit writes a narrow :class:`DepositLine` per person; the right is made from it the
    first time the person's rights are read or moved (``lines.claim``). The money waits in the
    budget's pool account, and the right gets its own ledger account (``account``) the first
    time its money moves (a reservation, an expiry, a transfer). Until then its balance is
    ``deposited_cents``. The references below are checked by the database per statement, over
    all rows at once, instead of per row (``sql/right_references.sql``).
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="rights",
        db_index=False,  # the (person, status) index serves look-ups by person
        db_constraint=False,  # checked per statement: sql/right_references.sql
    )
    budget = models.ForeignKey(
        Budget,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rights",
        db_index=False,  # a partial index on opened rights serves the budget pages
        db_constraint=False,
    )
    #: Who is responsible for the money now: the budget's funder, or after a move under seed
    #: 002's portability the new employer ("de rechten en plichten ... gaan over").
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="rights", db_index=False, db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RightKind.choices)
    #: The right's own ledger account, made when its money first moves; empty before that
    #: (and always for information-only rights).
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rights",
        editable=False,
        db_index=False,  # the partial unique constraint below is the index
        db_constraint=False,
    )
    #: What the deposit put in; the balance while the right has no account of its own.
    deposited_cents = models.BigIntegerField(_("deposited (cents)"), null=True, blank=True)
    #: The ledger transaction that deposited it (budget → pool).
    deposit = models.ForeignKey(
        "LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposited_rights",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    info_amount_cents = models.BigIntegerField(
        _("amount for information (cents)"), null=True, blank=True
    )
    info_text = models.CharField(_("explanation"), max_length=300, blank=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    portability = models.CharField(
        _("portability"), max_length=10, choices=Portability.choices, default=Portability.PERSON
    )
    employment = models.ForeignKey(
        Employment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights",
        help_text=_("The job this right belongs to, for employer money."),
        db_index=False,
        db_constraint=False,
    )
    cao = models.CharField(_("collective agreement (CAO)"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RightStatus.choices, default=RightStatus.ACTIVE
    )
    transferred_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
        db_index=False,  # the partial unique constraint below is the index
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("right")
        verbose_name_plural = _("rights")
        indexes = [
            models.Index(fields=["person", "status"]),
            # Opened rights only: a deposit writes none of these, and the budget pages and
            # the nightly expiry find the rest by the pool (unopened) or a scan.
            models.Index(
                fields=["budget", "status"],
                condition=Q(account__isnull=False),
                name="right_opened_by_budget",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="right_valid_period_order",
            ),
            models.CheckConstraint(
                condition=Q(deposited_cents__isnull=True) | Q(deposited_cents__gt=0),
                name="right_deposited_positive",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(account__isnull=False),
                name="right_one_account",
            ),
            models.UniqueConstraint(
                fields=["transferred_from"],
                condition=Q(transferred_from__isnull=False),
                name="right_transferred_once",
            ),
            # One right per person per deposit: a claimed deposit line (lines.claim).
            models.UniqueConstraint(
                fields=["person", "deposit"],
                condition=Q(deposit__isnull=False),
                name="right_one_per_person_and_deposit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person_id}"

    @property
    def spendable(self) -> bool:
        return self.kind in SPENDABLE_KINDS and (
            self.account_id is not None or self.deposited_cents is not None
        )

    @property
    def balance_cents(self) -> int | None:
        """The money in the right now (None for an information-only right). Use
        ``select_related("account")`` when reading many."""
        if self.account_id is not None:
            assert self.account is not None
            return self.account.balance_cents
        if self.deposited_cents is not None:
            return self.deposited_cents if self.status == RightStatus.ACTIVE else 0
        return None

    def is_valid_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


class DepositLine(models.Model):
    """A person's share of a deposit, before anything has read or moved it.

    A deposit writes one narrow line per person and nothing else per person. The first time
    the person's rights are read or moved (their overview, a funding plan, an enrolment, a
    transfer, the nightly expiry, a funder's export), :func:`llo.accounts.store.lines.claim` turns
    the line into a :class:`Right` with the same person, deposit, amount and last day, in one
    transaction: the line is deleted and the right inserted, so a deposit is always exactly
    one of the two. Until then the money waits in the budget's pool account, as for a right
    not used yet.

    On PostgreSQL the table is partitioned by deposit: a large deposit is loaded into a fresh
    partition and indexed after the load (``lines.write``); small ones go to the default
    partition. References are checked by the deposit itself (one anti-join over all persons)
    and by triggers (``sql/deposit_lines.sql``), not per row.
    """

    pk = models.CompositePrimaryKey("person_id", "deposit_id")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="deposit_lines",
        db_index=False,  # the primary key starts with the person
        db_constraint=False,
    )
    deposit = models.ForeignKey(
        "LedgerTransaction",
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,  # the partition key
        db_constraint=False,
    )
    cents = models.BigIntegerField(_("deposited (cents)"))
    valid_until = models.DateField(_("valid until"))
    employment = models.ForeignKey(
        Employment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    #: NULL when there is none: it takes no room in a line, where "" would (a bulk deposit
    #: writes a million lines).
    cao = models.CharField(  # noqa: DJ001
        _("collective agreement (CAO)"), max_length=100, null=True, blank=True
    )

    class Meta:
        verbose_name = _("deposit line")
        verbose_name_plural = _("deposit lines")
        constraints = [
            models.CheckConstraint(condition=Q(cents__gt=0), name="deposit_line_cents_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.cents} → {self.person_id} ({self.deposit_id})"


class ReservationStatus(models.TextChoices):
    OPEN = "open", _("Reserved")
    CLOSED = "closed", _("Settled")


class Reservation(models.Model):
    """Money of a right set aside for one training until it is paid or released."""

    right = models.ForeignKey(Right, on_delete=models.PROTECT, related_name="reservations")
    account = models.OneToOneField(
        LedgerAccount, on_delete=models.PROTECT, related_name="reservation", editable=False
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
    )
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("The enrolment or offer.")
    )
    amount_cents = models.BigIntegerField(_("amount reserved (cents)"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReservationStatus.choices, default="open"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")

    def __str__(self) -> str:
        return f"reservation {self.pk}"


class TransactionQuerySet(models.QuerySet["LedgerTransaction"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("ledger transactions are immutable")


class LedgerTransaction(models.Model):
    """One movement of money: postings that sum to zero, with its cause. Never changed
    (also refused by a database trigger); a mistake is corrected by a new transaction."""

    #: Unique by the constraint below (a field's unique=True adds a pattern index on PostgreSQL
    #: that no query uses, on the busiest table of the ledger).
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    cause = models.CharField(_("cause"), max_length=12, choices=[(c.value, c.value) for c in Cause])
    effective_date = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created (UTC)"), db_index=True)
    actor = models.CharField(_("actor"), max_length=200)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    budget = models.ForeignKey(
        Budget,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
        db_index=False,  # the (budget, cause) index serves it
    )
    right = models.ForeignKey(
        Right, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    reservation = models.ForeignKey(
        Reservation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
    )
    count = models.PositiveIntegerField(_("rights touched"), default=1)
    amount_cents = models.BigIntegerField(_("amount moved (cents)"))

    objects = TransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        indexes = [models.Index(fields=["budget", "cause"])]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="ledger_transaction_key")
        ]

    def __str__(self) -> str:
        return f"{self.cause} {self.idempotency_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("ledger transactions are immutable")
        super().save(*args, **kwargs)


class Posting(models.Model):
    """A signed amount on one account; the postings of a transaction sum to zero."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="postings"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="posting_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents:+d} → {self.account_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("postings are immutable")
        super().save(*args, **kwargs)
