# SPDX-License-Identifier: EUPL-1.2
"""Reads of the public OOAPI v6 endpoints: what is public, in OOAPI's order, one page at a time.

Public is what the register's search shows: published offers of admitted providers, their
start moments, and admitted providers. A page costs the same few queries whatever its size
(a count, the rows with their provider and programme joined, the places of the page's offers
in one query); ``tests/register/test_ooapi_v6.py`` counts them.

OOAPI orders courses, programmes and organisations by name, offerings chronologically
(v6: "ordered by name (ascending)", "ordered chronologically"); the id breaks ties, so pages
never overlap. A page past the last one is empty (OOAPI: a collection never answers 404) and
is answered without reading rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from llo.register.models import (
    Offer,
    Offering,
    OfferState,
    OfferType,
    Opleider,
    ProviderStatus,
)
from llo.register.ooapi import v6


@dataclass(frozen=True)
class Filters:
    """The OOAPI query parameters llo applies (None: not given)."""

    primary_code: str | None = None
    q: str | None = None
    teaching_language: str | None = None
    mode_of_delivery: str | None = None
    level_of_qualification: str | None = None
    programme_type: str | None = None
    qualification_awarded: str | None = None
    organisation_type: str | None = None
    state: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass
class Page:
    number: int
    size: int
    total: int
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        pages = max(1, math.ceil(self.total / self.size))
        return {
            "pageSize": self.size,
            "pageNumber": self.number,
            "hasPreviousPage": self.number > 1,
            "hasNextPage": self.number < pages,
            "totalPages": pages,
            "items": self.items,
        }


# --- what is public -----------------------------------------------------------------------------


def public_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(
        state=OfferState.PUBLISHED, opleider__status=ProviderStatus.ADMITTED
    )


def public_providers() -> QuerySet[Opleider]:
    return Opleider.objects.filter(status=ProviderStatus.ADMITTED)


def _is_public(offer: Offer | None) -> bool:
    return offer is not None and offer.state == OfferState.PUBLISHED


# --- filters --------------------------------------------------------------------------------------


def _offer_filters(qs: QuerySet[Offer], f: Filters) -> QuerySet[Offer]:
    if f.primary_code is not None:
        qs = qs.filter(code=f.primary_code)
    if f.q:
        # OOAPI: "name, abbreviation or description containing the given search term (exact
        # partial match, case insensitive)".
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    if f.teaching_language is not None:
        qs = qs.filter(language__iexact=f.teaching_language.split("-")[0])
    if f.mode_of_delivery is not None:
        # A JSON list of plain words: the quoted word is in its text on both databases.
        qs = qs.filter(modes__icontains=f'"{f.mode_of_delivery}"')
    if f.level_of_qualification is not None:
        qs = qs.filter(level=f.level_of_qualification)
    if f.programme_type is not None and f.programme_type != "programme":
        qs = qs.none()
    if f.qualification_awarded is not None:
        leads_to = [k for k, v in v6.QUALIFICATION.items() if v == f.qualification_awarded]
        if f.qualification_awarded == "none":
            qs = qs.exclude(leads_to__in=list(v6.QUALIFICATION))
        else:
            qs = qs.filter(leads_to__in=leads_to)
    return qs


def _offering_filters(qs: QuerySet[Offering], f: Filters) -> QuerySet[Offering]:
    if f.since is not None:
        qs = qs.filter(start_date__gte=f.since)
    if f.until is not None:
        # OOAPI: "a maximum end moment"; a start moment without an end ends when it starts.
        qs = qs.filter(Q(end_date__lte=f.until) | Q(end_date__isnull=True, start_date__lte=f.until))
    if f.state is not None:
        qs = qs.filter(state=f.state)
    if f.teaching_language is not None:
        qs = qs.filter(offer__language__iexact=f.teaching_language.split("-")[0])
    if f.mode_of_delivery is not None:
        qs = qs.filter(offer__modes__icontains=f'"{f.mode_of_delivery}"')
    if f.q:
        qs = qs.filter(Q(offer__title__icontains=f.q) | Q(offer__description__icontains=f.q))
    return qs


# --- pages ----------------------------------------------------------------------------------------


def _page(
    qs: QuerySet[Any],
    number: int,
    size: int,
    order: Sequence[str],
    render: Callable[[list[Any]], list[dict[str, Any]]],
) -> Page:
    total = qs.count()
    page = Page(number=number, size=size, total=total)
    start = (number - 1) * size
    if start < total:
        page.items = render(list(qs.order_by(*order)[start : start + size]))
    return page


def places_of(offer_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """(CBS code, name) of the gemeenten of each offer, sorted by code: one query."""
    places: dict[int, list[tuple[str, str]]] = defaultdict(list)
    through = Offer.gemeenten.through
    rows = (
        through.objects.filter(offer_id__in=offer_ids)
        .order_by("gemeente_id")
        .values_list("offer_id", "gemeente_id", "gemeente__name")
    )
    for offer_id, code, name in rows:
        places[offer_id].append((code, name))
    return places


def render_offers(offers: list[Offer], link: Callable[[Offer], str]) -> list[dict[str, Any]]:
    places = places_of([o.pk for o in offers])
    return [
        v6.offer_object(
            o,
            places[o.pk],
            kvk=o.opleider.organisation.kvk,
            part_of=o.part_of if _is_public(o.part_of) else None,
            link=link(o),
        )
        for o in offers
    ]


def render_offerings(offerings: list[Offering]) -> list[dict[str, Any]]:
    return [
        v6.offering_object(r, r.offer, kvk=r.offer.opleider.organisation.kvk) for r in offerings
    ]


OFFER_ORDER = ("title", "pk")
OFFERING_ORDER = ("start_date", "pk")


def _offers(qs: QuerySet[Offer]) -> QuerySet[Offer]:
    return qs.select_related("opleider__organisation", "part_of")


def _offerings(qs: QuerySet[Offering]) -> QuerySet[Offering]:
    return qs.select_related("offer__opleider__organisation")


def offers_page(
    kind: str,
    f: Filters,
    number: int,
    size: int,
    link: Callable[[Offer], str],
    *,
    kvk: str | None = None,
    programme: Offer | None = None,
) -> Page:
    """Courses (every offer type but programme) or programmes; of one provider or, for
    courses, the modules of one programme when asked."""
    qs = public_offers()
    if kind == OfferType.PROGRAMME:
        qs = qs.filter(offer_type=OfferType.PROGRAMME)
    else:
        qs = qs.exclude(offer_type=OfferType.PROGRAMME)
    if kvk is not None:
        qs = qs.filter(opleider__organisation__kvk=kvk)
    if programme is not None:
        qs = qs.filter(part_of=programme)
    qs = _offer_filters(qs, f)
    return _page(_offers(qs), number, size, OFFER_ORDER, lambda rows: render_offers(rows, link))


def offerings_page(
    f: Filters,
    number: int,
    size: int,
    *,
    kind: str | None = None,
    offer: Offer | None = None,
    kvk: str | None = None,
) -> Page:
    """Start moments of public offers: of one offer, of one provider, of courses or of
    programmes (``kind``), or all of them (llo's ``/offerings``)."""
    qs = Offering.objects.filter(offer__in=public_offers())
    if offer is not None:
        qs = qs.filter(offer=offer)
    if kvk is not None:
        qs = qs.filter(offer__opleider__organisation__kvk=kvk)
    if kind == OfferType.PROGRAMME:
        qs = qs.filter(offer__offer_type=OfferType.PROGRAMME)
    elif kind is not None:
        qs = qs.exclude(offer__offer_type=OfferType.PROGRAMME)
    qs = _offering_filters(qs, f)
    return _page(_offerings(qs), number, size, OFFERING_ORDER, render_offerings)


def organisations_page(f: Filters, number: int, size: int, link: Callable[[Opleider], str]) -> Page:
    qs = public_providers()
    if f.primary_code is not None:
        qs = qs.filter(organisation__kvk=f.primary_code)
    if f.q:
        qs = qs.filter(organisation__name__icontains=f.q)
    if f.organisation_type is not None and f.organisation_type != "root":
        qs = qs.none()
    return _page(
        qs.select_related("organisation"),
        number,
        size,
        ("organisation__name", "pk"),
        lambda rows: [v6.organisation_object(o, link(o)) for o in rows],
    )


# --- single items ---------------------------------------------------------------------------------


def offer(ooapi_id: str, kind: str) -> Offer | None:
    qs = _offers(public_offers()).filter(ooapi_id=ooapi_id)
    if kind == OfferType.PROGRAMME:
        qs = qs.filter(offer_type=OfferType.PROGRAMME)
    else:
        qs = qs.exclude(offer_type=OfferType.PROGRAMME)
    return qs.first()


def offering(ooapi_id: str, kind: str) -> Offering | None:
    qs = _offerings(Offering.objects.filter(offer__in=public_offers(), ooapi_id=ooapi_id))
    if kind == OfferType.PROGRAMME:
        qs = qs.filter(offer__offer_type=OfferType.PROGRAMME)
    else:
        qs = qs.exclude(offer__offer_type=OfferType.PROGRAMME)
    return qs.first()


def provider(kvk: str) -> Opleider | None:
    return public_providers().select_related("organisation").filter(organisation__kvk=kvk).first()
