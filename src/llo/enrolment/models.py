# SPDX-License-Identifier: EUPL-1.2
"""Applications, funding windows with their intake, enrolments with attendance and evidence,
payments, misuse flags and review cases, and an adviser's consent.

Storage only: every change goes through :mod:`llo.enrolment.services`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from llo.accounts.models import Budget, Reservation, Right
from llo.enrolment.allocation import Outcome, Policy
from llo.enrolment.lifecycle import ACTIVE, Status
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering
from llo.schemes.models import DecisionRecord


class Consent(models.Model):
    """A person's consent for an adviser's organisation to act for them: time-limited and
    revocable (DESIGN.md section 4: "adviser access needs the person's consent")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="consents_received"
    )
    purpose = models.CharField(_("purpose"), max_length=200, default="apply")
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"Consent {self.pk}"


class Window(models.Model):
    """An application window (STAP art. 9 "aanvraagtijdvak") of a budget."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="windows")
    name = models.CharField(_("name"), max_length=200)
    #: What people read about the window: for whom it is, in B1.
    description = models.TextField(_("description"), blank=True)
    #: The rules that decide in this window: a scheme of the rules engine ("stap",
    #: "llo_regeling") or "funder" for the budget's own conditions. Empty on windows made
    #: before this field: the budget's scheme, else its conditions
    #: (:func:`llo.enrolment.window_rules.rules_key`). Checked when a window is opened: the
    #: rules must apply on every day of the window.
    scheme = models.CharField(_("rules"), max_length=50, blank=True)
    #: The most one person gets in this window (STAP: EUR 1,000); None: the budget's amount
    #: per person, else what the rules give.
    max_per_person_cents = models.BigIntegerField(
        _("most per person (cents)"), null=True, blank=True
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    budget_cents = models.BigIntegerField(_("window budget (cents)"))
    policy = models.CharField(
        _("allocation"), max_length=10, choices=[(p.value, p.value) for p in Policy]
    )
    then_policy = models.CharField(
        _("inside a priority group"),
        max_length=10,
        choices=[(Policy.FCFS.value, "fcfs"), (Policy.LOTTERY.value, "lottery")],
        default=Policy.FCFS.value,
    )
    #: Target groups in order of priority (codes of enrolment.groups).
    priority_groups = models.JSONField(_("priority groups"), default=list, blank=True)
    #: Published with the result so anyone can re-run the lottery.
    seed = models.CharField(_("lottery seed"), max_length=64, blank=True)
    training_cap = models.PositiveIntegerField(
        _("grants per training per year"), null=True, blank=True
    )
    waiting_list = models.BooleanField(_("waiting list"), default=True)
    #: What the window granted: moved only by the allocator, or by the conditional update.
    granted_cents = models.BigIntegerField(_("granted (cents)"), default=0)
    allocated_at = models.DateTimeField(_("allocated"), null=True, blank=True)
    #: The key of the request that opened the window: sending the form again opens it once.
    opening_key = models.CharField(max_length=255, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_cents__gte=0) & Q(granted_cents__lte=models.F("budget_cents")),
                name="enrolment_window_never_overspent",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="enrolment_window_order"
            ),
            models.CheckConstraint(
                condition=Q(budget_cents__gt=0), name="enrolment_window_budget_positive"
            ),
            models.UniqueConstraint(
                fields=["budget", "opening_key"],
                condition=~Q(opening_key=""),
                name="enrolment_window_opened_once",
            ),
            models.CheckConstraint(
                condition=Q(max_per_person_cents__isnull=True) | Q(max_per_person_cents__gt=0),
                name="enrolment_window_per_person_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Preview(models.Model):
    """What a person saw before confirming: the decision with reasons and the funding plan.
    Confirming names the preview and the amount shown, so a tampered amount is caught."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="previews")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        DecisionRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    peildatum = models.DateField()
    eligible = models.BooleanField()
    amount_cents = models.BigIntegerField()
    own_cents = models.BigIntegerField()
    price_cents = models.BigIntegerField()
    reasons = models.JSONField(default=list)
    plan = models.JSONField(default=list)
    created_at = models.DateTimeField()
    actor = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"Preview {self.pk}"


