# SPDX-License-Identifier: EUPL-1.2
"""The training register: providers (opleiders), quality marks, offers, offerings, versions,
reviews, and the search index tables.

Field values follow OOAPI v6 where OOAPI has a vocabulary (``levelOfQualification``,
``modeOfDelivery``, ``studyloadUnit``, ``offeringState``); see
``../shared/standards/ooapi/ooapi-v6-bundled.json``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from llo.core.identifiers import LEVEL_CHOICES
from llo.core.money import Money
from llo.core.vocabulary import OfferType
from llo.people.models import Organisation
from llo.regions.models import Gemeente

# --- vocabularies -------------------------------------------------------------------------


class ProviderKind(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class ProviderStatus(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")


class QualityMarkKind(models.TextChoices):
    """Quality marks the register accepts (seed 001: "een scholingsregister met kwaliteitseisen";
    the STAP register accepted these kinds of recognition)."""

    NRTO = "nrto", _("NRTO quality mark")
    CRKBO = "crkbo", _("CRKBO registration")
    NVAO = "nvao", _("NVAO accreditation")
    OCW = "ocw", _("Recognised by OCW (mbo)")
    NLQF = "nlqf", _("NLQF-levelled qualification")
    BRANCH = "branch", _("Recognised by a branch")


class LevelBasis(models.TextChoices):
    """How the NLQF/EQF level is known. Formal qualifications have it by law ("generic");
    non-formal ones can be levelled on request by the NCP NLQF (seed 001, section 4)."""

    GENERIC = "generic", _("Level set by law (formal qualification)")
    LEVELLED = "levelled", _("Levelled by the NCP NLQF on request")
    INDICATIVE = "indicative", _("Level given by the provider (not levelled)")


class StudyLoadUnit(models.TextChoices):
    """OOAPI v6 ``studyloadUnit``."""

    HOUR = "hour", _("hours")
    ECTS = "ects", _("ECTS")
    SBU = "sbu", _("SBU (study hours)")
    CONTACT_TIME = "contact_time", _("contact hours")
    SP = "sp", _("study points")


class AssessmentType(models.TextChoices):
    """How what is learnt is assessed: an EU micro-credential element ("type of assessment",
    Council Recommendation 2022/C 243/02, Annex I), given by the provider and carried on the
    credential."""

    WRITTEN_EXAM = "written_exam", _("Written or digital exam")
    PRACTICAL_EXAM = "practical_exam", _("Practical exam")
    ASSIGNMENT = "assignment", _("Assignment or project, assessed by the teacher")
    PORTFOLIO = "portfolio", _("Portfolio and criterion-based interview")
    EVC_ASSESSMENT = "evc_assessment", _("EVC procedure: portfolio and assessment at work")
    ATTENDANCE = "attendance", _("Attendance only, no test")


class LeadsTo(models.TextChoices):
    DIPLOMA = "diploma", _("Diploma")
    MBO_CERTIFICATE = "mbo_certificate", _("mbo certificate")
    MICROCREDENTIAL = "microcredential", _("Microcredential")
    EXPERIENCE_CERTIFICATE = "experience_certificate", _("Experience certificate (EVC)")
    NONE = "none", _("No certificate")


class ModeOfDelivery(models.TextChoices):
    """OOAPI v6 ``modeOfDelivery``; the order is the bit order in the search index."""

    BLENDED = "blended", _("Blended (online and in class)")
    COIL = "coil", _("Online with other institutions (COIL)")
    HYBRID = "hybrid", _("Hybrid")
    JOINT_DELIVERY = "joint_delivery", _("Given together with other institutions")
    ONLINE = "online", _("Online")
    PRESENTIAL = "presential", _("In class")
    PROJECT_BASED = "project_based", _("In a project")
    RESEARCH_LAB_BASED = "research_lab_based", _("In a research lab")
    WORK_BASED = "work_based", _("At work")


class LegalStatus(models.TextChoices):
    """Seed 000: in formal education participants are students; in the non-formal LLO offer
    of funded institutions "deelnemers zijn geen studenten, maar cursisten en het
    privaatrecht is van toepassing"."""

    STUDENT = "student", _("Student (formal education)")
    CURSIST = "cursist", _("Course participant (private law)")


