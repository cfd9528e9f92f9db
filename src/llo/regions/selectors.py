# SPDX-License-Identifier: EUPL-1.2
"""Reads of the regions' demand, portfolio and gap, as plain dataclasses: the same figures
for the public pages, the open API and the downloads. Only open fields: a statement names an
organisation (a legal person), never a person; the user who typed it is in the audit log
only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum, Window

from llo.core.identifiers import LEVEL_LABELS, Level
from llo.core.timeutil import today
from llo.regions import arithmetic, supply
from llo.regions.models import (
    DemandSkill,
    DemandStatement,
    DemandStatus,
    DemandSubscription,
    GapCell,
    GapRun,
    Region,
    ShortageEntry,
)
from llo.skills import selectors as skills

PAGE_SIZE = 25
SORTS = ("gap", "demand", "seats")


@dataclass(frozen=True)
class Named:
    code: str
    label: str


@dataclass(frozen=True)
class GapRow:
    dimension: str
    code: str
    label: str
    demand_people: int
    demand_urgent: int
    statements: int
    offers: int
    seats: int
    starts: int
    starts_without_seats: int
    online_offers: int
    online_seats: int
    gap: int
    previous_gap: int | None
    trend: str
    shortage: tuple[str, ...]


@dataclass(frozen=True)
class GapPage:
    region: Named
    year: int
    dimension: str
    sort: str
    page: int
    pages: int
    total: int
    rows: list[GapRow]


@dataclass(frozen=True)
class Totals:
    demand_people: int = 0
    demand_urgent: int = 0
    statements: int = 0
    offers: int = 0
    seats: int = 0
    starts: int = 0
    online_offers: int = 0
    online_seats: int = 0
    gap: int = 0


@dataclass(frozen=True)
class RegionSummary:
    region: Named
    year: int
    years: tuple[int, ...]
    totals: Totals
    computed_at: dt.datetime | None
    open_statements: int


@dataclass(frozen=True)
class MapRow:
    region: Named
    demand_people: int
    seats: int
    offers: int
    gap: int
    shortage: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """A demand statement's open fields."""

    id: int
    region: Named
    occupation: Named | None
    skills: tuple[Named, ...]
    people: int
    level: str
    level_label: str
    period_start: dt.date
    period_end: dt.date
    urgency: str
    source: str
    note: str
    status: str
    close_reason: str
    stated_by: str
    stated_by_kind: str
    stated_by_id: int
    recorded_at: dt.datetime
    changed_at: dt.datetime
    version: int


@dataclass(frozen=True)
class PortfolioRow:
    offer: supply.PortfolioOffer
    occupations: tuple[Named, ...]
    skills: tuple[Named, ...]


@dataclass(frozen=True)
class Portfolio:
    region: Named
    year: int
    total: int
    page: int
    pages: int
    rows: list[PortfolioRow]


@dataclass(frozen=True)
class Shortage:
    region: Named
    occupation: Named
    kind: str
    valid_from: dt.date
    valid_until: dt.date
    source: str


@dataclass(frozen=True)
class CellDetail:
    region: Named
    year: int
    dimension: str
    term: Named
    row: GapRow | None
    statements: list[Statement]
    offers: Portfolio
    online: Portfolio


@dataclass(frozen=True)
class Subscription:
    id: int
    occupation: Named | None
    skill: Named | None
    region: Named | None


@dataclass(frozen=True)
class Years:
    current: int
    available: tuple[int, ...] = field(default=())


# --- basics -------------------------------------------------------------------------------


def region(code: str) -> Named | None:
    found = Region.objects.filter(code=code.upper()).values_list("code", "name").first()
    return Named(*found) if found else None


def regions() -> list[Named]:
    return [Named(c, n) for c, n in Region.objects.order_by("name").values_list("code", "name")]


def last_run() -> GapRun | None:
    """The last whole computation of the gap table (a page reads it once and passes it on)."""
    return GapRun.objects.filter(region_code="").first()


class _Unread:
    """Not read yet: the function reads the last run itself."""


_UNREAD = _Unread()


def years(run: GapRun | _Unread | None = _UNREAD) -> Years:
    """The years the gap table holds (the last whole computation), and the current one."""
    if isinstance(run, _Unread):
        run = last_run()
    now_year = today().year
    if run is None:
        return Years(now_year, arithmetic.table_years(today()))
    available = tuple(range(run.first_year, run.last_year + 1))
    return Years(now_year if now_year in available else available[-1], available)


