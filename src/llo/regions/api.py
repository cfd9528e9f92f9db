# SPDX-License-Identifier: EUPL-1.2
"""Open reference data (regions and gemeenten) and the open figures of regional demand, the
regional portfolio and the gap between them: no login, the same for everybody (seed 003: the
portfolio "gedeeld met private aanbieders"), JSON or CSV (``format=csv``). Region partners
state demand and providers subscribe to it when logged in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import BeforeValidator

from llo.core import audit, csvio
from llo.core.problems import InvalidParam, Problem, not_found
from llo.core.roles import Role
from llo.regions import exports, selectors
from llo.regions.models import Gemeente, Region
from llo.regions.services import demand, subscriptions
from llo.skills.resolve import Resolver, TermError

router = Router(tags=["regions"])


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` as a Unix time (1970-01-01)."""
    if not isinstance(value, dt.date) and not (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
#: The years a table can be asked for; a year without figures gives an empty table.
Year = Annotated[int, Field(ge=2000, le=2100)]

CSV = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
NOT_FOUND = {
    404: {
        "description": "No region, occupation or skill by that code or name (or more than one).",
        "content": _PROBLEM,
    }
}


class GemeenteOut(Schema):
    code: str
    name: str
    regionCode: str


class RegionOut(Schema):
    code: str
    name: str
    gemeenteCount: int


class RegionDetailOut(Schema):
    code: str
    name: str
    gemeenten: list[GemeenteOut]


def _gemeente(g: Gemeente) -> dict[str, str]:
    return {"code": g.code, "name": g.name, "regionCode": g.region_id}


@router.get("/regions", response=list[RegionOut], summary="All 35 arbeidsmarktregio's")
def list_regions(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {"code": r.code, "name": r.name, "gemeenteCount": r.n}
        for r in Region.objects.annotate(n=Count("gemeenten")).order_by("code")
    ]


@router.get("/regions/{code}", response=RegionDetailOut, summary="One region and its gemeenten")
def get_region(request: HttpRequest, code: str) -> dict[str, object]:
    region = Region.objects.filter(code=code.upper()).first()
    if region is None:
        raise not_found(f"There is no labour-market region with code '{code}'.")
    return {
        "code": region.code,
        "name": region.name,
        "gemeenten": [_gemeente(g) for g in region.gemeenten.order_by("name")],
    }


@router.get("/gemeenten/{code}", response=GemeenteOut, summary="One gemeente and its region")
def get_gemeente(request: HttpRequest, code: str) -> dict[str, str]:
    gemeente = Gemeente.objects.filter(code=code.upper()).first()
    if gemeente is None:
        raise not_found(f"There is no gemeente with code '{code}'.")
    return _gemeente(gemeente)


# --- open figures ---------------------------------------------------------------------------


class GapRowOut(Schema):
    region: str
    regionName: str
    year: int
    dimension: str
    code: str
    label: str
    peopleNeeded: int = Field(description="People the open statements ask for in the year")
    urgentPeople: int
    statements: int
    offers: int = Field(description="Offers with a place in the region")
    seats: int = Field(description="Places of the offerings that start in the region in the year")
    starts: int
    startsWithoutSeats: int = Field(description="Starts without a known number of places")
    onlineOffers: int
    onlineSeats: int = Field(description="Places online: every region can use them")
    gap: int = Field(description="peopleNeeded - seats, never below 0")
    previousGap: int | None
    trend: str = Field(description="up, down, same or new, against the year before")
    shortage: list[str] = Field(description="kansberoep and/or krapteberoep")


class MapRowOut(Schema):
    region: str
    regionName: str
    year: int
    dimension: str
    code: str
    label: str
    peopleNeeded: int
    seats: int
    offers: int
    gap: int
    shortage: list[str]


class StatementOut(Schema):
    id: int
    region: str
    regionName: str
    occupation: str | None
    occupationLabel: str | None
    skills: list[str]
    skillLabels: list[str]
    people: int
    level: str | None
    levelLabel: str | None
    periodStart: IsoDate
    periodEnd: IsoDate
    urgency: str
    source: str
    note: str
    status: str
    closeReason: str | None
    statedBy: str = Field(description="The organisation (never a person)")
    statedByKind: str
    recordedAt: dt.datetime
    changedAt: dt.datetime
    version: int


class PortfolioOfferOut(Schema):
    id: int
    title: str
    provider: str
    providerKvk: str
    providerKind: str
    offerType: str
    level: str
    online: bool
    places: list[str]
    occupations: list[str]
    occupationLabels: list[str]
    skills: list[str]
    skillLabels: list[str]
    priceCents: int
    seats: int
    starts: int
    startsWithoutSeats: int
    firstStart: dt.date | None
    url: str


class PortfolioOut(Schema):
    region: str
    regionName: str
    year: int
    total: int
    page: int
    pages: int
    offers: list[PortfolioOfferOut]


class ShortageOut(Schema):
    region: str
    regionName: str
    occupation: str
    occupationLabel: str
    kind: str
    validFrom: dt.date
    validUntil: dt.date
    source: str


def _csv(name: str, fields: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> HttpResponseBase:
    return csvio.response(exports.csv_lines(fields, rows), f"{name}.csv")


def _year(year: int | None) -> int:
    return selectors.years().current if year is None else year


def _region(code: str) -> selectors.Named:
    found = selectors.region(code)
    if found is None:
        raise not_found(f"There is no labour-market region with code '{code}'.")
    return found


class GapParams(Schema):
    year: Year | None = Field(None, description="Default: this year")
    dimension: Literal["occupation", "skill"] = "occupation"
    format: Literal["json", "csv"] = "json"


@router.get(
    "/regions/{code}/gap",
    response=list[GapRowOut],
    summary="Demand against the region's training places, per occupation or skill",
    openapi_extra=CSV,
)
def region_gap(request: HttpRequest, code: str, params: Query[GapParams]) -> Any:
    named = _region(code)
    year = _year(params.year)
    rows = [
        exports.gap_row(named, year, r)
        for r in selectors.gap_table(named.code, year)
        if r.dimension == params.dimension
    ]
    if params.format == "csv":
        return _csv(f"vraag-en-aanbod-{named.code}-{year}", exports.GAP_FIELDS, rows)
    return rows


class MapParams(Schema):
    year: Year | None = None
    occupation: str = Field("", max_length=200, description="A code or any Dutch label")
    skill: str = Field("", max_length=200, description="A code or any Dutch label")
    format: Literal["json", "csv"] = "json"


@router.get(
    "/gap-map",
    response=list[MapRowOut],
    summary="Per region: demand, places and gap for one occupation or skill, or all together",
    description=(
        "occupation or skill: a code or any Dutch label. A name that fits no occupation, or "
        "more than one, is a 404 problem that says which names fit (invalidParams)."
    ),
    openapi_extra={"responses": {**CSV["responses"], **NOT_FOUND}},
)
def gap_map(request: HttpRequest, params: Query[MapParams]) -> Any:
    year = _year(params.year)
    dimension, code = "all", ""
    field = "occupation" if params.occupation.strip() else "skill"
    try:
        if params.occupation.strip():
            dimension, code = "occupation", Resolver("occupation").resolve(params.occupation)
        elif params.skill.strip():
            dimension, code = "skill", Resolver("skill").resolve(params.skill)
    except TermError as exc:
        raise Problem(
            404,
            exc.reason,
            code=exc.code,
            invalid_params=[InvalidParam(field, exc.reason, exc.code)],
        ) from exc
    label = selectors.label_of(dimension, [code]).get(code, "") if code else ""
    term = selectors.Named(code, label) if code else None
    rows = [
        exports.map_row(year, dimension, term, r) for r in selectors.map_rows(year, dimension, code)
    ]
    if params.format == "csv":
        return _csv(f"regio-kaart-{year}", exports.MAP_FIELDS, rows)
    return rows


class PortfolioParams(Schema):
    year: Year | None = None
    occupation: str = Field("", max_length=64, description="An ESCO occupation code")
    skill: str = Field("", max_length=64, description="A skill code")
    providerKind: Literal["", "public", "private"] = ""
    online: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    pageSize: int = Field(50, ge=1, le=500)
    format: Literal["json", "csv"] = "json"


@router.get(
    "/regions/{code}/portfolio",
    response=PortfolioOut,
    summary="The region's training offer: offers with a place in it or online, public and private",
    openapi_extra=CSV,
)
def region_portfolio(request: HttpRequest, code: str, params: Query[PortfolioParams]) -> Any:
    named = _region(code)
    year = _year(params.year)
    found = selectors.portfolio(
        named.code,
        year,
        occupation=params.occupation,
        skill=params.skill,
        provider_kind=params.providerKind,
        online=params.online,
        page=params.page,
        page_size=params.pageSize,
    )
    if found is None:
        raise not_found(f"There is no labour-market region with code '{code}'.")
    offers = [
        exports.portfolio_offer(r, request.build_absolute_uri(f"/opleidingen/{r.offer.id}"))
        for r in found.rows
    ]
    if params.format == "csv":
        return _csv(f"aanbod-{named.code}-{year}", exports.PORTFOLIO_FIELDS, offers)
    return {
        "region": named.code,
        "regionName": named.label,
        "year": year,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "offers": offers,
    }


class DemandParams(Schema):
    status: Literal["", "open", "closed"] = "open"
    format: Literal["json", "csv"] = "json"


@router.get(
    "/regions/{code}/demand",
    response=list[StatementOut],
    summary="The demand statements of a region",
    openapi_extra=CSV,
)
def region_demand(request: HttpRequest, code: str, params: Query[DemandParams]) -> Any:
    named = _region(code)
    rows = [
        exports.statement(s)
        for s in selectors.statements(region_code=named.code, status=params.status, limit=100_000)
    ]
    if params.format == "csv":
        return _csv(f"vraag-{named.code}", exports.STATEMENT_FIELDS, rows)
    return rows


@router.get("/demand/{pk}", response=StatementOut, summary="One demand statement")
def get_statement(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.statement(pk)
    if found is None:
        raise not_found("There is no demand statement with this number.")
    return exports.statement(found)


class ShortageParams(Schema):
    region: str = Field("", max_length=4)
    on: IsoDate | None = Field(None, description="Only the lists valid on this date")


@router.get(
    "/shortages",
    response=list[ShortageOut],
    summary="Shortage lists per region",
    openapi_extra={"responses": NOT_FOUND},
)
def list_shortages(request: HttpRequest, params: Query[ShortageParams]) -> list[dict[str, Any]]:
    if params.region:
        _region(params.region)
    return [exports.shortage(s) for s in selectors.shortages(params.region.upper(), params.on)]


# --- region partners and providers (logged in) ----------------------------------------------


class DemandIn(Schema):
    region: str = Field(..., max_length=4, examples=["AM05"])
    occupation: str = Field("", max_length=200, description="ESCO code or any Dutch label")
    skills: list[str] = Field(default_factory=list, max_length=50)
    people: int = Field(..., description="At least 1")
    level: str = Field("", max_length=12, description="OOAPI levelOfQualification, or empty")
    periodStart: IsoDate
    periodEnd: IsoDate
    urgency: Literal["low", "normal", "high"] = "normal"
    source: str = Field(..., max_length=300)
    note: str = Field("", max_length=2000)
    version: int | None = Field(
        None,
        ge=1,
        description="For a change (PUT): the version you read. If the statement changed since, "
        "the answer is 409 and nothing is saved.",
    )


class CloseIn(Schema):
    reason: Literal["filled", "withdrawn", "replaced"]


def _actor(request: HttpRequest) -> audit.Actor:
    return audit.Actor(name=f"user:{request.user.pk}", role=getattr(request.user, "role", ""))


def _input(payload: DemandIn) -> demand.DemandInput:
    return demand.DemandInput(
        region=payload.region,
        occupation=payload.occupation,
        skills=[s for s in payload.skills if s.strip()],
        people=payload.people,
        level=payload.level,
        period_start=payload.periodStart,
        period_end=payload.periodEnd,
        urgency=payload.urgency,
        source=payload.source,
        note=payload.note,
        version=payload.version,
    )


def _out(pk: int) -> dict[str, Any]:
    found = selectors.statement(pk)
    if found is None:
        raise not_found("There is no demand statement with this number.")
    return exports.statement(found)


@router.post(
    "/demand",
    response={201: StatementOut},
    auth=django_auth,
    summary="State demand for your organisation (region partners)",
)
def create_statement(request: HttpRequest, payload: DemandIn) -> Status:
    organisation = demand.partner_of(request.user)
    st = demand.record(actor=_actor(request), organisation=organisation, data=_input(payload))
    return Status(201, _out(st.pk))


@router.put(
    "/demand/{pk}", response=StatementOut, auth=django_auth, summary="Change an open statement"
)
def change_statement(request: HttpRequest, pk: int, payload: DemandIn) -> dict[str, Any]:
    organisation = demand.partner_of(request.user)
    demand.update(actor=_actor(request), organisation=organisation, pk=pk, data=_input(payload))
    return _out(pk)


@router.post(
    "/demand/{pk}/close", response=StatementOut, auth=django_auth, summary="Close a statement"
)
def close_statement(request: HttpRequest, pk: int, payload: CloseIn) -> dict[str, Any]:
    organisation = demand.partner_of(request.user)
    demand.close(actor=_actor(request), organisation=organisation, pk=pk, reason=payload.reason)
    return _out(pk)


class SubscriptionIn(Schema):
    occupation: str = Field("", max_length=200, description="ESCO code, ISCO-08 group or label")
    skill: str = Field("", max_length=200)
    region: str = Field("", max_length=4, description="Empty: every region")


class SubscriptionOut(Schema):
    id: int
    occupation: str | None
    occupationLabel: str | None
    skill: str | None
    skillLabel: str | None
    region: str | None


def _provider(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "role", None) != Role.OPLEIDER or not getattr(user, "organisation_id", None):
        raise Problem(403, "Only training providers can subscribe to new demand.", code="forbidden")
    return user.organisation  # type: ignore[union-attr]


def _subscription_out(s: selectors.Subscription) -> dict[str, Any]:
    return {
        "id": s.id,
        "occupation": s.occupation.code if s.occupation else None,
        "occupationLabel": s.occupation.label if s.occupation else None,
        "skill": s.skill.code if s.skill else None,
        "skillLabel": s.skill.label if s.skill else None,
        "region": s.region.code if s.region else None,
    }


@router.get(
    "/demand-subscriptions",
    response=list[SubscriptionOut],
    auth=django_auth,
    summary="Your subscriptions to new demand",
)
def list_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    organisation = _provider(request)
    return [_subscription_out(s) for s in selectors.subscriptions(organisation.pk)]


@router.post(
    "/demand-subscriptions",
    response={201: SubscriptionOut},
    auth=django_auth,
    summary="Subscribe to new demand for an occupation (or ISCO-08 group) or a skill",
)
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status:
    organisation = _provider(request)
    sub = subscriptions.subscribe(
        actor=_actor(request),
        organisation=organisation,
        occupation=payload.occupation,
        skill=payload.skill,
        region=payload.region,
    )
    found = next(s for s in selectors.subscriptions(organisation.pk) if s.id == sub.pk)
    return Status(201, _subscription_out(found))


@router.delete(
    "/demand-subscriptions/{pk}",
    response={204: None},
    auth=django_auth,
    summary="Stop a subscription",
)
def delete_subscription(request: HttpRequest, pk: int) -> Status:
    organisation = _provider(request)
    subscriptions.unsubscribe(actor=_actor(request), organisation=organisation, pk=pk)
    return Status(204, None)
