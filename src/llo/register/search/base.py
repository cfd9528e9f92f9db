# SPDX-License-Identifier: EUPL-1.2
"""One search interface over the register, with a PostgreSQL and an SQLite implementation.

What a query means is decided here, once, so both databases give the same answer:

- **Text.** The query is normalised and stemmed by :mod:`.text` (Snowball Dutch). Each word
  must match (AND). A stem of three letters or more also matches longer stems that begin with
  it (``zorg`` finds ``zorgmedewerker``; ``lassen`` finds ``lasser`` and ``lastechniek``, see
  :func:`prefix_of`): Dutch writes compounds as one word. A word that matches nothing in the
  vocabulary is replaced by the nearest vocabulary word within one or two typos
  (``boekhoudng`` -> ``boekhouding``).
- **Relevance** is a small integer: +2 when every word matches the title, +1 when every word
  is a whole stem of the title (not only a prefix). Ties go to the precomputed static rank
  (:mod:`.rank`, never the kind of provider), then to the offer id. No ``ts_rank``/``bm25``,
  whose numbers differ per database and which would have to score every match.
- **Filters** on one value per offer are columns; places and modes of delivery are bit sets
  (bit n = arbeidsmarktregio AMnn), so a region filter is one ``&`` on both databases.
- **Facets** are disjunctive: the count of a value is the number of results you get when you
  choose that value for its dimension and keep all other filters. One pass of conditional
  counts (``count(*) FILTER (WHERE ...)``, SQLite 3.30+ and PostgreSQL) computes them all.
"""

from __future__ import annotations

import datetime as dt
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connections

from llo.core.identifiers import LEVEL_LABELS, Level
from llo.register.models import (
    LeadsTo,
    ModeOfDelivery,
    OfferType,
    ProviderKind,
)
from llo.register.search import text as textmod

MAX_TERMS = 10
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000

SORTS = ("relevance", "price", "-price", "start")
FACETS = ("level", "offerType", "mode", "providerKind", "leadsTo", "region")

MODE_BITS = {mode.value: 1 << i for i, mode in enumerate(ModeOfDelivery)}


def region_bit(code: str) -> int:
    """Bit of an arbeidsmarktregio code AMnn (CBS, 01-38 in 2025; room up to 62). A code
    outside that range has no bit, so it matches no place."""
    number = int(code[2:])
    return 1 << number if 0 < number < 63 else 0


def region_bits(codes: Iterable[str]) -> int:
    bits = 0
    for code in codes:
        bits |= region_bit(code)
    return bits


def mode_bits(modes: Iterable[str]) -> int:
    bits = 0
    for mode in modes:
        bits |= MODE_BITS.get(mode, 0)
    return bits


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
    #: False when there are more results than can be paged: ``total`` is then the
    #: maximum (MAX_RESULT_WINDOW) and means "at least". Facet searches always count exactly.
    total_exact: bool = True

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


Sql = tuple[str, list[Any]]


def _and(parts: Sequence[Sql]) -> Sql:
    if not parts:
        return "1 = 1", []
    sql = " AND ".join(f"({p[0]})" for p in parts)
    params: list[Any] = []
    for p in parts:
        params.extend(p[1])
    return sql, params


def _in(column: str, values: Sequence[Any]) -> Sql:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def tag_value(value: str) -> str:
    """Skills and occupations are matched without regard to case or outer spaces."""
    return " ".join(value.replace("\x00", " ").split()).lower()[:200]