class OfferState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn by the provider")
    REMOVED = "removed", _("Removed by the register")


class OfferingState(models.TextChoices):
    """OOAPI v6 ``offeringState``."""

    CONCEPT = "concept", _("Not open yet")
    ACTIVE = "active", _("Open")
    INACTIVE = "inactive", _("Closed for now")
    CANCELLED = "cancelled", _("Cancelled")


# --- providers ----------------------------------------------------------------------------


class Opleider(models.Model):
    """A training provider in the register, one-to-one with its Organisation (kind provider)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="opleider",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("public or private"), max_length=10, choices=ProviderKind.choices)
    funded = models.BooleanField(_("state-funded"), default=False)
    institution_code = models.CharField(
        _("institution code (BRIN)"),
        max_length=8,
        blank=True,
        help_text=_("Four characters, for example 25PZ. Needed for public providers."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProviderStatus.choices,
        default=ProviderStatus.ADMITTED,
    )
    status_reason = models.TextField(_("public reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="private") | ~Q(institution_code=""),
                name="register_opleider_public_has_institution_code",
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def kvk(self) -> str:
        return self.organisation.kvk


class QualityMark(models.Model):
    opleider = models.ForeignKey(Opleider, on_delete=models.CASCADE, related_name="quality_marks")
    kind = models.CharField(_("kind"), max_length=10, choices=QualityMarkKind.choices)
    reference = models.CharField(_("certificate number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("quality mark")
        verbose_name_plural = _("quality marks")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="register_qualitymark_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.opleider})"

    def is_valid_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


# --- offers -------------------------------------------------------------------------------


class Offer(models.Model):
    """One offer in the register: a programme, course, module, EVC procedure, basic-skills
    course or microcredential. Every change writes an :class:`OfferVersion`."""

    opleider = models.ForeignKey(Opleider, on_delete=models.PROTECT, related_name="offers")
    code = models.CharField(
        _("your code"),
        max_length=64,
        help_text=_("Your own code for this offer. It must be unique within your offers."),
    )
    ooapi_id = models.UUIDField(_("OOAPI id"), default=uuid.uuid4, unique=True, editable=False)
    offer_type = models.CharField(_("type"), max_length=20, choices=OfferType.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    formal = models.BooleanField(_("formal education"), default=False)
    level = models.CharField(_("level (NLQF/EQF)"), max_length=12, choices=LEVEL_CHOICES)
    level_basis = models.CharField(
        _("basis of the level"),
        max_length=12,
        choices=LevelBasis.choices,
        default=LevelBasis.INDICATIVE,
    )
    study_load_value = models.DecimalField(
        _("study load"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    study_load_unit = models.CharField(
        _("unit of study load"), max_length=12, choices=StudyLoadUnit.choices, blank=True
    )
    leads_to = models.CharField(_("leads to"), max_length=24, choices=LeadsTo.choices)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of programme"),
    )
    unit_code = models.CharField(_("unit of the programme"), max_length=64, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    #: What a learner can do afterwards (EU micro-credential element "learning outcomes");
    #: exemptions match a unit's outcomes against a credential's (llo.credentials).
    learning_outcomes = models.JSONField(_("learning outcomes"), default=list, blank=True)
    #: EU micro-credential elements the provider gives (the workload is the study load, the
    #: form of participation the modes of delivery, the level the NLQF/EQF level).
    assessment_type = models.CharField(
        _("type of assessment"), max_length=20, choices=AssessmentType.choices, blank=True
    )
    quality_assurance = models.CharField(_("quality assurance"), max_length=1000, blank=True)
    occupations = models.JSONField(_("occupations"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=12, default="nl")
    modes = models.JSONField(_("modes of delivery"), default=list)
    online = models.BooleanField(_("can be followed online"), default=False)
    gemeenten = models.ManyToManyField(
        Gemeente, blank=True, related_name="offers", verbose_name=_("places")
    )
    fee_cents = models.BigIntegerField(_("course fee (cents)"), default=0)
    exam_cents = models.BigIntegerField(_("exam fee (cents)"), default=0)
    materials_cents = models.BigIntegerField(_("materials (cents)"), default=0)
    price_cents = models.BigIntegerField(_("total price (cents)"), default=0)
    vat_exempt = models.BooleanField(_("exempt from VAT"), default=True)
    legal_status = models.CharField(
        _("participants are"), max_length=10, choices=LegalStatus.choices
    )
    state = models.CharField(
        _("state"), max_length=12, choices=OfferState.choices, default=OfferState.DRAFT
    )
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    removal_reason = models.TextField(_("public reason for removal"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    checks = models.JSONField(_("results of the admission checks"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opleider", "code"], name="register_offer_code_unique"),
            models.CheckConstraint(
                condition=Q(fee_cents__gte=0) & Q(exam_cents__gte=0) & Q(materials_cents__gte=0),
                name="register_offer_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(price_cents=F("fee_cents") + F("exam_cents") + F("materials_cents")),
                name="register_offer_price_is_sum",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "offer_type", "level"]),
            models.Index(fields=["opleider", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def price(self) -> Money:
        return Money(self.price_cents)

    @property
    def fee(self) -> Money:
        return Money(self.fee_cents)

    @property
    def exam(self) -> Money:
        return Money(self.exam_cents)

    @property
    def materials(self) -> Money:
        return Money(self.materials_cents)


class Offering(models.Model):
    """One run of an offer: a start date and a number of places (OOAPI offering)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="offerings")
    code = models.CharField(_("code"), max_length=64, blank=True)
    ooapi_id = models.UUIDField(_("OOAPI id"), default=uuid.uuid4, unique=True, editable=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=OfferingState.choices, default=OfferingState.ACTIVE
    )

    class Meta:
        verbose_name = _("start moment")
        verbose_name_plural = _("start moments")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="register_offering_end_after_start",
            )
        ]
        indexes = [models.Index(fields=["offer", "start_date"])]

    def __str__(self) -> str:
        return f"{self.offer} ({self.start_date:%d-%m-%Y})"


