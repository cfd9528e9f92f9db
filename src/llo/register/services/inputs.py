# SPDX-License-Identifier: EUPL-1.2
"""What a provider says about an offer, and the field-level checks of it.

The API, the pages and the importers all turn their input into :class:`OfferInput`; the use
cases refuse it with every field's problem at once (:func:`check_input`) before they write.
The admission checks (:mod:`llo.register.checks`) judge the offer as a whole later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from llo.core.identifiers import Level
from llo.core.problems import InvalidParam, Problem
from llo.regions.models import Gemeente
from llo.register import terms
from llo.register.models import (
    AssessmentType,
    LeadsTo,
    LegalStatus,
    LevelBasis,
    ModeOfDelivery,
    OfferingState,
    OfferType,
    StudyLoadUnit,
)


@dataclass
class OfferingInput:
    start_date: dt.date
    end_date: dt.date | None = None
    capacity: int | None = None
    code: str = ""
    state: str = OfferingState.ACTIVE


@dataclass
class OfferInput:
    """Everything a provider says about an offer. Prices in cents (DESIGN.md 4)."""

    code: str
    offer_type: str
    title: str
    level: str
    leads_to: str
    legal_status: str
    description: str = ""
    formal: bool = False
    level_basis: str = LevelBasis.INDICATIVE
    study_load_value: Decimal | None = None
    study_load_unit: str = ""
    part_of_code: str = ""
    unit_code: str = ""
    skills: list[str] = field(default_factory=list)
    occupations: list[str] = field(default_factory=list)
    #: What a learner can do afterwards, one sentence each (EU micro-credential elements,
    #: with ``assessment_type`` and ``quality_assurance``; llo.credentials carries them).
    learning_outcomes: list[str] = field(default_factory=list)
    assessment_type: str = ""
    quality_assurance: str = ""
    language: str = "nl"
    modes: list[str] = field(default_factory=list)
    online: bool = False
    gemeenten: list[str] = field(default_factory=list)
    fee_cents: int = 0
    exam_cents: int = 0
    materials_cents: int = 0
    vat_exempt: bool = True
    offerings: list[OfferingInput] | None = None  # None: leave the offerings as they are
    ooapi_id: str = ""  # an OOAPI courseId/programmeId to keep (import), else a new one


CONTENT_FIELDS = (
    "code",
    "offer_type",
    "title",
    "description",
    "formal",
    "level",
    "level_basis",
    "study_load_value",
    "study_load_unit",
    "leads_to",
    "unit_code",
    "skills",
    "occupations",
    "learning_outcomes",
    "assessment_type",
    "quality_assurance",
    "language",
    "modes",
    "online",
    "fee_cents",
    "exam_cents",
    "materials_cents",
    "vat_exempt",
    "legal_status",
)

_CHOICES: dict[str, tuple[str, ...]] = {
    "offer_type": tuple(OfferType.values),
    "level": tuple(lv.value for lv in Level),
    "level_basis": tuple(LevelBasis.values),
    "leads_to": tuple(LeadsTo.values),
    "legal_status": tuple(LegalStatus.values),
}
_UNITS = tuple(StudyLoadUnit.values)
_MODES = frozenset(ModeOfDelivery.values)
_OFFERING_STATES = tuple(OfferingState.values)
#: The names the API and the import report use for fields (OOAPI style, camelCase).
API_NAMES = {
    "code": "code",
    "offer_type": "offerType",
    "title": "title",
    "description": "description",
    "level": "levelOfQualification",
    "level_basis": "levelBasis",
    "study_load_value": "studyLoad.value",
    "study_load_unit": "studyLoad.studyLoadUnit",
    "leads_to": "leadsTo",
    "legal_status": "legalStatus",
    "modes": "modesOfDelivery",
    "gemeenten": "gemeenten",
    "fee_cents": "fee",
    "exam_cents": "examFee",
    "materials_cents": "materials",
    "language": "language",
    "part_of_code": "partOf",
    "offerings": "offerings",
    "learning_outcomes": "learningOutcomes",
    "assessment_type": "assessmentType",
    "quality_assurance": "qualityAssurance",
}
MAX_OUTCOMES = 30
MAX_OUTCOME_LENGTH = 500
MAX_PRICE_CENTS = 100_000_000  # EUR 1,000,000: anything above is a typo


def not_allowed(value: str, allowed: Sequence[str]) -> str:
    return _("'%(value)s' is not allowed. Choose one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


def validate_input(data: OfferInput, known_gemeenten: set[str] | None = None) -> list[InvalidParam]:
    """Field-level problems (types, vocabularies, ranges). The admission checks
    (:mod:`llo.register.checks`) judge the offer as a whole later."""
    problems: list[InvalidParam] = []

    def bad(attr: str, reason: str, code: str = "invalid") -> None:
        problems.append(InvalidParam(API_NAMES.get(attr, attr), reason, code))

    if not data.code.strip():
        bad("code", _("Fill in a code."), "required")
    elif len(data.code) > 64:
        bad("code", _("A code has at most 64 characters."), "max-length")
    if not data.title.strip():
        bad("title", _("Fill in a title."), "required")
    elif len(data.title) > 200:
        bad("title", _("A title has at most 200 characters."), "max-length")
    for attr, allowed in _CHOICES.items():
        value = getattr(data, attr)
        if not value:
            bad(attr, _("Fill this in."), "required")
        elif value not in allowed:
            bad(attr, not_allowed(value, allowed), "enum")
    if data.study_load_unit and data.study_load_unit not in _UNITS:
        bad("study_load_unit", not_allowed(data.study_load_unit, _UNITS), "enum")
    if data.study_load_value is not None and not (0 <= data.study_load_value < 1_000_000):
        bad("study_load_value", _("Give a study load between 0 and 999999."), "range")
    if len(data.learning_outcomes) > MAX_OUTCOMES:
        bad(
            "learning_outcomes",
            _("Give at most %(n)s learning outcomes.") % {"n": MAX_OUTCOMES},
            "max-items",
        )
    if any(len(o) > MAX_OUTCOME_LENGTH for o in data.learning_outcomes):
        bad(
            "learning_outcomes",
            _("A learning outcome has at most %(n)s characters.") % {"n": MAX_OUTCOME_LENGTH},
            "max-length",
        )
    if data.assessment_type and data.assessment_type not in AssessmentType.values:
        bad("assessment_type", not_allowed(data.assessment_type, AssessmentType.values), "enum")
    if len(data.quality_assurance) > 1000:
        bad("quality_assurance", _("Write at most 1000 characters."), "max-length")
    if data.leads_to == LeadsTo.MICROCREDENTIAL:
        # A microcredential must carry these EU elements (2022/C 243/02, Annex I); llo does
        # not invent them for the provider.
        if not data.learning_outcomes:
            bad(
                "learning_outcomes",
                _("A microcredential needs its learning outcomes: what can someone do after it?"),
                "required",
            )
        if not data.assessment_type:
            bad(
                "assessment_type",
                _("A microcredential needs its type of assessment."),
                "required",
            )
        if data.study_load_value is None:
            bad(
                "study_load_value",
                _("A microcredential needs its study load (the workload)."),
                "required",
            )
    for mode in data.modes:
        if mode not in _MODES:
            bad("modes", not_allowed(mode, ModeOfDelivery.values), "enum")
    for attr in ("fee_cents", "exam_cents", "materials_cents"):
        value = getattr(data, attr)
        if isinstance(value, bool) or not isinstance(value, int):
            bad(attr, _("Give an amount in euros."), "type")
        elif value < 0:
            bad(attr, _("An amount cannot be negative."), "negative")
        elif value > MAX_PRICE_CENTS:
            bad(attr, _("This amount is too high."), "range")
    if known_gemeenten is not None:
        for code in data.gemeenten:
            if code not in known_gemeenten:
                bad(
                    "gemeenten",
                    _("'%(value)s' is not a gemeente code (like GM0599).") % {"value": code},
                    "unknown",
                )
    if not data.language or len(data.language) > 12:
        bad("language", _("Give a language code, like nl or en."), "invalid")
    for i, offering in enumerate(data.offerings or []):
        if offering.end_date and offering.end_date < offering.start_date:
            problems.append(
                InvalidParam(
                    f"offerings[{i}].endDate",
                    _("The end date is before the start date."),
                    "range",
                )
            )
        if offering.capacity is not None and offering.capacity < 0:
            problems.append(
                InvalidParam(
                    f"offerings[{i}].capacity", _("Places cannot be negative."), "negative"
                )
            )
        if offering.state not in _OFFERING_STATES:
            problems.append(
                InvalidParam(
                    f"offerings[{i}].state",
                    not_allowed(offering.state, OfferingState.values),
                    "enum",
                )
            )
    return problems


def check_input(data: OfferInput) -> None:
    """Refuse ``data`` with every field's problem (400, ``invalidParams``)."""
    problems = validate_input(data, set(Gemeente.objects.values_list("pk", flat=True)))
    # Occupations and skills as codes of the skills language, given as a code or any label.
    problems += terms.apply(data)
    if problems:
        raise Problem(
            400,
            _("Some fields are not filled in correctly."),
            code="invalid-params",
            invalid_params=problems,
        )
