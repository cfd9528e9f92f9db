# SPDX-License-Identifier: EUPL-1.2
"""The register API: search, offers, providers, the review workflow, import and export.

NL API Design Rules: plural kebab-case collections, camelCase query keys, errors as
problem+json (raised as :class:`llo.core.problems.Problem`). Offers are published in the
OOAPI v6 vocabulary; the import and export use the OOAPI v6 shape itself.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import BeforeValidator

from llo.core import jobs
from llo.core.identifiers import Level
from llo.core.money import Money, MoneyError
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.roles import Role
from llo.people.models import Organisation
from llo.register import checks, exporters, importers, services, transitions
from llo.register.models import (
    LeadsTo,
    LegalStatus,
    LevelBasis,
    ModeOfDelivery,
    Offer,
    OfferingState,
    OfferState,
    OfferType,
    Opleider,
    ProviderKind,
    ProviderStatus,
    QualityMarkKind,
    StudyLoadUnit,
)
from llo.register.search import SORTS, QueryError, SearchQuery, search

router = Router(tags=["register"])


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` as a Unix time (1970-01-01)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

#: An offer number: a positive 63-bit integer (the database's bigint).
OfferId = Annotated[int, Path(..., ge=1, le=2**63 - 1)]
KvkPath = Annotated[str, Path(..., pattern=r"^\d{8}$")]


# --- schemas ------------------------------------------------------------------------------


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
    skills: list[str]
    occupations: list[str]
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
    skills: list[str] = Field(default_factory=list, max_length=100)
    occupations: list[str] = Field(default_factory=list, max_length=100)
    language: str = Field("nl", min_length=2, max_length=12)
    modesOfDelivery: list[ModeOfDelivery] = Field(default_factory=list)
    online: bool = False
    gemeenten: list[str] = Field(default_factory=list, max_length=400)
    feeCents: int = Field(0, ge=0, le=services.MAX_PRICE_CENTS)
    examFeeCents: int = Field(0, ge=0, le=services.MAX_PRICE_CENTS)
    materialsCents: int = Field(0, ge=0, le=services.MAX_PRICE_CENTS)
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


# --- helpers ------------------------------------------------------------------------------


def _check_out(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": str(result.get("code", "")),
        "severity": str(result.get("severity", "")),
        "field": str(result.get("field", "")),
        "message": checks.message(result),
    }


def offer_out(offer: Offer) -> dict[str, Any]:
    organisation = offer.opleider.organisation
    load = None
    if offer.study_load_value is not None and offer.study_load_unit:
        load = {"value": float(offer.study_load_value), "studyLoadUnit": offer.study_load_unit}
    return {
        "id": offer.pk,
        "ooapiId": str(offer.ooapi_id),
        "code": offer.code,
        "offerType": offer.offer_type,
        "title": offer.title,
        "description": offer.description,
        "formal": offer.formal,
        "levelOfQualification": offer.level,
        "levelBasis": offer.level_basis,
        "studyLoad": load,
        "leadsTo": offer.leads_to,
        "partOf": offer.part_of_id,
        "unitCode": offer.unit_code,
        "skills": [str(s) for s in offer.skills or []],
        "occupations": [str(s) for s in offer.occupations or []],
        "language": offer.language,
        "modesOfDelivery": list(offer.modes or []),
        "online": offer.online,
        "places": [
            {"gemeenteCode": g.pk, "gemeente": g.name, "regionCode": g.region_id}
            for g in offer.gemeenten.all()
        ],
        "feeCents": offer.fee_cents,
        "examFeeCents": offer.exam_cents,
        "materialsCents": offer.materials_cents,
        "priceCents": offer.price_cents,
        "price": Money(offer.price_cents).format(),
        "vatExempt": offer.vat_exempt,
        "legalStatus": offer.legal_status,
        "state": offer.state,
        "removalReason": offer.removal_reason,
        "version": offer.version,
        "provider": {
            "kvk": organisation.kvk,
            "name": organisation.name,
            "kind": offer.opleider.kind,
        },
        "offerings": [
            {
                "id": o.pk,
                "code": o.code,
                "startDate": o.start_date,
                "endDate": o.end_date,
                "capacity": o.capacity,
                "state": o.state,
            }
            for o in offer.offerings.all()
        ],
    }


def _query_from(params: SearchParams) -> SearchQuery:
    max_price = None
    if params.maxPrice not in (None, ""):
        try:
            max_price = Money.from_decimal(str(params.maxPrice)).cents
        except MoneyError as exc:
            raise invalid(
                _("The request has invalid parameters."),
                [InvalidParam("maxPrice", _("Give an amount in euros, like 1000 or 999.50."))],
            ) from exc
    return SearchQuery(
        text=params.q,
        levels=tuple(v.value for v in params.level),
        offer_types=tuple(v.value for v in params.offerType),
        modes=tuple(v.value for v in params.mode),
        provider_kinds=tuple(v.value for v in params.providerKind),
        leads_to=tuple(v.value for v in params.leadsTo),
        regions=tuple(r.upper() for r in params.region),
        gemeenten=tuple(g.upper() for g in params.gemeente),
        include_online=params.includeOnline,
        max_price_cents=max_price,
        start_from=params.startFrom,
        start_to=params.startTo,
        skills=tuple(params.skill),
        occupations=tuple(params.occupation),
        sort=params.sort,
        page=params.page,
        page_size=params.pageSize,
        facets=params.facets,
    )


def run_search(query: SearchQuery) -> Any:
    try:
        return search(query)
    except QueryError as exc:
        raise invalid(
            _("The request has invalid parameters."), [InvalidParam(exc.name, exc.reason)]
        ) from exc


def _provider_by_kvk(kvk: str) -> Opleider:
    opleider = Opleider.objects.select_related("organisation").filter(organisation__kvk=kvk).first()
    if opleider is None:
        raise Problem(
            404, _("There is no training provider with KvK number %(kvk)s.") % {"kvk": kvk}
        )
    return opleider


def _own_provider(request: HttpRequest, kvk: str, staff_too: bool = False) -> Opleider:
    opleider = _provider_by_kvk(kvk)
    role = getattr(request.user, "role", None)
    if staff_too and role == Role.BEHEER:
        return opleider
    own = services.provider_of(request.user)
    if own is None or own.pk != opleider.pk:
        raise Problem(403, _("You may only do this for your own organisation."), code="forbidden")
    return own


def _require_staff(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) != Role.BEHEER:
        raise Problem(403, _("Only register staff may do this."), code="forbidden")


def _input_from(payload: OfferIn) -> services.OfferInput:
    return services.OfferInput(
        code=payload.code.strip(),
        offer_type=payload.offerType.value,
        title=payload.title,
        description=payload.description,
        formal=payload.formal,
        level=payload.levelOfQualification.value,
        level_basis=payload.levelBasis.value,
        study_load_value=payload.studyLoad.value if payload.studyLoad else None,
        study_load_unit=payload.studyLoad.studyLoadUnit.value if payload.studyLoad else "",
        leads_to=payload.leadsTo.value,
        legal_status=payload.legalStatus.value,
        part_of_code=payload.partOf,
        unit_code=payload.unitCode,
        skills=[s.strip() for s in payload.skills if s.strip()],
        occupations=[s.strip() for s in payload.occupations if s.strip()],
        language=payload.language,
        modes=[m.value for m in payload.modesOfDelivery],
        online=payload.online,
        gemeenten=sorted({g.upper() for g in payload.gemeenten}),
        fee_cents=payload.feeCents,
        exam_cents=payload.examFeeCents,
        materials_cents=payload.materialsCents,
        vat_exempt=payload.vatExempt,
        offerings=(
            [
                services.OfferingInput(
                    start_date=o.startDate,
                    end_date=o.endDate,
                    capacity=o.capacity,
                    code=o.code,
                    state=o.state.value,
                )
                for o in payload.offerings
            ]
            if payload.offerings is not None
            else None
        ),
    )


def _detail(request: HttpRequest, offer: Offer) -> dict[str, Any]:
    data = offer_out(offer)
    own = services.provider_of(request.user)
    is_staff = getattr(request.user, "role", None) == Role.BEHEER
    if is_staff or (own is not None and own.pk == offer.opleider_id):
        data["checks"] = [_check_out(r) for r in offer.checks or []]
        who = services.workflow_actor(request.user)
        data["allowedActions"] = transitions.allowed_actions(offer.state, who) if who else []
    return data


def _reload(id: int) -> Offer:
    return (
        Offer.objects.select_related("opleider__organisation")
        .prefetch_related("gemeenten", "offerings")
        .get(pk=id)
    )


# --- search and public reading --------------------------------------------------------------


@router.get(
    "/offers",
    response=SearchOut,
    summary="Search the register",
    description=(
        "Published offers. Dutch full text with stemming and typo tolerance, filters, "
        "facet counts (the count of a value is the number of results when you choose it), "
        f"sorting ({', '.join(SORTS)}) and pages. Ranking never depends on whether a "
        "provider is public or private."
    ),
)
def list_offers(request: HttpRequest, filters: Query[SearchParams]) -> dict[str, Any]:
    result = run_search(_query_from(filters))
    return {
        "total": result.total,
        "totalIsExact": result.total_exact,
        "countsExact": result.counts_exact,
        "page": filters.page,
        "pageSize": filters.pageSize,
        "pages": result.pages,
        "corrections": [{"typed": a, "searchedFor": b} for a, b in result.corrections],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in result.facets.items()
        },
        "items": [offer_out(o) for o in result.offers],
    }


@router.get(
    "/offers/{id}",
    response=OfferDetailOut,
    summary="One offer (published; all states for its provider and register staff)",
)
def get_offer(request: HttpRequest, id: OfferId) -> dict[str, Any]:
    return _detail(request, services.visible_offer(request.user, id))


@router.get(
    "/offers/{id}/versions",
    response=list[VersionOut],
    summary="Earlier versions and prices of an offer",
)
def offer_versions(request: HttpRequest, id: OfferId) -> list[dict[str, Any]]:
    return services.price_history(services.visible_offer(request.user, id))


@router.get("/providers", response=list[ProviderOut], summary="Training providers in the register")
def list_providers(
    request: HttpRequest,
    status: ProviderStatus | None = None,
    page: int = Query(1, ge=1, le=100_000),
    pageSize: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    providers = (
        Opleider.objects.select_related("organisation")
        .prefetch_related("quality_marks")
        .order_by("organisation__name", "pk")
    )
    if status is not None:
        providers = providers.filter(status=status.value)
    chunk = list(providers[(page - 1) * pageSize : page * pageSize])
    return [_provider_out(p) for p in chunk]


def _provider_out(p: Opleider) -> dict[str, Any]:
    from llo.core.timeutil import today

    on = today()
    return {
        "kvk": p.organisation.kvk,
        "name": p.organisation.name,
        "kind": p.kind,
        "funded": p.funded,
        "institutionCode": p.institution_code,
        "status": p.status,
        "statusReason": p.status_reason,
        "qualityMarks": [
            {
                "kind": m.kind,
                "label": str(m.get_kind_display()),
                "reference": m.reference,
                "validFrom": m.valid_from,
                "validUntil": m.valid_until,
                "validToday": m.is_valid_on(on),
            }
            for m in p.quality_marks.all()
        ],
        "publishedOffers": p.offers.filter(state=OfferState.PUBLISHED).count(),
    }


@router.get("/providers/{kvk}", response=ProviderOut, summary="One training provider")
def get_provider(request: HttpRequest, kvk: str) -> dict[str, Any]:
    return _provider_out(_provider_by_kvk(kvk))


# --- provider and staff actions -------------------------------------------------------------


@router.post(
    "/providers",
    response={201: ProviderOut},
    auth=django_auth,
    summary="Admit an organisation to the register (register staff)",
)
def create_provider(request: HttpRequest, payload: ProviderIn) -> Status:
    _require_staff(request)
    organisation = Organisation.objects.filter(kvk=payload.kvk).first()
    if organisation is None:
        raise invalid(
            _("Unknown organisation."),
            [InvalidParam("kvk", _("No organisation with this KvK number."), "unknown")],
        )
    if Opleider.objects.filter(organisation=organisation).exists():
        raise Problem(409, _("This provider is already in the register."), code="provider-exists")
    opleider = services.register_provider(
        actor=services.actor_for(request.user),
        organisation=organisation,
        kind=payload.kind.value,
        funded=payload.funded,
        institution_code=payload.institutionCode,
    )
    return Status(201, _provider_out(opleider))


@router.put(
    "/providers/{kvk}/status",
    response=ProviderOut,
    auth=django_auth,
    summary="Admit, suspend or remove a provider, with a public reason (register staff)",
)
def set_provider_status(
    request: HttpRequest, kvk: str, payload: ProviderStatusIn
) -> dict[str, Any]:
    _require_staff(request)
    opleider = services.set_provider_status(
        actor=services.actor_for(request.user),
        opleider=_provider_by_kvk(kvk),
        status=payload.status.value,
        reason=payload.reason,
    )
    return _provider_out(opleider)


@router.post(
    "/providers/{kvk}/quality-marks",
    response={201: ProviderOut},
    auth=django_auth,
    summary="Record a quality mark of a provider (register staff)",
)
def add_quality_mark(request: HttpRequest, kvk: str, payload: QualityMarkIn) -> Status:
    _require_staff(request)
    opleider = _provider_by_kvk(kvk)
    services.add_quality_mark(
        actor=services.actor_for(request.user),
        opleider=opleider,
        kind=payload.kind.value,
        valid_from=payload.validFrom,
        valid_until=payload.validUntil,
        reference=payload.reference,
    )
    return Status(201, _provider_out(opleider))


@router.get(
    "/providers/{kvk}/offers",
    response=list[OfferOut],
    auth=django_auth,
    summary="All offers of your organisation, in every state",
)
def provider_offers(
    request: HttpRequest,
    kvk: str,
    state: OfferState | None = None,
    page: int = Query(1, ge=1, le=100_000),
    pageSize: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    opleider = _own_provider(request, kvk, staff_too=True)
    offers = (
        Offer.objects.filter(opleider=opleider)
        .select_related("opleider__organisation")
        .prefetch_related("gemeenten", "offerings")
        .order_by("title", "pk")
    )
    if state is not None:
        offers = offers.filter(state=state.value)
    return [offer_out(o) for o in offers[(page - 1) * pageSize : page * pageSize]]


@router.post(
    "/offers",
    response={201: OfferDetailOut},
    auth=django_auth,
    summary="Create an offer (as a draft) for your organisation",
)
def create_offer(request: HttpRequest, payload: OfferIn) -> Status:
    opleider = services.provider_of(request.user)
    if opleider is None:
        raise Problem(
            403, _("Only a training provider in the register may do this."), code="forbidden"
        )
    offer = services.create_offer(
        actor=services.actor_for(request.user), opleider=opleider, data=_input_from(payload)
    )
    return Status(201, _detail(request, _reload(offer.pk)))


@router.put(
    "/offers/{id}",
    response=OfferDetailOut,
    auth=django_auth,
    summary="Change your offer (a new version; earlier prices stay retrievable)",
)
def update_offer(request: HttpRequest, id: OfferId, payload: OfferIn) -> dict[str, Any]:
    offer = services.offer_for_provider(request.user, id)
    services.update_offer(
        actor=services.actor_for(request.user), offer=offer, data=_input_from(payload)
    )
    return _detail(request, _reload(offer.pk))


@router.post(
    "/offers/{id}/offerings",
    response={201: OfferingOut},
    auth=django_auth,
    summary="Add a start moment to your offer",
)
def add_offering(request: HttpRequest, id: OfferId, payload: OfferingIn) -> Status:
    offer = services.offer_for_provider(request.user, id)
    offering = services.add_offering(
        actor=services.actor_for(request.user),
        offer=offer,
        data=services.OfferingInput(
            start_date=payload.startDate,
            end_date=payload.endDate,
            capacity=payload.capacity,
            code=payload.code,
            state=payload.state.value,
        ),
    )
    return Status(
        201,
        {
            "id": offering.pk,
            "code": offering.code,
            "startDate": offering.start_date,
            "endDate": offering.end_date,
            "capacity": offering.capacity,
            "state": offering.state,
        },
    )


@router.post(
    "/offers/{id}/transitions",
    response=OfferDetailOut,
    auth=django_auth,
    summary="Take a step in the review workflow",
    description=(
        "Provider: submit, retract, publish, withdraw, reopen. Register staff: approve, "
        "reject (with a reason), remove (with a public reason). Submitting runs the "
        "admission checks: a blocking result is a 422 with the reasons in invalidParams."
    ),
)
def offer_transition(request: HttpRequest, id: OfferId, payload: TransitionIn) -> dict[str, Any]:
    who = services.workflow_actor(request.user)
    if who == transitions.STAFF:
        offer = Offer.objects.filter(pk=id).first()
        if offer is None:
            raise Problem(404, _("There is no offer with this number."), code="not-found")
    elif who == transitions.PROVIDER:
        offer = services.offer_for_provider(request.user, id)
    else:
        raise Problem(403, _("Your role may not change offers."), code="forbidden")
    services.transition(
        actor=services.actor_for(request.user),
        offer=offer,
        action=payload.action,
        who=who,
        reason=payload.reason,
    )
    return _detail(request, _reload(offer.pk))


@router.get(
    "/review-queue",
    response=list[ReviewItemOut],
    auth=django_auth,
    summary="Offers waiting for review (register staff)",
)
def review_queue(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000),
    pageSize: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    _require_staff(request)
    items = services.review_queue()[(page - 1) * pageSize : page * pageSize]
    return [
        {
            "id": o.pk,
            "title": o.title,
            "provider": {
                "kvk": o.opleider.organisation.kvk,
                "name": o.opleider.organisation.name,
                "kind": o.opleider.kind,
            },
            "submittedAt": o.state_changed_at,
            "checks": [_check_out(r) for r in o.checks or []],
        }
        for o in items
    ]


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "An OOAPI v6 JSON file or a CSV file, up to 100,000 offers.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/providers/{kvk}/imports",
    response={200: ImportReportOut, 202: jobs.JobAccepted},
    auth=django_auth,
    summary="Import offers (OOAPI v6 JSON or CSV), all or nothing",
    description=(
        "The whole file is checked first. When anything is wrong, nothing is written and the "
        "answer is a 422 problem with the report (line and field of every problem) in "
        "invalidParams and in the member 'report'. Query: submit (run the admission checks, "
        "default true) and publish (publish what passes, default false). A file larger than "
        "2 MB is read by a background job: the answer is 202 with the job, whose result is "
        "the report (GET /jobs/{jobId})."
    ),
    openapi_extra=IMPORT_BODY,
)
def import_offers(
    request: HttpRequest, kvk: str, submit: bool = True, publish: bool = False
) -> Any:
    opleider = _own_provider(request, kvk)
    # Read the stream, not request.body: an import may be larger than
    # DATA_UPLOAD_MAX_MEMORY_SIZE; importers.MAX_BYTES is the limit here.
    data = request.read(importers.MAX_BYTES + 1)
    if not data:
        raise invalid(
            _("Send a file."), [InvalidParam("body", _("The body is empty."), "required")]
        )
    if jobs.too_large_for_a_request(len(data)):
        # A large file is read by `llo run_jobs` (llo.register.jobs): 202 and the job.
        job = jobs.enqueue(
            actor=services.actor_for(request.user),
            kind="register.import",
            owner=jobs.owner_of(request.user),
            params={
                "kvk": opleider.kvk,
                "content_type": request.content_type or "",
                "submit": submit,
                "publish": publish,
            },
            data=data,
        )
        return jobs.accepted(job)
    report = importers.import_file(
        actor=services.actor_for(request.user),
        opleider=opleider,
        data=data,
        content_type=request.content_type or "",
        submit=submit,
        publish=publish,
    )
    body = report.as_dict()
    if not report.ok:
        raise Problem(
            422,
            _("The file has %(n)s problems. Nothing was imported.") % {"n": report.issue_count},
            code="import-invalid",
            invalid_params=[
                InvalidParam(f"line {i.line}: {i.field}" if i.line else i.field, i.message, i.code)
                for i in report.issues[:100]
            ],
            extra={"report": body},
        )
    return body


@router.get(
    "/providers/{kvk}/export",
    auth=django_auth,
    summary="Export the offers of your organisation in the OOAPI v6 shape, or as CSV",
    description=(
        "format=json (default): OOAPI v6 JSON. format=csv: one offer per line in the columns "
        "of the CSV import, separated by semicolons, UTF-8 with a byte order mark; the file "
        "imports again unchanged."
    ),
    response={200: dict[str, Any]},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def export_offers(
    request: HttpRequest, kvk: str, format: Literal["json", "csv"] = "json"
) -> StreamingHttpResponse:
    opleider = _own_provider(request, kvk, staff_too=True)
    if format == "csv":
        response = StreamingHttpResponse(
            exporters.export_provider_csv(opleider), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="aanbod-{opleider.kvk}.csv"'
        return response
    response = StreamingHttpResponse(
        exporters.export_provider(opleider), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="aanbod-{opleider.kvk}.json"'
    return response