class IntakeEntry(models.Model):
    """One submission to a window: append-only. The id, taken from a database sequence
    without a lock, is the arrival order; one allocator per window reads it later."""

    # No single-column index on window, offer and preview (issue 18): the window's unique
    # constraints below begin with it and serve every look-up by window; nothing looks
    # entries up by offer or preview (neither is ever deleted). The allocator rewrites every
    # entry of a window once (its outcome), and each index was written again for each of
    # 250,000 rows: those of few distinct values (window, offer) cost the most. Kept: person
    # (a person's entries) and offering (an offer's start dates are replaced by the register,
    # and the foreign key's check of a deleted one looks entries up by it).
    id = models.BigAutoField(primary_key=True)
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="intake", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+", db_index=False)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="+")
    preview = models.ForeignKey(Preview, on_delete=models.PROTECT, related_name="+", db_index=False)
    amount_cents = models.BigIntegerField()
    group_rank = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    outcome = models.CharField(
        max_length=20, choices=[(o.value, o.value) for o in Outcome], blank=True
    )
    position = models.PositiveIntegerField(null=True, blank=True)
    #: The entry's number in its window, in arrival order (1, 2, ...), given by the allocator,
    #: the window's single writer, when it decides the entry (decision 016). The lottery draws
    #: on it, not on ``id``: ids are shared by all windows and differ between databases, so
    #: only this number lets anyone re-run a published draw from the seed and the numbers.
    seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("intake entry")
        verbose_name_plural = _("intake entries")
        constraints = [
            models.UniqueConstraint(
                fields=["window", "person"], name="enrolment_intake_once_per_window"
            ),
            models.UniqueConstraint(
                fields=["window", "idempotency_key"], name="enrolment_intake_key_unique"
            ),
            # Not unique per window by an index any more (decision 013, issue 18): the
            # allocator writes outcome, position and number of every entry of a window at
            # once, and only while no index holds a column it writes can PostgreSQL write the
            # new row version in the same page without touching any index ("HOT", 2.2 s
            # instead of 11 s for 250,000 entries). The numbers are 1..n per window by
            # construction (the window's single writer) and checked by the invariant
            # ``window-outcomes``. So: no index on outcome, position or seq. The table keeps
            # room in each page for that one rewrite (fillfactor 45, migration 0008).
        ]

    def __str__(self) -> str:
        return f"IntakeEntry {self.pk}"


class TrainingCounter(models.Model):
    """Grants per training per calendar year (STAP art. 12a), moved by a conditional update."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    grants = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "year"], name="enrolment_counter_unique")
        ]

    def __str__(self) -> str:
        return f"TrainingCounter {self.pk}"


class Application(models.Model):
    # No single-column index on offer and window: the (offer, status) and (window, status)
    # indexes below serve every look-up by either, and a window's allocator writes 250,000
    # applications at once (issue 18: every index is written for every row).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="applications")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        db_index=False,
    )
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    intake = models.OneToOneField(
        IntakeEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )
    preview = models.ForeignKey(Preview, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in Status])
    amount_cents = models.BigIntegerField(default=0)  # funded: reserved by the plan / grant
    own_cents = models.BigIntegerField(default=0)
    #: Unique by the constraint below (a field's unique=True adds a pattern index on
    #: PostgreSQL that no query uses); 80 random bits (services.common.new_receipt).
    receipt = models.CharField(max_length=32)
    applied_at = models.DateTimeField()
    applied_by = models.CharField(max_length=200)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pre_registered = models.BooleanField(default=False)
    status_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-applied_at"]
        constraints = [
            # Once a calendar year per budget (STAP: one grant per person per year).
            models.UniqueConstraint(
                fields=["person", "budget", "year"],
                condition=Q(status__in=sorted(ACTIVE)) & Q(budget__isnull=False),
                name="enrolment_application_once_a_year",
            ),
            # One active application per person and start date (issue 14, finding 1): the
            # "already applied" check in the service runs before the insert, so two requests
            # at the same moment both passed it and reserved twice. This index refuses the
            # second insert (PostgreSQL makes it wait for the first to commit); the service
            # answers it as "already applied".
            models.UniqueConstraint(
                fields=["person", "offering"],
                condition=Q(status__in=sorted(ACTIVE)),
                name="enrolment_application_one_active",
            ),
            # A receipt number names one application (issue 18: collision-free).
            models.UniqueConstraint(fields=["receipt"], name="enrolment_application_receipt"),
        ]
        indexes = [
            models.Index(fields=["offer", "status"]),
            models.Index(fields=["window", "status"]),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk}"


class Funding(models.Model):
    """One reservation that pays an application (one line of the funding plan)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="fundings")
    right = models.ForeignKey(Right, on_delete=models.PROTECT, related_name="+")
    reservation = models.OneToOneField(Reservation, on_delete=models.PROTECT, related_name="+")
    amount_cents = models.BigIntegerField()

    class Meta:
        constraints = [
            # An application reserves from each right of its plan once: a second reservation
            # of the same right for it is the double reservation of issue 14, finding 1.
            models.UniqueConstraint(
                fields=["application", "right"], name="enrolment_funding_once_per_right"
            ),
        ]

    def __str__(self) -> str:
        return f"Funding {self.pk}"


