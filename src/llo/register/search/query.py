# SPDX-License-Identifier: EUPL-1.2
"""What a search asks and what it answers: the query, its words, its result, the row the
index stores of an offer, and the validation of a query against the vocabularies."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from llo.core.identifiers import Level
from llo.register.models import LeadsTo, ModeOfDelivery, OfferType, ProviderKind

MAX_TERMS = 10
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000

SORTS = ("relevance", "price", "-price", "start")
FACETS = ("level", "offerType", "mode", "providerKind", "leadsTo", "region")


@dataclass(frozen=True)
class SearchQuery:
    """A search as a person or an API client asks it. Empty means: no filter."""

    text: str = ""
    levels: tuple[str, ...] = ()
    offer_types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    provider_kinds: tuple[str, ...] = ()
    leads_to: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    gemeenten: tuple[str, ...] = ()
    #: With a place filter, also offers that can be followed online.
    include_online: bool = True
    max_price_cents: int | None = None
    start_from: dt.date | None = None
    start_to: dt.date | None = None
    skills: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    provider_ids: tuple[int, ...] = ()
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True

    def with_(self, **changes: Any) -> SearchQuery:
        return replace(self, **changes)


@dataclass(frozen=True)
class Term:
    """One query word: ``stem`` must match a whole stem for the exact bonus; with ``prefix``
    any stem that begins with ``head`` matches."""

    word: str
    stem: str
    prefix: bool
    corrected_from: str = ""

    @property
    def head(self) -> str:
        return prefix_of(self.stem) if self.prefix else self.stem


def prefix_of(stem: str) -> str:
    """The prefix a stem matches with. A final doubled consonant is undoubled: Dutch doubles
    it after a short vowel (las, lassen, lasser; zwem, zwemmen), and Snowball undoubles only
    kk, dd and tt, so ``lassen`` -> ``lass`` would miss ``lastechniek``."""
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouy":
        return stem[:-1]
    return stem


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    offer_ids: list[int]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    offers: list[Any] = field(default_factory=list)
    #: False when ``total`` is an estimate from the sample (rounded to two digits).
    total_exact: bool = True
    #: False when the facet counts are estimates from the sample.
    counts_exact: bool = True

    @property
    def corrections(self) -> list[tuple[str, str]]:
        return [(t.corrected_from, t.word) for t in self.terms if t.corrected_from]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, MAX_RESULT_WINDOW) / self.query.page_size))


@dataclass
class EntryRow:
    """What the index stores of one offer (built by :mod:`.indexer`)."""

    offer_id: int
    opleider_id: int
    offer_type: str
    level: str
    leads_to: str
    provider_kind: str
    formal: bool
    online: bool
    price_cents: int
    next_start: dt.date | None
    region_bits: int
    mode_bits: int
    static_rank: int
    title: str  # normalised, not stemmed
    body: str  # normalised, not stemmed
    keys: list[int] = field(default_factory=list)
    gemeenten: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    occupations: list[str] = field(default_factory=list)
    starts: list[dt.date] = field(default_factory=list)


class QueryError(ValueError):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def validate(q: SearchQuery) -> None:
    """Refuse values outside the vocabularies, so a typo in a filter is an error, not an
    empty result."""
    checks: list[tuple[str, Sequence[str], Sequence[str]]] = [
        ("level", q.levels, [lv.value for lv in Level]),
        ("offerType", q.offer_types, OfferType.values),
        ("mode", q.modes, ModeOfDelivery.values),
        ("providerKind", q.provider_kinds, ProviderKind.values),
        ("leadsTo", q.leads_to, LeadsTo.values),
    ]
    for name, given, allowed in checks:
        for value in given:
            if value not in allowed:
                raise QueryError(name, f"'{value}' is not one of: {', '.join(allowed)}")
    for code in q.regions:
        if not (len(code) == 4 and code.startswith("AM") and code[2:].isdigit()):
            raise QueryError("region", f"'{code}' is not a region code like AM22")
    for code in q.gemeenten:
        if not (len(code) == 6 and code.startswith("GM") and code[2:].isdigit()):
            raise QueryError("gemeente", f"'{code}' is not a gemeente code like GM0599")
    if q.sort not in SORTS:
        raise QueryError("sort", f"'{q.sort}' is not one of: {', '.join(SORTS)}")
    if q.page < 1:
        raise QueryError("page", "pages start at 1")
    if not 1 <= q.page_size <= MAX_PAGE_SIZE:
        raise QueryError("pageSize", f"between 1 and {MAX_PAGE_SIZE}")
    if q.max_price_cents is not None and q.max_price_cents < 0:
        raise QueryError("maxPrice", "cannot be negative")
    # A page past the result window and a start window that ends before it begins are not
    # errors: they simply have no results.


def tag_value(value: str) -> str:
    """Skills and occupations are matched without regard to case or outer spaces."""
    return " ".join(value.replace("\x00", " ").split()).lower()[:200]
