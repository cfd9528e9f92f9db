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
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections

from llo.core.identifiers import LEVEL_LABELS, Level
from llo.register.models import LeadsTo, ModeOfDelivery, OfferType, ProviderKind
from llo.register.search import text as textmod
from llo.register.search.keys import (
    KEY_BASE,
    KEY_VALUES,
    MODE_BITS,
    PRICE_CEILINGS,
    PRICE_KEY,
    RANK_FLOORS,
    RANK_KEY,
    REGION_KEY,
    START_KEY,
    facet_key,
    facet_keys,
    mode_bits,
    month_key,
    price_key,
    region_bit,
    region_bits,
)
from llo.register.search.query import (
    FACETS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    MAX_TERMS,
    SORTS,
    EntryRow,
    FacetValue,
    QueryError,
    SearchQuery,
    SearchResult,
    Term,
    prefix_of,
    tag_value,
    validate,
)

#: The names above that moved to :mod:`.keys` and :mod:`.query`, importable from here too.
__all__ = [
    "FACETS",
    "KEY_BASE",
    "KEY_VALUES",
    "MAX_PAGE_SIZE",
    "MAX_RESULT_WINDOW",
    "MAX_TERMS",
    "MODE_BITS",
    "PRICE_CEILINGS",
    "PRICE_KEY",
    "RANK_FLOORS",
    "RANK_KEY",
    "REGION_KEY",
    "SAMPLE_BUCKETS",
    "SAMPLE_CUT",
    "SORTS",
    "START_KEY",
    "EntryRow",
    "Estimate",
    "FacetValue",
    "QueryError",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
    "Sql",
    "Term",
    "about",
    "facet_key",
    "facet_keys",
    "in_sample",
    "mode_bits",
    "month_key",
    "prefix_of",
    "price_key",
    "region_bit",
    "region_bits",
    "region_names",
    "sample_bucket",
    "tag_value",
    "validate",
]

#: The sample: offers whose :func:`sample_bucket` (0-1023) is below SAMPLE_CUT, 1/32 of all.
SAMPLE_BUCKETS = 1024
SAMPLE_CUT = 32
#: Count exactly when the rows that exact counts would read number at most this (as
#: estimated from the sample); above it, give the sample's counts scaled up. Measured on
#: 500,000 offers: docs/decisions/003-search-counts.md.
EXACT_UP_TO = 3_000


def sample_bucket(offer_id: int) -> int:
    """A fixed pseudo-random bucket 0-1023 of an offer (Knuth's multiplicative hash): the
    sample is the same on every run and unrelated to what an offer is or who offers it."""
    return ((offer_id * 2654435761) % 2**32) >> 22


def in_sample(offer_id: int) -> bool:
    return sample_bucket(offer_id) < SAMPLE_CUT


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


class _Conditions:
    """The conditions of one count statement. Inline (``shared`` false), each count repeats
    its conditions and their parameters. Shared, each distinct condition becomes one boolean
    column ``cN`` of a subquery and the counts only combine columns: the database evaluates
    "these keys", "this word in the title" once per row instead of once per count (about
    130 counts on a filtered search), and the client sends each parameter once."""

    def __init__(self, *, shared: bool) -> None:
        self.shared = shared
        self.select_params: list[Any] = []
        self._named: dict[str, tuple[str, Sql]] = {}

    def all(self, conditions: Sequence[Sql]) -> str:
        """All of ``conditions``, as SQL for a FILTER clause (parameters collected)."""
        if not conditions:
            return "1 = 1"
        parts = []
        for sql, params in conditions:
            if not self.shared:
                parts.append(f"({sql})")
                self.select_params.extend(params)
                continue
            key = f"{sql}\x00{params!r}"
            if key not in self._named:
                self._named[key] = (f"c{len(self._named)}", (sql, params))
            parts.append(self._named[key][0])
        return " AND ".join(parts)

    def columns(self) -> Sql:
        """The shared conditions as select expressions ``(sql) AS cN``."""
        params: list[Any] = []
        exprs = []
        for name, (sql, cond_params) in self._named.values():
            exprs.append(f"({sql}) AS {name}")
            params.extend(cond_params)
        return ", ".join(exprs), params


