# SPDX-License-Identifier: EUPL-1.2
"""The register as the supply side of the regions' gap (``llo.regions.supply``): figures per
region and occupation or skill, and a region's portfolio of offers. Plugged in by
``RegisterConfig.ready``; the SQL is in :mod:`llo.register.store.portfolio`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from llo.regions.supply import PortfolioOffer, PortfolioPage, SupplyFigure
from llo.register.models import Offer, Offering, OfferingState
from llo.register.store import portfolio as store


class RegisterSupply:
    """Implements :class:`llo.regions.supply.SupplySource` over the register's tables."""

    def figures(self, first_year: int, last_year: int) -> Iterator[SupplyFigure]:
        years = list(range(first_year, last_year + 1))
        columns = [(year, 4 + 3 * i) for i, year in enumerate(years)]
        for row in store.figures(years):
            per_year = {}
            for year, at in columns:
                starts = row[at + 1]
                if starts:
                    per_year[year] = (int(row[at] or 0), int(starts), int(row[at + 2] or 0))
            yield SupplyFigure(row[0], row[1], row[2], int(row[3]), per_year)

    def portfolio(
        self,
        region: str,
        *,
        start_from: dt.date,
        start_to: dt.date,
        occupation: str = "",
        skill: str = "",
        provider_kind: str = "",
        online: bool | None = None,
        page: int = 1,
        page_size: int = 50,
    ) -> PortfolioPage:
        total, ids = store.portfolio_ids(
            region,
            occupation=occupation,
            skill=skill,
            provider_kind=provider_kind,
            online=online,
            limit=page_size,
            offset=(max(page, 1) - 1) * page_size,
        )
        offers = {
            o.pk: o
            for o in Offer.objects.filter(id__in=ids).select_related("opleider__organisation")
        }
        places: dict[int, list[str]] = defaultdict(list)
        for offer_id, name in (
            Offer.gemeenten.through.objects.filter(offer_id__in=ids, gemeente__region_id=region)
            .order_by("gemeente__name")
            .values_list("offer_id", "gemeente__name")
        ):
            places[offer_id].append(name)
        runs: dict[int, list[tuple[dt.date, int | None]]] = defaultdict(list)
        for offer_id, start, capacity in (
            Offering.objects.filter(
                offer_id__in=ids, start_date__gte=start_from, start_date__lte=start_to
            )
            .exclude(state=OfferingState.CANCELLED)
            .order_by("start_date")
            .values_list("offer_id", "start_date", "capacity")
        ):
            runs[offer_id].append((start, capacity))
        out = []
        for pk in ids:
            o = offers[pk]
            mine = runs.get(pk, [])
            out.append(
                PortfolioOffer(
                    id=o.pk,
                    title=o.title,
                    provider=o.opleider.organisation.name,
                    provider_kvk=o.opleider.organisation.kvk,
                    provider_kind=o.opleider.kind,
                    offer_type=o.offer_type,
                    level=o.level,
                    online=o.online,
                    places=tuple(places.get(pk, ())),
                    occupations=tuple(str(c) for c in o.occupations or []),
                    skills=tuple(str(c) for c in o.skills or []),
                    price_cents=o.price_cents,
                    seats=sum(c or 0 for _s, c in mine),
                    starts=len(mine),
                    starts_without_seats=sum(1 for _s, c in mine if c is None),
                    first_start=mine[0][0] if mine else None,
                    start_dates=tuple(s for s, _c in mine),
                )
            )
        return PortfolioPage(total=total, offers=out)