class SearchBackend(ABC):
    """The shared engine; a subclass supplies the text parts for its database."""

    vendor = ""
    ENTRY = "register_searchentry"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def connection(self) -> Any:
        return connections[self.using]

    # --- text: implemented per database ---------------------------------------------------
    @abstractmethod
    def text_condition(self, terms: Sequence[Term], *, title_only: bool, exact: bool) -> Sql:
        """Implemented per database."""

    @abstractmethod
    def has_stem(self, stem: str, prefix: bool) -> bool:
        """Implemented per database."""

    @abstractmethod
    def term_candidates(self, word: str) -> list[tuple[str, int]]:
        """Implemented per database."""

    # --- index writes: implemented per database -------------------------------------------
    @abstractmethod
    def write_entries(self, rows: Sequence[EntryRow]) -> None:
        """Implemented per database."""

    @abstractmethod
    def delete_entries(self, offer_ids: Sequence[int]) -> None:
        """Implemented per database."""

    @abstractmethod
    def add_vocabulary(self, counts: dict[str, tuple[str, int]]) -> None:
        """Implemented per database."""

    @abstractmethod
    def clear(self) -> None:
        """Implemented per database."""

    # --- the query --------------------------------------------------------------------------
    def analyse(self, text: str) -> list[Term]:
        """The query words as terms, typos corrected against the vocabulary."""
        terms: list[Term] = []
        for word in dict.fromkeys(textmod.words(text)):
            if word in textmod.STOP_WORDS:
                continue
            stem = textmod.stem(word)
            prefix = len(stem) >= 3 and not any(c.isdigit() for c in stem)
            term = Term(word, stem, prefix)
            if prefix and not self.has_stem(prefix_of(stem), prefix=True):
                better = textmod.best_correction(word, self.term_candidates(word))
                if better:
                    term = Term(better, textmod.stem(better), True, corrected_from=word)
            terms.append(term)
            if len(terms) == MAX_TERMS:
                break
        return terms

    def _common(self, q: SearchQuery, terms: Sequence[Term]) -> list[Sql]:
        """Conditions that are not facets: text, price, dates, places, skills, provider."""
        parts: list[Sql] = []
        if terms:
            parts.append(self.text_condition(terms, title_only=False, exact=False))
        if q.max_price_cents is not None:
            parts.append(("e.price_cents <= %s", [q.max_price_cents]))
        if q.start_from or q.start_to:
            lo = q.start_from or dt.date(1900, 1, 1)
            hi = q.start_to or dt.date(9999, 12, 31)
            parts.append(
                (
                    "e.offer_id IN (SELECT s.entry_id FROM register_searchstart s "
                    "WHERE s.start_date >= %s AND s.start_date <= %s)",
                    [lo, hi],
                )
            )
        if q.gemeenten:
            sub, params = _in("t.value", list(q.gemeenten))
            sql = (
                "e.offer_id IN (SELECT t.entry_id FROM register_searchtag t "  # noqa: S608 - fixed fragments; values are parameters
                f"WHERE t.dim = 'gm' AND {sub})"
            )
            parts.append((f"{sql} OR e.online" if q.include_online else sql, params))
        for dim, values in (("sk", q.skills), ("oc", q.occupations)):
            if values:
                sub, params = _in("t.value", [tag_value(v) for v in values])
                parts.append(
                    (
                        "e.offer_id IN (SELECT t.entry_id FROM register_searchtag t "  # noqa: S608 - fixed fragments; values are parameters
                        f"WHERE t.dim = '{dim}' AND {sub})",
                        params,
                    )
                )
        if q.provider_ids:
            parts.append(_in("e.opleider_id", list(q.provider_ids)))
        return parts

    def _facet_filters(self, q: SearchQuery) -> dict[str, Sql]:
        """The active facet filters, by facet name."""
        active: dict[str, Sql] = {}
        if q.levels:
            active["level"] = _in("e.level", list(q.levels))
        if q.offer_types:
            active["offerType"] = _in("e.offer_type", list(q.offer_types))
        if q.provider_kinds:
            active["providerKind"] = _in("e.provider_kind", list(q.provider_kinds))
        if q.leads_to:
            active["leadsTo"] = _in("e.leads_to", list(q.leads_to))
        if q.modes:
            active["mode"] = (f"(e.mode_bits & {mode_bits(q.modes)}) <> 0", [])
        if q.regions:
            active["region"] = self._region_condition(region_bits(q.regions), q.include_online)
        return active

    @staticmethod
    def _region_condition(bits: int, include_online: bool) -> Sql:
        sql = f"(e.region_bits & {bits}) <> 0"
        return (f"{sql} OR e.online" if include_online else sql), []

    def _facet_values(self, q: SearchQuery) -> dict[str, list[tuple[str, str, Sql]]]:
        """Every facet value with its label and the condition that selects it."""
        values: dict[str, list[tuple[str, str, Sql]]] = {
            "level": [
                (lv.value, str(LEVEL_LABELS[lv]), ("e.level = %s", [lv.value])) for lv in Level
            ],
            "offerType": [
                (v, str(label), ("e.offer_type = %s", [v])) for v, label in OfferType.choices
            ],
            "mode": [
                (v, str(label), (f"(e.mode_bits & {MODE_BITS[v]}) <> 0", []))
                for v, label in ModeOfDelivery.choices
            ],
            "providerKind": [
                (v, str(label), ("e.provider_kind = %s", [v])) for v, label in ProviderKind.choices
            ],
            "leadsTo": [(v, str(label), ("e.leads_to = %s", [v])) for v, label in LeadsTo.choices],
            "region": [
                (code, name, self._region_condition(region_bit(code), q.include_online))
                for code, name in region_names().items()
            ],
        }
        return values

    def _order(self, q: SearchQuery, terms: Sequence[Term]) -> Sql:
        if q.sort == "price":
            return "e.price_cents ASC, e.offer_id ASC", []
        if q.sort == "-price":
            return "e.price_cents DESC, e.offer_id ASC", []
        if q.sort == "start":
            return "e.next_start ASC NULLS LAST, e.offer_id ASC", []
        if not terms:
            return "e.static_rank DESC, e.offer_id ASC", []
        title_sql, title_params = self.text_condition(terms, title_only=True, exact=False)
        exact_sql, exact_params = self.text_condition(terms, title_only=True, exact=True)
        score = (
            f"(CASE WHEN {title_sql} THEN 2 ELSE 0 END + CASE WHEN {exact_sql} THEN 1 ELSE 0 END)"
        )
        return f"{score} DESC, e.static_rank DESC, e.offer_id ASC", title_params + exact_params

    def search(self, q: SearchQuery) -> SearchResult:
        validate(q)
        terms = self.analyse(q.text)
        common = self._common(q, terms)
        active = self._facet_filters(q)
        with self.session(bool(terms)) as cursor:
            exact = True
            if q.facets:
                total, facets = self._run_facets(cursor, q, common, active)
            else:
                total, exact = self._count(cursor, [*common, *active.values()])
                facets = {}
            ids: list[int] = []
            if total and (q.page - 1) * q.page_size < MAX_RESULT_WINDOW:
                ids = self._page(cursor, q, terms, [*common, *active.values()], total, exact)
        return SearchResult(
            query=q, total=total, offer_ids=ids, facets=facets, terms=terms, total_exact=exact
        )

    def session(self, has_text: bool) -> Any:
        """The cursor the statements of one search run on (PostgreSQL sets planner options)."""
        return self.connection.cursor()

    def _count(self, cursor: Any, parts: list[Sql]) -> tuple[int, bool]:
        """The number of results, counted up to :data:`MAX_RESULT_WINDOW` (no more can be
        paged): a word in a third of all offers need not be counted to the last one."""
        where, params = _and(parts)
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {self.ENTRY} e WHERE {where} LIMIT %s) s",  # noqa: S608
            [*params, MAX_RESULT_WINDOW + 1],
        )
        n = int(cursor.fetchone()[0])
        return (n, True) if n <= MAX_RESULT_WINDOW else (MAX_RESULT_WINDOW, False)

    def _page(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        parts: list[Sql],
        total: int,
        total_exact: bool,
    ) -> list[int]:
        where, params = _and(parts)
        order, order_params = self._order(q, terms)
        cursor.execute(
            f"SELECT e.offer_id FROM {self.ENTRY} e WHERE {where} ORDER BY {order} "  # noqa: S608
            "LIMIT %s OFFSET %s",
            [*params, *order_params, q.page_size, (q.page - 1) * q.page_size],
        )
        return [int(row[0]) for row in cursor.fetchall()]

    def _run_facets(
        self, cursor: Any, q: SearchQuery, common: list[Sql], active: dict[str, Sql]
    ) -> tuple[int, dict[str, list[FacetValue]]]:
        selects: list[str] = []
        params: list[Any] = []
        all_sql, all_params = _and(list(active.values()))
        selects.append(f"count(*) FILTER (WHERE {all_sql})")
        params.extend(all_params)
        layout: list[tuple[str, str, str]] = []
        selected = {
            "level": q.levels,
            "offerType": q.offer_types,
            "mode": q.modes,
            "providerKind": q.provider_kinds,
            "leadsTo": q.leads_to,
            "region": q.regions,
        }
        for name, values in self._facet_values(q).items():
            others_sql, others_params = _and([sql for dim, sql in active.items() if dim != name])
            for value, label, (cond, cond_params) in values:
                selects.append(f"count(*) FILTER (WHERE ({cond}) AND {others_sql})")
                params.extend([*cond_params, *others_params])
                layout.append((name, value, label))
        # A row that fails two active facet filters counts nowhere: leave it out.
        if len(active) >= 2:
            names = list(active)
            options = [_and([active[d] for d in names if d != left_out]) for left_out in names]
            pruned: Sql = (
                " OR ".join(f"({sql})" for sql, _ in options),
                [p for _, ps in options for p in ps],
            )
            common = [*common, pruned]
        where, where_params = _and(common)
        cursor.execute(
            f"SELECT {', '.join(selects)} FROM {self.ENTRY} e WHERE {where}",  # noqa: S608 - fixed fragments; values are parameters
            [*params, *where_params],
        )
        row = cursor.fetchone()
        total = int(row[0] or 0)
        facets: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
        for (name, value, label), count in zip(layout, row[1:], strict=True):
            facets[name].append(FacetValue(value, label, int(count or 0), value in selected[name]))
        return total, facets


_REGION_NAMES: dict[str, str] = {}


def region_names() -> dict[str, str]:
    """The 35 arbeidsmarktregio's by code (reference data, read once per process)."""
    if not _REGION_NAMES:
        from llo.regions.models import Region

        _REGION_NAMES.update(dict(Region.objects.order_by("code").values_list("code", "name")))
    return dict(_REGION_NAMES)