class Enrolment(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="enrolment"
    )
    enrolled_at = models.DateTimeField()
    sessions_planned = models.PositiveIntegerField(default=0)
    sessions_attended = models.PositiveIntegerField(default=0)
    sessions_excused = models.PositiveIntegerField(default=0)
    excused_reason = models.CharField(max_length=300, blank=True)
    credential = models.CharField(_("credential reference"), max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Enrolment {self.pk}"


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Advance")
    FINAL = "final", _("Final payment")
    CLAW_BACK = "claw_back", _("Taken back")
    RELEASE = "release", _("Released")


class Payment(models.Model):
    """A money movement of an application, for the provider's statement; the money itself is
    in the ledger (``ledger_transaction``)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=PaymentKind.choices)
    amount_cents = models.BigIntegerField()
    ledger_transaction = models.BigIntegerField()
    at = models.DateTimeField()
    under_review = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Payment {self.pk}"


class PreRegistration(models.Model):
    """The provider's pre-registration of a person for an offer (STAP "aanmeldingsbewijs")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "offer"], name="enrolment_prereg_unique")
        ]

    def __str__(self) -> str:
        return f"PreRegistration {self.pk}"


class WindowInterest(models.Model):
    """A person's pre-registration for a window that has not opened yet (JOURNEYS.md,
    Mohammed: "or a pre-registration while its first window has not opened yet"). It holds no
    place in the line (the intake does, from the opening); llo tells the person when the window
    opens (``notified_at``: once)."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "person"], name="enrolment_interest_unique")
        ]

    def __str__(self) -> str:
        return f"WindowInterest {self.pk}"


class GiftReport(models.Model):
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declared_by_provider = models.BooleanField(default=False)
    text = models.CharField(max_length=500)
    reported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"GiftReport {self.pk}"


class ReviewCase(models.Model):
    """A provider under review. Payments go on where the law says so (STAP art. 12(1)(e)
    protects applications made before an exclusion); the case tracks them."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider"],
                condition=Q(closed_at__isnull=True),
                name="enrolment_one_open_case",
            )
        ]

    def __str__(self) -> str:
        return f"ReviewCase {self.pk}"


class MisuseFlag(models.Model):
    rule = models.CharField(max_length=40)
    subject = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    evidence = models.JSONField(default=dict)
    detected_at = models.DateTimeField()
    case = models.ForeignKey(
        ReviewCase, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    status = models.CharField(
        max_length=12,
        choices=[("open", _("Open")), ("dismissed", _("Dismissed")), ("confirmed", _("Confirmed"))],
        default="open",
    )

    class Meta:
        ordering = ["-detected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject", "subject_id"], name="enrolment_flag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"MisuseFlag {self.pk}"