def label_of(dimension: str, codes: Iterable[str]) -> dict[str, str]:
    if dimension == "occupation":
        return skills.occupation_labels(codes)
    if dimension == "skill":
        return skills.skill_labels(codes)
    return {}


def _shortage(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split("+") if t)


def _level_label(level: str) -> str:
    try:
        return str(LEVEL_LABELS[Level(level)])
    except ValueError:
        return ""


# --- the gap ------------------------------------------------------------------------------


def _rows(
    cells: Sequence[GapCell],
    year: int,
    dimension: str,
    region_code: str,
    run: GapRun | _Unread | None = _UNREAD,
) -> list[GapRow]:
    codes = [c.code for c in cells]
    # The online row of this year and the region's row of the year before, in one query.
    online: dict[str, tuple[int, int]] = {}
    previous: dict[str, int] = {}
    for where, when, code, offers, seats, gap in GapCell.objects.filter(
        Q(region_code=arithmetic.ONLINE, year=year) | Q(region_code=region_code, year=year - 1),
        dimension=dimension,
        code__in=codes,
    ).values_list("region_code", "year", "code", "offers", "seats", "gap"):
        if where == arithmetic.ONLINE and when == year:
            online[code] = (offers, seats)
        if where == region_code and when == year - 1:
            previous[code] = gap
    if isinstance(run, _Unread):
        has_previous = GapRun.objects.filter(
            region_code="", first_year__lte=year - 1, last_year__gte=year - 1
        ).exists()
    else:
        has_previous = run is not None and run.first_year <= year - 1 <= run.last_year
    labels = label_of(dimension, codes)
    rows = []
    for c in cells:
        prev = previous.get(c.code, 0 if has_previous else None)
        on = online.get(c.code)
        rows.append(
            GapRow(
                dimension=dimension,
                code=c.code,
                label=labels.get(c.code, c.code),
                demand_people=c.demand_people,
                demand_urgent=c.demand_urgent,
                statements=c.statements,
                offers=c.offers,
                seats=c.seats,
                starts=c.starts,
                starts_without_seats=c.starts_without_seats,
                online_offers=on[0] if on else 0,
                online_seats=on[1] if on else 0,
                gap=c.gap,
                previous_gap=prev,
                trend=arithmetic.trend(c.gap, prev),
                shortage=_shortage(c.shortage),
            )
        )
    return rows


