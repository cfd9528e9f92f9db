# SPDX-License-Identifier: EUPL-1.2
"""The open figures of the regions as JSON objects and CSV rows: one definition for the open
API and the downloads of the public pages, so both give exactly the same fields.

Open means: the figures, the statements of organisations (legal persons) and the register's
public facts about offers. Never a person, never who typed a statement (that is in the
audit log only), never an e-mail address.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from llo.core import csvio
from llo.regions.selectors import GapRow, MapRow, Named, PortfolioRow, Shortage, Statement

GAP_FIELDS = (
    "region",
    "regionName",
    "year",
    "dimension",
    "code",
    "label",
    "peopleNeeded",
    "urgentPeople",
    "statements",
    "offers",
    "seats",
    "starts",
    "startsWithoutSeats",
    "onlineOffers",
    "onlineSeats",
    "gap",
    "previousGap",
    "trend",
    "shortage",
)
MAP_FIELDS = (
    "region",
    "regionName",
    "year",
    "dimension",
    "code",
    "label",
    "peopleNeeded",
    "seats",
    "offers",
    "gap",
    "shortage",
)
STATEMENT_FIELDS = (
    "id",
    "region",
    "regionName",
    "occupation",
    "occupationLabel",
    "skills",
    "skillLabels",
    "people",
    "level",
    "levelLabel",
    "periodStart",
    "periodEnd",
    "urgency",
    "source",
    "note",
    "status",
    "closeReason",
    "statedBy",
    "statedByKind",
    "recordedAt",
    "changedAt",
    "version",
)
PORTFOLIO_FIELDS = (
    "id",
    "title",
    "provider",
    "providerKvk",
    "providerKind",
    "offerType",
    "level",
    "online",
    "places",
    "occupations",
    "occupationLabels",
    "skills",
    "skillLabels",
    "priceCents",
    "seats",
    "starts",
    "startsWithoutSeats",
    "firstStart",
    "url",
)


def gap_row(region: Named, year: int, r: GapRow) -> dict[str, Any]:
    return {
        "region": region.code,
        "regionName": region.label,
        "year": year,
        "dimension": r.dimension,
        "code": r.code,
        "label": r.label,
        "peopleNeeded": r.demand_people,
        "urgentPeople": r.demand_urgent,
        "statements": r.statements,
        "offers": r.offers,
        "seats": r.seats,
        "starts": r.starts,
        "startsWithoutSeats": r.starts_without_seats,
        "onlineOffers": r.online_offers,
        "onlineSeats": r.online_seats,
        "gap": r.gap,
        "previousGap": r.previous_gap,
        "trend": r.trend,
        "shortage": list(r.shortage),
    }


def map_row(year: int, dimension: str, term: Named | None, r: MapRow) -> dict[str, Any]:
    return {
        "region": r.region.code,
        "regionName": r.region.label,
        "year": year,
        "dimension": dimension,
        "code": term.code if term else "",
        "label": term.label if term else "",
        "peopleNeeded": r.demand_people,
        "seats": r.seats,
        "offers": r.offers,
        "gap": r.gap,
        "shortage": list(r.shortage),
    }


def statement(s: Statement) -> dict[str, Any]:
    return {
        "id": s.id,
        "region": s.region.code,
        "regionName": s.region.label,
        "occupation": s.occupation.code if s.occupation else None,
        "occupationLabel": s.occupation.label if s.occupation else None,
        "skills": [k.code for k in s.skills],
        "skillLabels": [k.label for k in s.skills],
        "people": s.people,
        "level": s.level or None,
        "levelLabel": s.level_label or None,
        "periodStart": s.period_start.isoformat(),
        "periodEnd": s.period_end.isoformat(),
        "urgency": s.urgency,
        "source": s.source,
        "note": s.note,
        "status": s.status,
        "closeReason": s.close_reason or None,
        "statedBy": s.stated_by,
        "statedByKind": s.stated_by_kind,
        "recordedAt": s.recorded_at.isoformat(),
        "changedAt": s.changed_at.isoformat(),
        "version": s.version,
    }


def portfolio_offer(row: PortfolioRow, url: str) -> dict[str, Any]:
    o = row.offer
    return {
        "id": o.id,
        "title": o.title,
        "provider": o.provider,
        "providerKvk": o.provider_kvk,
        "providerKind": o.provider_kind,
        "offerType": o.offer_type,
        "level": o.level,
        "online": o.online,
        "places": list(o.places),
        "occupations": [t.code for t in row.occupations],
        "occupationLabels": [t.label for t in row.occupations],
        "skills": [t.code for t in row.skills],
        "skillLabels": [t.label for t in row.skills],
        "priceCents": o.price_cents,
        "seats": o.seats,
        "starts": o.starts,
        "startsWithoutSeats": o.starts_without_seats,
        "firstStart": o.first_start.isoformat() if o.first_start else None,
        "url": url,
    }


def shortage(s: Shortage) -> dict[str, Any]:
    return {
        "region": s.region.code,
        "regionName": s.region.label,
        "occupation": s.occupation.code,
        "occupationLabel": s.occupation.label,
        "kind": s.kind,
        "validFrom": s.valid_from.isoformat(),
        "validUntil": s.valid_until.isoformat(),
        "source": s.source,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    return str(value)


def csv_lines(fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV for a spreadsheet set to Dutch: semicolons, UTF-8 with a BOM, lists joined by |
    (as the register's own CSV export), through llo's one CSV writer: a partner's source or
    explanation that starts like a formula is neutralised (decision 011)."""
    return csvio.Writer(";").lines(
        fields, ([_cell(row.get(f)) for f in fields] for row in rows), bom=True
    )
