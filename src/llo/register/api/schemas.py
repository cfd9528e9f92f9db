# SPDX-License-Identifier: EUPL-1.2
"""The shapes of the register API: what goes in and comes out, in the OOAPI v6 vocabulary
(camelCase). Only the API speaks camelCase; :mod:`.render` translates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import BeforeValidator

from llo.core.identifiers import Level
from llo.register import transitions
from llo.register.models import (
    AssessmentType,
    LeadsTo,
    LegalStatus,
    LevelBasis,
    ModeOfDelivery,
    OfferingState,
    OfferType,
    ProviderKind,
    ProviderStatus,
    QualityMarkKind,
    StudyLoadUnit,
)
from llo.register.services.inputs import MAX_PRICE_CENTS


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` as a Unix time (1970-01-01)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

#: An offer number: a positive 63-bit integer (the database's bigint).
OfferId = Annotated[int, Path(..., ge=1, le=2**63 - 1)]
KvkPath = Annotated[str, Path(..., pattern=r"^\d{8}$")]


class StudyLoadOut(Schema):
    value: float
    studyLoadUnit: str


class PlaceOut(Schema):
    gemeenteCode: str
    gemeente: str
    regionCode: str


class OfferingOut(Schema):
    id: int
    code: str
    startDate: dt.date
    endDate: dt.date | None
    capacity: int | None
    state: str


class ProviderRef(Schema):
    kvk: str
    name: str
    kind: str


class CheckOut(Schema):
    code: str
    severity: str
    field: str
    message: str


class OfferOut(Schema):
    id: int
    ooapiId: str
    code: str
    offerType: str
    title: str
    description: str
    formal: bool
    levelOfQualification: str
    levelBasis: str
    studyLoad: StudyLoadOut | None
    leadsTo: str
    partOf: int | None
    unitCode: str
    skills: list[str] = Field(description="Skill codes of the skills language")
    skillLabels: list[str] = Field(description="Their Dutch names, in the same order")
    occupations: list[str] = Field(description="ESCO occupation codes, for example 7212.3")
    occupationLabels: list[str] = Field(description="Their Dutch names, in the same order")
    learningOutcomes: list[str] = Field(description="What a learner can do afterwards")
    assessmentType: str = Field(description="How it is assessed; empty: not given")
    qualityAssurance: str
    language: str
    modesOfDelivery: list[str]
    online: bool
    places: list[PlaceOut]
    feeCents: int
    examFeeCents: int
    materialsCents: int
    priceCents: int
    price: str
    vatExempt: bool
    legalStatus: str
    state: str
    removalReason: str
    version: int
    provider: ProviderRef
    offerings: list[OfferingOut]


class OfferDetailOut(OfferOut):
    checks: list[CheckOut] = Field(
        default_factory=list, description="Admission check results (own provider and staff)."
    )
    allowedActions: list[str] = Field(default_factory=list)


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class CorrectionOut(Schema):
    typed: str
    searchedFor: str


class SearchOut(Schema):
    total: int = Field(
        ...,
        description="number of results; an estimate (two digits) when totalIsExact is false",
    )
    totalIsExact: bool = Field(
        ..., description="false: total is an estimate from a fixed 1/32 sample of the register"
    )
    countsExact: bool = Field(
        ...,
        description="false: the facet counts are estimates from the sample (a search with very "
        "many results); true: each equals the number of results when you choose that value",
    )
    page: int
    pageSize: int
    pages: int
    corrections: list[CorrectionOut]
    facets: dict[str, list[FacetValueOut]]
    items: list[OfferOut]


class SearchParams(Schema):
    q: str = Field("", max_length=200, description="Dutch full text: stemming, typos")
    level: list[Level] = Field(default_factory=list)
    offerType: list[OfferType] = Field(default_factory=list)
    mode: list[ModeOfDelivery] = Field(default_factory=list)
    providerKind: list[ProviderKind] = Field(default_factory=list)
    leadsTo: list[LeadsTo] = Field(default_factory=list)
    region: list[Annotated[str, Field(pattern=r"^AM\d{2}$")]] = Field(
        default_factory=list, description="arbeidsmarktregio, like AM22"
    )
    gemeente: list[Annotated[str, Field(pattern=r"^GM\d{4}$")]] = Field(
        default_factory=list, description="gemeente, like GM0599"
    )
    includeOnline: bool = Field(True, description="with a place filter, also online offers")
    maxPrice: str | None = Field(
        None, pattern=r"^\d{1,7}(\.\d{1,2})?$", description="euros, like 1000 or 999.50"
    )
    startFrom: IsoDate | None = None
    startTo: IsoDate | None = None
    skill: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list)
    occupation: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list)
    sort: Literal["relevance", "price", "-price", "start"] = "relevance"
    page: int = Field(1, ge=1, le=10_000)
    pageSize: int = Field(20, ge=1, le=100)
    facets: bool = True


class OfferingIn(Schema):
    startDate: dt.date
    endDate: dt.date | None = None
    capacity: int | None = Field(None, ge=0, le=1_000_000)
    code: str = Field("", max_length=64)
    state: OfferingState = OfferingState.ACTIVE


class StudyLoadIn(Schema):
    value: Decimal = Field(..., ge=0, lt=1_000_000, decimal_places=1)
    studyLoadUnit: StudyLoadUnit


class OfferIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    offerType: OfferType
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    formal: bool = False
    levelOfQualification: Level
    levelBasis: LevelBasis = LevelBasis.INDICATIVE
    studyLoad: StudyLoadIn | None = None
    leadsTo: LeadsTo
    legalStatus: LegalStatus
    partOf: str = Field("", max_length=64, description="code of your programme")
    unitCode: str = Field("", max_length=64)
    skills: list[str] = Field(
        default_factory=list, max_length=100, description="Skill codes or any Dutch names"
    )
    occupations: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="ESCO occupation codes (7212.3) or any Dutch names (lasser)",
    )
    learningOutcomes: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list,
        max_length=30,
        description="What a learner can do afterwards, one sentence each (EU micro-credential "
        "element; needed when it leads to a microcredential)",
    )
    assessmentType: AssessmentType | None = Field(
        None, description="How it is assessed (needed when it leads to a microcredential)"
    )
    qualityAssurance: str = Field("", max_length=1000, description="How quality is assured")
    language: str = Field("nl", min_length=2, max_length=12)
    modesOfDelivery: list[ModeOfDelivery] = Field(default_factory=list)
    online: bool = False
    gemeenten: list[str] = Field(default_factory=list, max_length=400)
    feeCents: int = Field(0, ge=0, le=MAX_PRICE_CENTS)
    examFeeCents: int = Field(0, ge=0, le=MAX_PRICE_CENTS)
    materialsCents: int = Field(0, ge=0, le=MAX_PRICE_CENTS)
    vatExempt: bool = True
    offerings: list[OfferingIn] | None = Field(None, max_length=500)


class TransitionIn(Schema):
    action: str = Field(..., description=", ".join(transitions.ACTIONS))
    reason: str = Field("", max_length=2_000)


class VersionOut(Schema):
    version: int
    savedAt: dt.datetime
    feeCents: int
    examCents: int
    materialsCents: int
    priceCents: int
    vatExempt: bool


class QualityMarkOut(Schema):
    kind: str
    label: str
    reference: str
    validFrom: dt.date
    validUntil: dt.date | None
    validToday: bool


class ProviderOut(Schema):
    kvk: str
    name: str
    kind: str
    funded: bool
    institutionCode: str
    status: str
    statusReason: str
    qualityMarks: list[QualityMarkOut]
    publishedOffers: int


class ProviderIn(Schema):
    kvk: str = Field(..., pattern=r"^\d{8}$")
    kind: ProviderKind
    funded: bool = False
    institutionCode: str = Field("", max_length=8)


class ProviderStatusIn(Schema):
    status: ProviderStatus
    reason: str = Field("", max_length=2_000)


class QualityMarkIn(Schema):
    kind: QualityMarkKind
    validFrom: dt.date
    validUntil: dt.date | None = None
    reference: str = Field("", max_length=100)


class ImportIssueOut(Schema):
    line: int | None
    field: str
    code: str
    message: str
    item: str


class ImportReportOut(Schema):
    ok: bool
    format: str
    offers: int
    offerings: int
    written: bool
    issueCount: int
    issues: list[ImportIssueOut]
    summary: dict[str, int] | None


class ReviewItemOut(Schema):
    id: int
    title: str
    provider: ProviderRef
    submittedAt: dt.datetime | None
    checks: list[CheckOut]
