# SPDX-License-Identifier: EUPL-1.2
"""Open reference data: labour-market regions and gemeenten."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Schema

from llo.core.problems import not_found
from llo.regions.models import Gemeente, Region

router = Router(tags=["regions"])


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
