# SPDX-License-Identifier: EUPL-1.2
"""Persons, organisations, employment, and the user accounts people log in with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from llo.core import crypto
from llo.core.identifiers import LEVEL_CHOICES, Level, validate_bsn
from llo.core.roles import Role
from llo.core.timeutil import age_on
from llo.core.vocabulary import LabourPosition
from llo.regions.models import Gemeente


class PersonQuerySet(models.QuerySet["Person"]):
    def by_bsn(self, bsn: str) -> Person | None:
        """Find a person by BSN through the keyed hash; the BSN itself is never queried."""
        return self.filter(bsn_hash__in=crypto.lookup_hashes(validate_bsn(bsn))).first()


class Person(models.Model):
    """A person with learning rights. Holds only what a rule needs (AVG, DESIGN.md 4)."""

    bsn_encrypted = models.TextField(_("BSN (encrypted)"), editable=False)
    bsn_hash = models.CharField(_("BSN keyed hash"), max_length=64, unique=True, editable=False)
    display_name = models.CharField(_("name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    highest_level = models.CharField(
        _("highest education (NLQF)"), max_length=12, choices=LEVEL_CHOICES
    )
    labour_position = models.CharField(
        _("labour-market position"), max_length=20, choices=LabourPosition.choices
    )
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="persons", verbose_name=_("municipality")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["labour_position", "highest_level"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def bsn(self) -> str:
        return crypto.decrypt(self.bsn_encrypted)

    def set_bsn(self, bsn: str) -> None:
        valid = validate_bsn(bsn)
        self.bsn_encrypted = crypto.encrypt(valid)
        self.bsn_hash = crypto.keyed_hash(valid)

    @property
    def level(self) -> Level:
        return Level(self.highest_level)

    def age_on(self, on: dt.date) -> int:
        return age_on(self.birth_date, on)


class OrganisationKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    OO_FUND = "oo_fund", _("Sector fund (O&O-fonds)")
    MUNICIPALITY = "municipality", _("Municipality")
    UWV = "uwv", _("UWV")
    PROVIDER = "provider", _("Training provider")
    MINISTRY = "ministry", _("Ministry")
    WORK_CENTRE = "work_centre", _("Regional work centre")


#: Which kind of organisation a role acts for (eHerkenning: the KvK number of the organisation).
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.WERKGEVER: frozenset({OrganisationKind.EMPLOYER}),
    Role.FONDS: frozenset({OrganisationKind.OO_FUND}),
    Role.GEMEENTE: frozenset({OrganisationKind.MUNICIPALITY}),
    Role.UWV: frozenset({OrganisationKind.UWV}),
    Role.OPLEIDER: frozenset({OrganisationKind.PROVIDER}),
    Role.ADVISEUR: frozenset({OrganisationKind.WORK_CENTRE, OrganisationKind.MUNICIPALITY}),
    Role.BELEID: frozenset({OrganisationKind.MINISTRY}),
    Role.BEHEER: frozenset({OrganisationKind.MINISTRY}),
    # An EVC provider's staff: an assessor finds a candidate by BSN and gives a certificate.
    Role.ASSESSOR: frozenset({OrganisationKind.PROVIDER}),
}

#: Roles that reach other people's data or the register as a whole: an organisation of the
#: right kind is not enough, it needs a :class:`RoleGrant` for the role (issue 14, finding 3:
#: before, any ministry's KvK number could log in as register staff).
GRANTED_ROLES: frozenset[str] = frozenset({Role.ADVISEUR, Role.BELEID, Role.BEHEER, Role.ASSESSOR})


class Organisation(models.Model):
    kvk = models.CharField(_("KvK number"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    gemeente = models.ForeignKey(
        Gemeente,
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_mkb(self) -> bool:
        """Small or medium-sized enterprise: fewer than 250 employees (EU definition)."""
        return self.employees is not None and self.employees < 250


class RoleGrant(models.Model):
    """An organisation may act in a staff role (:data:`GRANTED_ROLES`): explicit data, given
    by an administrator with a reason (``llo grant_role``, the admin), not inferred from the
    kind of organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    reason = models.CharField(_("reason"), max_length=300)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="role_grant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.role}"


