# SPDX-License-Identifier: EUPL-1.2
"""Arbeidsmarktregio's and gemeenten (CBS 2025)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One of the 35 arbeidsmarktregio's (CBS code AMnn)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("labour-market region")
        verbose_name_plural = _("labour-market regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gemeente(models.Model):
    """A municipality (CBS code GMnnnn); belongs to exactly one region."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="gemeenten", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- demand articulation, shortage data and the gap (issue 17) --------------------------------
# Seed 003 asks for a duty of regional demand articulation ("vraagarticulatie") and an LLO
# portfolio shared openly; seed 004 puts the regional work centres at its centre.


class Urgency(models.TextChoices):
    LOW = "low", _("Can wait")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    FILLED = "filled", _("The people are found or trained")
    WITHDRAWN = "withdrawn", _("The demand is no longer there")
    REPLACED = "replaced", _("Replaced by a new statement")


class DemandStatement(models.Model):
    """A region partner says: in this region, in this period, this many people are needed for
    this occupation and/or these skills, at this level. Open data (no persons in it)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="demand", verbose_name=_("region")
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        related_name="demand_statements",
        verbose_name=_("stated by"),
    )
    occupation = models.ForeignKey(
        "skills.Occupation",
        to_field="code",
        db_column="occupation_code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    skills = models.ManyToManyField(
        "skills.Skill", through="DemandSkill", related_name="+", verbose_name=_("skills")
    )
    people = models.PositiveIntegerField(_("number of people"))
    level = models.CharField(_("level (NLQF/EQF)"), max_length=12, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("explanation"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("why closed"), max_length=10, choices=CloseReason.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("recorded"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("demand statement")
        verbose_name_plural = _("demand statements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="regions_demand_people"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="regions_demand_period"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_at__isnull=False)),
                name="regions_demand_closed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "period_start"], name="regions_demand_region"),
            models.Index(fields=["occupation", "status"], name="regions_demand_occ"),
            models.Index(fields=["organisation", "status"], name="regions_demand_org"),
        ]

    def __str__(self) -> str:
        return f"{self.people} x {self.occupation_id or '-'} ({self.region_id})"


class DemandSkill(models.Model):
    statement = models.ForeignKey(DemandStatement, on_delete=models.CASCADE)
    skill = models.ForeignKey(
        "skills.Skill", to_field="code", db_column="skill_code", on_delete=models.PROTECT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "skill"], name="regions_demandskill_unique"
            )
        ]
        indexes = [models.Index(fields=["skill", "statement"], name="regions_demandskill_skill")]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.skill_id}"


class ShortageKind(models.TextChoices):
    """UWV's two lists: kansberoepen (good prospects for job seekers) and krapteberoepen
    (employers cannot find enough people)."""

    KANSBEROEP = "kansberoep", _("Good chance of work")
    KRAPTEBEROEP = "krapteberoep", _("Shortage of workers")


class ShortageEntry(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="shortages")
    occupation = models.ForeignKey(
        "skills.Occupation",
        to_field="code",
        db_column="occupation_code",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ShortageKind.choices)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    source = models.CharField(_("source"), max_length=300)
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("shortage entry")
        verbose_name_plural = _("shortage entries")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "occupation", "kind", "valid_from"],
                name="regions_shortage_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="regions_shortage_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.occupation_id} {self.kind}"


class DemandSubscription(models.Model):
    """A provider wants to hear of new demand in its field: an occupation (an ESCO code, or an
    ISCO-08 group code for a whole group) or a skill, in one region or all."""

    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.CASCADE, related_name="demand_subscriptions"
    )
    occupation_code = models.CharField(_("occupation or group"), max_length=32, blank=True)
    skill = models.ForeignKey(
        "skills.Skill",
        to_field="code",
        db_column="skill_code",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True)
    #: "occupation|skill|region" ("" for none): one subscription per field and region, also
    #: where SQLite cannot make NULLs count as equal in a unique constraint.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("subscription to new demand")
        verbose_name_plural = _("subscriptions to new demand")
        constraints = [
            models.CheckConstraint(
                condition=(~Q(occupation_code="") & Q(skill__isnull=True))
                | (Q(occupation_code="") & Q(skill__isnull=False)),
                name="regions_subscription_one_field",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key"], name="regions_subscription_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.occupation_code or self.skill_id}"


class Dimension(models.TextChoices):
    OCCUPATION = "occupation", _("Occupation")
    SKILL = "skill", _("Skill")
    ALL = "all", _("All together")


class GapCell(models.Model):
    """One cell of the gap table: a region (or, with ``region`` empty, the online offer that
    every region can use), an occupation or skill, a calendar year. Derived data, written
    whole by :mod:`llo.regions.services.gap`; no foreign keys, like the register's index."""

    year = models.PositiveSmallIntegerField()
    region_code = models.CharField(max_length=4, blank=True)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    code = models.CharField(max_length=64)
    demand_people = models.IntegerField(default=0)
    demand_urgent = models.IntegerField(default=0)
    statements = models.IntegerField(default=0)
    offers = models.IntegerField(default=0)
    seats = models.IntegerField(default=0)
    starts = models.IntegerField(default=0)
    starts_without_seats = models.IntegerField(default=0)
    #: "kansberoep", "krapteberoep" or both ("krapteberoep+kansberoep").
    shortage = models.CharField(max_length=40, blank=True)
    gap = models.IntegerField(default=0)
    #: When the cell's figures were last written: a recompute leaves a cell whose figures
    #: did not change alone (the run's own time is ``GapRun.computed_at``).
    computed_at = models.DateTimeField()

    class Meta:
        # Two indexes only: the table is computed whole every night (113,000 cells for
        # 500,000 offers, bench/gap; only changed cells are written). The key serves a
        # region's page (a region's year has at most a few thousand cells, sorted in
        # memory); the second the map of one code.
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "dimension", "code"], name="regions_gapcell_key"
            )
        ]
        indexes = [
            models.Index(fields=["dimension", "code", "year"], name="regions_gap_code"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_code or 'online'} {self.code}"


class GapRun(models.Model):
    """One computation of the gap table: which years, when, how long it took, how many cells."""

    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    region_code = models.CharField(max_length=4, blank=True)  # "" = every region
    computed_at = models.DateTimeField()
    seconds = models.FloatField()
    cells = models.IntegerField()

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.first_year}-{self.last_year} {self.computed_at:%Y-%m-%d %H:%M}"