def gap_page(
    region_code: str,
    year: int,
    *,
    dimension: str = "occupation",
    sort: str = "gap",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    only_demand: bool = False,
    named: Named | None = None,
    run: GapRun | _Unread | None = _UNREAD,
) -> GapPage | None:
    """One page of a region's gap table (occupations or skills), biggest gap first. A page
    that has read the region (``named``) and the last run (``run``) passes them on."""
    named = named or region(region_code)
    if named is None:
        return None
    cells = GapCell.objects.filter(region_code=named.code, year=year, dimension=dimension)
    if only_demand:
        cells = cells.filter(demand_people__gt=0)
    order = {
        "gap": ("-gap", "-demand_people", "-offers", "code"),
        "demand": ("-demand_people", "-gap", "code"),
        "seats": ("-seats", "-offers", "code"),
    }[sort if sort in SORTS else "gap"]
    # The page and the number of cells in one query (COUNT(*) OVER ()); only a page past the
    # end asks for the number on its own, and then shows the last page.
    page = max(page, 1)
    counted = cells.annotate(total=Window(Count("id"))).order_by(*order)
    chosen = list(counted[(page - 1) * page_size : page * page_size])
    total = chosen[0].total if chosen else cells.count()
    pages = max(1, -(-total // page_size))
    if page > pages:
        page = pages
        chosen = list(counted[(page - 1) * page_size : page * page_size])
    rows = _rows(chosen, year, dimension, named.code, run)
    return GapPage(named, year, dimension, sort, page, pages, total, rows)


def gap_table(region_code: str, year: int) -> list[GapRow]:
    """Every row of a region's gap table (occupations, then skills): for the downloads."""
    out: list[GapRow] = []
    for dimension in ("occupation", "skill"):
        cells = list(
            GapCell.objects.filter(
                region_code=region_code, year=year, dimension=dimension
            ).order_by("-gap", "-demand_people", "code")
        )
        out += _rows(cells, year, dimension, region_code)
    return out


def summary(
    region_code: str, year: int, run: GapRun | _Unread | None = _UNREAD
) -> RegionSummary | None:
    named = region(region_code)
    if named is None:
        return None
    if isinstance(run, _Unread):
        run = last_run()
    # One query: the region's "all" cell, the online "all" cell, and the gap of the region:
    # the sum over its occupations (a statement for skills only has no occupation to weigh
    # against).
    mine = Q(region_code=named.code, dimension="all", code="")
    online = Q(region_code=arithmetic.ONLINE, dimension="all", code="")
    occupations = Q(region_code=named.code, dimension="occupation")
    fields = ("demand_people", "demand_urgent", "statements", "offers", "seats", "starts")
    found = GapCell.objects.filter(mine | online | occupations, year=year).aggregate(
        gap=Sum("gap", filter=occupations),
        online_offers=Sum("offers", filter=online),
        online_seats=Sum("seats", filter=online),
        **{name: Sum(name, filter=mine) for name in fields},
    )
    totals = Totals(
        **{name: found[name] or 0 for name in (*fields, "online_offers", "online_seats", "gap")}
    )
    open_count = DemandStatement.objects.filter(
        region_id=named.code, status=DemandStatus.OPEN
    ).count()
    return RegionSummary(
        named,
        year,
        years(run).available,
        totals,
        run.computed_at if run else None,
        open_count,
    )


def map_rows(year: int, dimension: str = "all", code: str = "") -> list[MapRow]:
    """Per region: demand, seats, offers and gap for one occupation or skill, or for all
    together (``dimension`` "all"): the map and the table beside it."""
    cells = {
        c.region_code: c
        for c in GapCell.objects.filter(year=year, dimension=dimension, code=code).exclude(
            region_code=arithmetic.ONLINE
        )
    }
    gaps: dict[str, int] = {}
    if dimension == "all":
        gaps = {
            r: g or 0
            for r, g in GapCell.objects.filter(year=year, dimension="occupation")
            .exclude(region_code=arithmetic.ONLINE)
            .values("region_code")
            .annotate(total=Sum("gap"))
            .values_list("region_code", "total")
        }
    rows = []
    for named in regions():
        c = cells.get(named.code)
        rows.append(
            MapRow(
                region=named,
                demand_people=c.demand_people if c else 0,
                seats=c.seats if c else 0,
                offers=c.offers if c else 0,
                gap=gaps.get(named.code, 0) if dimension == "all" else (c.gap if c else 0),
                shortage=_shortage(c.shortage) if c else (),
            )
        )
    return rows


# --- statements ---------------------------------------------------------------------------


def _statements(rows: Iterable[DemandStatement]) -> list[Statement]:
    rows = list(rows)
    ids = [s.pk for s in rows]
    skill_codes: dict[int, list[str]] = {}
    for sid, code in DemandSkill.objects.filter(statement_id__in=ids).values_list(
        "statement_id", "skill_id"
    ):
        skill_codes.setdefault(sid, []).append(str(code))
    occ_labels = skills.occupation_labels(str(s.occupation_id) for s in rows if s.occupation_id)
    sk_labels = skills.skill_labels(c for codes in skill_codes.values() for c in codes)
    out = []
    for s in rows:
        occ = str(s.occupation_id) if s.occupation_id else ""
        out.append(
            Statement(
                id=s.pk,
                region=Named(s.region_id, s.region.name),
                occupation=Named(occ, occ_labels.get(occ, occ)) if occ else None,
                skills=tuple(
                    Named(c, sk_labels.get(c, c))
                    for c in sorted(skill_codes.get(s.pk, []), key=lambda c: sk_labels.get(c, c))
                ),
                people=s.people,
                level=s.level,
                level_label=_level_label(s.level),
                period_start=s.period_start,
                period_end=s.period_end,
                urgency=s.urgency,
                source=s.source,
                note=s.note,
                status=s.status,
                close_reason=s.close_reason,
                stated_by=s.organisation.name,
                stated_by_kind=s.organisation.kind,
                stated_by_id=s.organisation_id,
                recorded_at=s.created_at,
                changed_at=s.updated_at,
                version=s.version,
            )
        )
    return out


def statement(pk: int) -> Statement | None:
    found = DemandStatement.objects.select_related("region", "organisation").filter(pk=pk)
    rows = _statements(found)
    return rows[0] if rows else None


def statements(
    *,
    region_code: str = "",
    organisation_id: int | None = None,
    status: str = "",
    occupation: str = "",
    skill: str = "",
    year: int | None = None,
    limit: int = 500,
) -> list[Statement]:
    rows = DemandStatement.objects.select_related("region", "organisation")
    if region_code:
        rows = rows.filter(region_id=region_code)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    if status:
        rows = rows.filter(status=status)
    if occupation:
        rows = rows.filter(occupation_id=occupation)
    if skill:
        rows = rows.filter(demandskill__skill_id=skill)
    if year is not None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        rows = rows.filter(period_end__gte=first, period_start__lte=last).exclude(
            closed_at__date__lt=first
        )
    return _statements(rows.order_by("-created_at", "-id")[:limit])


# --- portfolio ----------------------------------------------------------------------------


def _portfolio_rows(offers: list[supply.PortfolioOffer]) -> list[PortfolioRow]:
    occ = skills.occupation_labels(c for o in offers for c in o.occupations)
    sk = skills.skill_labels(c for o in offers for c in o.skills)
    return [
        PortfolioRow(
            o,
            tuple(Named(c, occ[c]) for c in o.occupations if c in occ),
            tuple(Named(c, sk[c]) for c in o.skills if c in sk),
        )
        for o in offers
    ]


def portfolio(
    region_code: str,
    year: int,
    *,
    occupation: str = "",
    skill: str = "",
    provider_kind: str = "",
    online: bool | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> Portfolio | None:
    """A region's offers (with a place in it, or online), with seats and starts in the year."""
    named = region(region_code)
    if named is None:
        return None
    found = supply.source().portfolio(
        named.code,
        start_from=dt.date(year, 1, 1),
        start_to=dt.date(year, 12, 31),
        occupation=occupation,
        skill=skill,
        provider_kind=provider_kind,
        online=online,
        page=page,
        page_size=page_size,
    )
    pages = max(1, -(-found.total // page_size))
    return Portfolio(
        named, year, found.total, min(max(page, 1), pages), pages, _portfolio_rows(found.offers)
    )


def cell(
    region_code: str, year: int, dimension: str, code: str, *, page: int = 1
) -> CellDetail | None:
    """What is behind one number: the statements and the offers of a region for one
    occupation or skill in a year."""
    named = region(region_code)
    if named is None or dimension not in ("occupation", "skill"):
        return None
    label = label_of(dimension, [code]).get(code)
    if label is None:
        return None
    found = GapCell.objects.filter(
        region_code=named.code, year=year, dimension=dimension, code=code
    ).first()
    row = _rows([found], year, dimension, named.code)[0] if found else None
    occupation = code if dimension == "occupation" else ""
    skill = code if dimension == "skill" else ""
    listed = statements(region_code=named.code, year=year, occupation=occupation, skill=skill)
    in_region = portfolio(
        named.code, year, occupation=occupation, skill=skill, online=False, page=page
    )
    online = portfolio(
        named.code, year, occupation=occupation, skill=skill, online=True, page_size=10
    )
    if in_region is None or online is None:
        return None
    return CellDetail(named, year, dimension, Named(code, label), row, listed, in_region, online)


# --- shortages and subscriptions ----------------------------------------------------------


def occupation_form_name(code: str) -> str:
    """The occupation as a form shows it so that it resolves back to this code."""
    names = skills.form_names([code])
    return names[0] if names else code


def shortages(region_code: str = "", on: dt.date | None = None) -> list[Shortage]:
    rows = ShortageEntry.objects.select_related("region")
    if region_code:
        rows = rows.filter(region_id=region_code)
    if on is not None:
        rows = rows.filter(valid_from__lte=on, valid_until__gte=on)
    rows_list = list(rows.order_by("region_id", "occupation_id", "kind"))
    labels = skills.occupation_labels(str(r.occupation_id) for r in rows_list)
    return [
        Shortage(
            Named(r.region_id, r.region.name),
            Named(str(r.occupation_id), labels.get(str(r.occupation_id), str(r.occupation_id))),
            r.kind,
            r.valid_from,
            r.valid_until,
            r.source,
        )
        for r in rows_list
    ]


def subscriptions(organisation_id: int) -> list[Subscription]:
    rows = list(
        DemandSubscription.objects.filter(organisation_id=organisation_id)
        .select_related("region")
        .order_by("created_at", "id")
    )
    occ = skills.code_labels(r.occupation_code for r in rows if r.occupation_code)
    sk = skills.skill_labels(str(r.skill_id) for r in rows if r.skill_id)
    return [
        Subscription(
            r.pk,
            Named(r.occupation_code, occ.get(r.occupation_code, r.occupation_code))
            if r.occupation_code
            else None,
            Named(str(r.skill_id), sk.get(str(r.skill_id), "")) if r.skill_id else None,
            Named(r.region.code, r.region.name) if r.region else None,
        )
        for r in rows
    ]