class TermDimension(models.TextChoices):
    """What an :class:`OfferTerm` names; the same words as the regions' gap table."""

    OCCUPATION = "occupation", _("Occupation")
    SKILL = "skill", _("Skill")


class OfferTerm(models.Model):
    """One occupation or skill an offer leads to: the offer's ``occupations`` and ``skills``
    lists as a table, one row per offer and code (each code once), for every offer whatever
    its state. The regions' gap and portfolio group and find offers by occupation through it
    instead of unnesting JSON (docs/decisions/019-offer-terms-table.md).

    Derived data, like the search index: written only by :mod:`llo.register.store.offer_terms`, in
    the transaction that writes the offer's lists (``create_offer``, ``update_offer``, the
    import), and kept equal to them (``terms.drift``). No database foreign key, as in the
    search index: PostgreSQL's deferred key checks would cost a look-up per row at commit
    (1.7 million rows for 500,000 offers); deleting an offer through Django deletes its rows."""

    pk = models.CompositePrimaryKey("offer_id", "dimension", "code")
    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="terms", db_constraint=False
    )
    dimension = models.CharField(max_length=10, choices=TermDimension.choices)
    code = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("occupation or skill of an offer")
        verbose_name_plural = _("occupations and skills of offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(dimension__in=TermDimension.values), name="register_term_dimension"
            )
        ]
        indexes = [
            # The offers of one occupation or skill (a cell of the gap, a filtered portfolio).
            models.Index(fields=["dimension", "code", "offer"], name="register_term_code")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.dimension} {self.code}"


class OfferVersion(models.Model):
    """An offer as it was: every saved change adds one, so earlier prices stay retrievable
    (a later issue flags price rises against earlier versions)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved at"))
    actor = models.CharField(_("saved by"), max_length=200)
    fee_cents = models.BigIntegerField(default=0)
    exam_cents = models.BigIntegerField(default=0)
    materials_cents = models.BigIntegerField(default=0)
    price_cents = models.BigIntegerField(default=0)
    vat_exempt = models.BooleanField(default=True)
    snapshot = models.JSONField(_("content"), default=dict)

    class Meta:
        verbose_name = _("offer version")
        verbose_name_plural = _("offer versions")
        ordering = ["offer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "number"], name="register_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} v{self.number}"


class ReviewEvent(models.Model):
    """One step of the review workflow: who moved the offer from which state to which, why,
    and what the admission checks said at that moment."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="review_events")
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("by"), max_length=200)
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=12, choices=OfferState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=OfferState.choices)
    reason = models.TextField(_("reason"), blank=True)
    checks = models.JSONField(_("checks"), default=list, blank=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["offer", "at", "id"]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.from_state} -> {self.to_state}"


