# SPDX-License-Identifier: EUPL-1.2
"""The gap arithmetic, without a database (docs/regions.md, "How the gap is counted").

For one region, one occupation or skill and one calendar year:

* **demand** is the number of people that the open statements of region partners ask for in
  that year. A statement counts in every year its period touches (it says how many people
  are needed *during* the period), and stops counting from the year after it was closed.
* **supply** is what the region's portfolio offers: the offers with a place in the region
  (``offers``), the places (``seats``) and start moments (``starts``) of their offerings that
  start in the year. An offering without a number of places counts as a start "without
  seats", never as zero places. Offers that can be followed online are counted apart, once for
  the whole country (the online row), because all 35 regions share their seats.
* **gap** = demand - seats in the region, never below zero: the people for whom the region
  has no training place this year. Online seats are shown beside it and do not close it.
* the **trend** compares the gap with the year before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from llo.regions.supply import SupplyFigure

ONLINE = ""  # the region code of the online row
SHORTAGE_ORDER = ("krapteberoep", "kansberoep")


@dataclass(frozen=True)
class DemandFigure:
    """What one statement asks, reduced to what the arithmetic needs."""

    region: str
    dimension: str
    code: str
    people: int
    urgent: bool
    period_start: dt.date
    period_end: dt.date
    closed_on: dt.date | None = None


@dataclass(frozen=True)
class ShortageFigure:
    region: str
    code: str
    kind: str
    valid_from: dt.date
    valid_until: dt.date


@dataclass(slots=True)
class Cell:
    demand_people: int = 0
    demand_urgent: int = 0
    statements: int = 0
    offers: int = 0
    seats: int = 0
    starts: int = 0
    starts_without_seats: int = 0
    shortage: set[str] = field(default_factory=set)

    @property
    def gap(self) -> int:
        return max(0, self.demand_people - self.seats)

    @property
    def shortage_text(self) -> str:
        if not self.shortage:
            return ""
        return "+".join(k for k in SHORTAGE_ORDER if k in self.shortage)


Key = tuple[int, str, str, str]  # (year, region, dimension, code)


def counts_in(figure: DemandFigure, year: int) -> bool:
    """Does a statement count in a year? Its period touches the year, and it was not closed
    before the year began."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if figure.period_end < first or figure.period_start > last:
        return False
    return figure.closed_on is None or figure.closed_on >= first


def build(
    years: Sequence[int],
    supply: Iterable[SupplyFigure],
    demand: Iterable[DemandFigure],
    shortages: Iterable[ShortageFigure] = (),
) -> dict[Key, Cell]:
    """Every cell of the gap table for the years: one per (year, region or online, dimension,
    code) that has supply, demand or a shortage flag."""
    cells: dict[Key, Cell] = {}
    found = cells.get

    def cell(year: int, region: str, dimension: str, code: str) -> Cell:
        key = (year, region, dimension, code)
        c = found(key)
        if c is None:
            c = cells[key] = Cell()
        return c

    # The supply loop runs for every figure of the register (37,000 for 500,000 offers,
    # bench/gap), so the look-up is written out here.
    for s in supply:
        by_year = s.years
        for year in years:
            per_year = by_year.get(year)
            if per_year is None and not s.offers:
                continue
            key = (year, s.region, s.dimension, s.code)
            c = found(key)
            if c is None:
                c = cells[key] = Cell()
            c.offers += s.offers
            if per_year is not None:
                c.seats += per_year[0]
                c.starts += per_year[1]
                c.starts_without_seats += per_year[2]
    for d in demand:
        if d.people < 0:
            raise ValueError("a statement never asks for a negative number of people")
        for year in years:
            if counts_in(d, year):
                c = cell(year, d.region, d.dimension, d.code)
                c.demand_people += d.people
                c.statements += 1
                if d.urgent:
                    c.demand_urgent += d.people
    for sh in shortages:
        for year in years:
            if sh.valid_from <= dt.date(year, 12, 31) and sh.valid_until >= dt.date(year, 1, 1):
                cell(year, sh.region, "occupation", sh.code).shortage.add(sh.kind)
    return cells


def trend(gap: int, previous_gap: int | None) -> str:
    """``new`` (no gap the year before, one now), ``up``, ``down`` or ``same``."""
    if previous_gap is None or (previous_gap == 0 and gap > 0):
        return "new" if gap > 0 else "same"
    if gap > previous_gap:
        return "up"
    if gap < previous_gap:
        return "down"
    return "same"


def table_years(today: dt.date) -> tuple[int, int, int]:
    """The years of the gap table: last year (for the trend), this year and next year."""
    return (today.year - 1, today.year, today.year + 1)