class SearchBackend(ABC):
    """The shared engine; a subclass supplies the text parts for its database."""

    vendor = ""
    ENTRY = "register_searchentry"
    SAMPLE = "register_searchsample"
    #: Compute each condition of a count statement once per row (see :class:`_Conditions`).
    SHARE_CONDITIONS = False

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
        parts.extend(self._index_hints(q))
        if q.max_price_cents is not None:
            parts.append(self._price_condition(q, terms))
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

    def _index_hints(self, q: SearchQuery) -> list[Sql]:
        """Conditions implied by the others that a database can match in its index."""
        return []

    def _price_condition(self, q: SearchQuery, terms: Sequence[Term]) -> Sql:
        """At most ``q.max_price_cents``."""
        return "e.price_cents <= %s", [q.max_price_cents]

    def _facet_filters(self, q: SearchQuery) -> dict[str, Sql]:
        """The active facet filters, by facet name."""
        return self._column_filters(q)

    def _column_filters(self, q: SearchQuery) -> dict[str, Sql]:
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
        score, params = self._score(terms)
        return f"{score} DESC, e.static_rank DESC, e.offer_id ASC", params

    def _score(self, terms: Sequence[Term]) -> Sql:
        """Relevance: +2 when every word is in the title, +1 when every word is a whole stem
        of the title."""
        title_sql, title_params = self.text_condition(terms, title_only=True, exact=False)
        exact_sql, exact_params = self.text_condition(terms, title_only=True, exact=True)
        return (
            f"(CASE WHEN {title_sql} THEN 2 ELSE 0 END + CASE WHEN {exact_sql} THEN 1 ELSE 0 END)",
            title_params + exact_params,
        )

    def search(self, q: SearchQuery) -> SearchResult:
        """Count, then read the page. Counting starts on the sample (1/32 of the index, its
        own table): when the scaled-up count of the rows the exact counts would have to read
        is at most :data:`EXACT_UP_TO`, everything is counted exactly over the whole index;
        above it the counts are the sample's, scaled up and rounded (``total_exact`` and
        ``counts_exact`` false). The page itself is always exact."""
        validate(q)
        terms = self.analyse(q.text)
        common = self._common(q, terms)
        active = self._facet_filters(q)
        skip = (q.page - 1) * q.page_size
        with self.session(bool(terms)) as cursor:
            est = self._estimate(cursor, q, terms, common, active)
            if est.rows * est.scale <= EXACT_UP_TO:
                total, facets, ids = self._exact(cursor, q, terms, common, active)
                total_exact = counts_exact = True
            else:
                total = about(est.total * est.scale)
                facets = est.scaled_facets()
                ids, total_exact, counts_exact = None, False, False
            if ids is None:
                ids = []
                if (total or not total_exact) and skip < MAX_RESULT_WINDOW:
                    ids = self._page(cursor, q, terms, common, active, est)
        if not total_exact and len(ids) < q.page_size and (ids or q.page == 1):
            # The page ran out: every result has been seen, so the total is known.
            total, total_exact = skip + len(ids), True
        elif not total_exact:
            # A sample can miss a rare kind of result: never fewer than the page shows.
            total = max(total, skip + len(ids))
        return SearchResult(
            query=q,
            total=total,
            offer_ids=ids,
            facets=facets,
            terms=terms,
            total_exact=total_exact,
            counts_exact=counts_exact,
        )

    def session(self, has_text: bool) -> Any:
        """The cursor the statements of one search run on (PostgreSQL sets planner options)."""
        return self.connection.cursor()

    def _tier_conditions(self, q: SearchQuery, terms: Sequence[Term]) -> list[Sql]:
        """Relevance tiers 3 and 2 (every word a whole stem of the title; every word in the
        title), when the page is ordered by relevance."""
        if q.sort != "relevance" or not terms:
            return []
        return [
            self.text_condition(terms, title_only=True, exact=True),
            self.text_condition(terms, title_only=True, exact=False),
        ]

    def _counts_statement(
        self,
        table: str,
        q: SearchQuery,
        terms: Sequence[Term],
        common: list[Sql],
        active: dict[str, Sql],
        *,
        extra: Sequence[tuple[str, list[Any]]] = (),
    ) -> tuple[str, list[Any], list[tuple[str, str, str]]]:
        """One pass of conditional counts over ``table``: the rows read, the results, the
        results per relevance tier, every facet value, then ``extra`` select expressions.

        Facets are disjunctive: a value's count keeps every filter but its own dimension's.
        A row that fails two active facet filters counts nowhere: it is left out."""
        conds = _Conditions(shared=self.SHARE_CONDITIONS)
        every = list(active.values())
        selects: list[str] = ["count(*)", f"count(*) FILTER (WHERE {conds.all(every)})"]
        tiers = self._tier_conditions(q, terms)
        for tier in tiers:
            selects.append(f"count(*) FILTER (WHERE {conds.all([tier, *every])})")
        if tiers and table == self.SAMPLE:
            # Where in the static rank each tier's results lie (for the page, see _page).
            for tier_or_all in [*tiers, None]:
                for floor in RANK_FLOORS:
                    above: Sql = (f"e.static_rank >= {floor}", [])
                    both = [above] if tier_or_all is None else [tier_or_all, above]
                    selects.append(f"count(*) FILTER (WHERE {conds.all([*both, *every])})")
        layout: list[tuple[str, str, str]] = []
        if q.facets:
            for name, values in self._facet_values(q).items():
                others = [sql for dim, sql in active.items() if dim != name]
                for value, label, cond in values:
                    selects.append(f"count(*) FILTER (WHERE {conds.all([cond, *others])})")
                    layout.append((name, value, label))
            if len(active) >= 2:
                common = [*common, self._all_but_one(active)]
        else:
            common = [*common, *active.values()]
        params = conds.select_params
        for sql, extra_params in extra:
            selects.append(sql)
            params.extend(extra_params)
        where, where_params = _and(common)
        columns, column_params = conds.columns()
        if not columns:  # inline, or no condition to share
            sql = f"SELECT {', '.join(selects)} FROM {table} e WHERE {where}"  # noqa: S608 - fixed fragments; values are parameters
            return sql, [*params, *where_params], layout
        # Each distinct condition once per row, in a subquery that OFFSET 0 keeps the planner
        # from pulling up (which would copy the expressions back into every count).
        sql = (
            f"SELECT {', '.join(selects)} FROM (SELECT e.*, {columns} "  # noqa: S608 - fixed fragments; values are parameters
            f"FROM {table} e WHERE {where} OFFSET 0) e"
        )
        return sql, [*params, *column_params, *where_params], layout

    def _all_but_one(self, active: dict[str, Sql]) -> Sql:
        """Rows that pass every active facet filter but at most one: the only rows a
        disjunctive facet count can use."""
        names = list(active)
        options = [_and([active[d] for d in names if d != left_out]) for left_out in names]
        return (
            " OR ".join(f"({sql})" for sql, _ in options),
            [p for _, ps in options for p in ps],
        )

    def _facets_from(
        self, q: SearchQuery, layout: list[tuple[str, str, str]], counts: Sequence[Any]
    ) -> dict[str, list[tuple[str, str, int, bool]]]:
        selected = {
            "level": q.levels,
            "offerType": q.offer_types,
            "mode": q.modes,
            "providerKind": q.provider_kinds,
            "leadsTo": q.leads_to,
            "region": q.regions,
        }
        out: dict[str, list[tuple[str, str, int, bool]]] = {name: [] for name in FACETS}
        for (name, value, label), count in zip(layout, counts, strict=True):
            out[name].append((value, label, int(count or 0), value in selected[name]))
        return out if q.facets else {}

    def _estimate(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        common: list[Sql],
        active: dict[str, Sql],
    ) -> Estimate:
        """The same counts over the sample."""
        sql, params, layout = self._counts_statement(self.SAMPLE, q, terms, common, active)
        cursor.execute(sql, params)
        row = cursor.fetchone()
        tiers = len(self._tier_conditions(q, terms))
        rows, total = int(row[0] or 0), int(row[1] or 0)
        by_tier = [int(n or 0) for n in row[2 : 2 + tiers]]
        at = 2 + tiers
        floors: list[tuple[int, ...]] = []
        if tiers:
            for _ in range(tiers + 1):
                floors.append(tuple(int(n or 0) for n in row[at : at + len(RANK_FLOORS)]))
                at += len(RANK_FLOORS)
        return Estimate(
            rows=rows,
            total=total,
            tiers=tuple(by_tier),
            facets=self._facets_from(q, layout, row[at:]),
            scale=SAMPLE_BUCKETS / SAMPLE_CUT,
            floors=tuple(floors),
        )

    def _exact(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        common: list[Sql],
        active: dict[str, Sql],
    ) -> tuple[int, dict[str, list[FacetValue]], list[int] | None]:
        """Exact total and facet counts over the whole index; a backend may also return the
        page (``None``: read it with :meth:`_page`)."""
        sql, params, layout = self._counts_statement(self.ENTRY, q, terms, common, active)
        cursor.execute(sql, params)
        row = cursor.fetchone()
        tiers = len(self._tier_conditions(q, terms))
        facets = {
            name: [FacetValue(*v) for v in values]
            for name, values in self._facets_from(q, layout, row[2 + tiers :]).items()
        }
        return int(row[1] or 0), facets, None

    def _page(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        common: list[Sql],
        active: dict[str, Sql],
        est: Estimate,
    ) -> list[int]:
        where, params = _and([*common, *active.values()])
        order, order_params = self._order(q, terms)
        cursor.execute(
            f"SELECT e.offer_id FROM {self.ENTRY} e WHERE {where} ORDER BY {order} "  # noqa: S608
            "LIMIT %s OFFSET %s",
            [*params, *order_params, q.page_size, (q.page - 1) * q.page_size],
        )
        return [int(row[0]) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Estimate:
    """Counts over the sample: the rows exact counting would read, the results, the results
    in relevance tiers 3 and 2 (see :meth:`SearchBackend._tier_conditions`), each facet
    value's ``(value, label, count, selected)``, and the factor that scales them up."""

    rows: int
    total: int
    tiers: tuple[int, ...]
    facets: dict[str, list[tuple[str, str, int, bool]]]
    scale: float
    #: Per tier condition of ``tiers`` and then for all results: the results with a static
    #: rank at or above each of RANK_FLOORS.
    floors: tuple[tuple[int, ...], ...] = ()

    def scaled_facets(self) -> dict[str, list[FacetValue]]:
        return {
            name: [FacetValue(v, label, about(n * self.scale), sel) for v, label, n, sel in values]
            for name, values in self.facets.items()
        }


def about(n: float) -> int:
    """An estimate rounded to two significant digits: 12345.6 -> 12000, 96 -> 96."""
    whole = round(n)
    if whole < 100:
        return whole
    digits = len(str(whole)) - 2
    return int(round(whole, -digits))


_REGION_NAMES: dict[str, str] = {}


def region_names() -> dict[str, str]:
    """The 35 arbeidsmarktregio's by code (reference data, read once per process)."""
    if not _REGION_NAMES:
        from llo.regions.models import Region

        _REGION_NAMES.update(dict(Region.objects.order_by("code").values_list("code", "name")))
    return dict(_REGION_NAMES)