# --- the search index ---------------------------------------------------------------------
# One row per published offer of an admitted provider, written only by llo.register.search.
# The text itself lives in vendor-specific structures made by migration 0002: a ``document``
# tsvector column on PostgreSQL, an FTS5 table on SQLite.


class SearchColumns(models.Model):
    """What search filters, counts and sorts on, one row per offer: the columns shared by the
    index (``SearchEntry``) and its fixed sample (``SearchSample``).

    No database foreign keys in the index tables: they are derived data that the indexer
    deletes itself, and PostgreSQL's deferred key checks would add a row lookup per index row
    at commit (over a million for an import of 100,000 offers)."""

    opleider = models.ForeignKey(
        Opleider, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    offer_type = models.CharField(max_length=20)
    level = models.CharField(max_length=12)
    leads_to = models.CharField(max_length=24)
    provider_kind = models.CharField(max_length=10)
    formal = models.BooleanField()
    online = models.BooleanField()
    price_cents = models.BigIntegerField()
    next_start = models.DateField(null=True)
    #: Bit n set when the offer has a place in arbeidsmarktregio AMnn.
    region_bits = models.BigIntegerField(default=0)
    #: Bit i set for the i-th ModeOfDelivery.
    mode_bits = models.IntegerField(default=0)
    #: Information completeness (0-100), never the kind of provider: llo.register.search.rank.
    static_rank = models.SmallIntegerField(default=0)
    indexed_at = models.DateTimeField()

    class Meta:
        abstract = True


class SearchEntry(SearchColumns):
    offer = models.OneToOneField(
        Offer,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="search_entry",
        db_constraint=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["-static_rank", "offer"], name="register_se_rank"),
            models.Index(fields=["price_cents", "offer"], name="register_se_price"),
            models.Index(fields=["next_start", "offer"], name="register_se_start"),
            models.Index(fields=["level", "offer_type"], name="register_se_level"),
        ]

    def __str__(self) -> str:
        return f"index entry of offer {self.pk}"


class SearchSample(SearchColumns):
    """A fixed random share of the index (1/32: the offers whose ``sample_bucket`` is below
    ``llo.register.search.base.SAMPLE_CUT``) with the same columns, in a table of its own so
    its rows lie together on disk. Counts over it, scaled up, estimate the counts of a search
    with too many results to count exactly (docs/decisions/003-search-counts.md)."""

    offer = models.OneToOneField(
        Offer,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )

    def __str__(self) -> str:
        return f"sample entry of offer {self.pk}"


class SearchTag(models.Model):
    """Many-valued filters of an entry: gemeente (gm), skill (sk), occupation (oc)."""

    entry = models.ForeignKey(
        SearchEntry, on_delete=models.DO_NOTHING, related_name="tags", db_constraint=False
    )
    dim = models.CharField(max_length=2)
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["dim", "value", "entry"], name="register_stag_lookup")]

    def __str__(self) -> str:
        return f"{self.dim}={self.value}"


class SearchStart(models.Model):
    entry = models.ForeignKey(
        SearchEntry, on_delete=models.DO_NOTHING, related_name="starts", db_constraint=False
    )
    start_date = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["start_date", "entry"], name="register_sstart_lookup"),
            # "Does this entry start in the window?" for each row a search reads, answered
            # from the index alone (decision 003, evening amendment).
            models.Index(fields=["entry", "start_date"], name="register_sstart_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.start_date}"


class SearchTerm(models.Model):
    """The vocabulary of the index: each word, its stem and in how many offers it was indexed.
    Typo tolerance looks here (pg_trgm on PostgreSQL, a trigram table on SQLite)."""

    word = models.CharField(max_length=64, unique=True)
    stem = models.CharField(max_length=64, db_index=True)
    df = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.word