class Employment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employments")
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    cao = models.CharField(_("collective agreement (CAO)"), max_length=100, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="employment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.employer}"

    def is_active_on(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


class FactName(models.TextChoices):
    """Facts about a person that rules need and that llo's other data do not hold (issue 13).
    Each is asked in B1 on the apply page when a decision needs it (``people.facts``)."""

    INSURED_SINCE = "insured_since", _("Lives or works in the Netherlands since")
    RECEIVES_STUDY_SUPPORT = "receives_study_support", _("Gets study support from the government")
    NEEDS_BASIC_SKILLS = (
        "needs_basic_skills",
        _("Wants to learn to read, write, count or use a computer better"),
    )
    #: Why the person wants a training (``vocabulary.Purpose``: work, grow, switch). Issue 15
    #: finding 1: "a person states the purpose of a training when they apply"; the newest
    #: statement counts, as for the other facts, until the person says otherwise.
    TRAINING_PURPOSE = "training_purpose", _("Why they want to follow a training")


class FactSource(models.TextChoices):
    """Where a fact came from. A person's own statement now; a source register (SVB for the
    insurance history, DUO for student finance) when llo is connected to one."""

    DECLARATION = "declaration", _("Your own statement")
    REGISTER = "register", _("A source register")


class PersonFact(models.Model):
    """One statement of a fact about a person, with its source and date. Never changed: a new
    statement is a new row and the newest one counts, so a decision record can always say
    which statement it used."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="facts", verbose_name=_("person")
    )
    name = models.CharField(_("fact"), max_length=40, choices=FactName.choices)
    #: JSON: ``insured_since`` an ISO date or null (not insured in the Netherlands);
    #: ``training_purpose`` a purpose code; the others true or false.
    value = models.JSONField(_("value"), null=True)
    source = models.CharField(_("source"), max_length=20, choices=FactSource.choices)
    #: The register's name when ``source`` is a register (for example "SVB").
    source_name = models.CharField(_("name of the source"), max_length=100, blank=True)
    #: The day the statement was made (or the register's date): it speaks for that day.
    stated_on = models.DateField(_("stated on"))
    recorded_at = models.DateTimeField(_("recorded at (UTC)"))
    #: Who recorded it: the person, or the adviser acting with the person's consent.
    recorded_by = models.CharField(_("recorded by"), max_length=200)

    class Meta:
        verbose_name = _("fact about a person")
        verbose_name_plural = _("facts about persons")
        indexes = [models.Index(fields=["person", "name", "-stated_on", "-id"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.source}, {self.stated_on})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a statement of a fact is never changed; record a new one")
        super().save(*args, **kwargs)


class FundMembership(models.Model):
    """An employer affiliated with an O&O fund ("aangesloten werkgever"): the fund reaches the
    employees of its member firms, whatever sector their job is recorded in (issue 14, item 2).
    Registered by the fund (or from its CAO's scope), with the dates of the affiliation."""

    fund = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="member_firms",
        verbose_name=_("sector fund"),
        limit_choices_to={"kind": OrganisationKind.OO_FUND},
    )
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="fund_memberships",
        verbose_name=_("employer"),
        limit_choices_to={"kind": OrganisationKind.EMPLOYER},
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("member firm of a sector fund")
        verbose_name_plural = _("member firms of sector funds")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "employer", "start"], name="fund_membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="fund_membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} @ {self.fund}"


class ClientRelation(models.Model):
    """A person is a client of UWV (WW, WIA, Wajong or a job seeker it helps), as UWV itself
    registers it: llo does not guess UWV's clients from what a person says about their work.
    UWV reaches these persons, on the dates of the relation (issue 14, item 2; decision 010).
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="clients",
        verbose_name=_("organisation"),
        limit_choices_to={"kind": OrganisationKind.UWV},
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="client_of", verbose_name=_("person")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("client of UWV")
        verbose_name_plural = _("clients of UWV")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person", "start"], name="client_relation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="client_relation_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation}"


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, role: str, **extra: Any) -> User:
        user = self.model(username=username, role=role, **extra)
        user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(
            username=username, role=Role.BEHEER, is_staff=True, is_superuser=True, **extra
        )
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """An account to log in with: one identity acting in one role.

    A citizen's account points at their Person; an organisation role's account points at the
    Organisation it acts for. The username is derived (``burger:<bsn hash>``,
    ``werkgever:<kvk>``), never a BSN in clear text.
    """

    username = models.CharField(_("user name"), max_length=150, unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="users"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="users"
    )
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    assurance_level = models.CharField(_("assurance level"), max_length=40, blank=True)
    login_plugin = models.CharField(_("login method"), max_length=20, blank=True)
    is_staff = models.BooleanField(_("admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username
