# SPDX-License-Identifier: EUPL-1.2
"""The supply side of the gap: what the training offer of a region holds.

The offers live in the register, which sits above ``regions`` in the layer contract (the
register's offers point at regions' gemeenten). So regions defines what it needs here, and the
register plugs in its implementation when Django starts (``RegisterConfig.ready``), like the
login plugins do (docs/decisions/017-skills-language.md). The SQL over the register's tables
stays in the register's own store.

The portfolio of a region is every published offer of an admitted provider with a place in
one of the region's gemeenten, plus every offer that can be followed online, public and private
providers alike (seed 003: "gedeeld met private aanbieders").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SupplyFigure:
    """Offers, seats and starts for one code: in a region, or online (``region`` empty).

    ``offers`` counts the offers (whatever their start dates); ``years`` holds, per year, the
    seats, the starts and the starts without a number of places of the offerings that start
    in that year."""

    region: str
    dimension: str  # "occupation" | "skill" | "all"
    code: str
    offers: int = 0
    years: Mapping[int, tuple[int, int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class PortfolioOffer:
    """One offer of a region's portfolio: the open facts of the register, nothing personal."""

    id: int
    title: str
    provider: str
    provider_kvk: str
    provider_kind: str  # "public" | "private"
    offer_type: str
    level: str
    online: bool
    places: tuple[str, ...]  # gemeente names in the region
    occupations: tuple[str, ...]  # codes
    skills: tuple[str, ...]  # codes
    price_cents: int
    seats: int  # in the period asked for
    starts: int
    starts_without_seats: int
    first_start: dt.date | None
    start_dates: tuple[dt.date, ...] = field(default=())


@dataclass(frozen=True)
class PortfolioPage:
    total: int
    offers: list[PortfolioOffer]


class SupplySource(Protocol):
    def figures(self, first_year: int, last_year: int) -> Iterable[SupplyFigure]:
        """Every figure of every region and of the online offer, for the years given."""
        ...

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
        """The offers of a region (with a place in it, or online), with their seats and starts
        between the two dates, optionally only those for one occupation or skill."""
        ...


_source: SupplySource | None = None


class NoSupplySource(RuntimeError):
    pass


def register_source(source: SupplySource) -> None:
    global _source
    _source = source


def source() -> SupplySource:
    if _source is None:
        raise NoSupplySource("no supply source: the register app is not installed")
    return _source
