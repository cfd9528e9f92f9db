# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: tsvectors built with the ``llo_dutch`` configuration (``dutch`` with
``unaccent``), a GIN index, and pg_trgm for typos (migration 0002).

The ``document`` holds all words without positions (``strip``: 30 % smaller rows, and the
search needs no phrases); "every word in the title" is asked of a separate ``title_doc``
tsvector, since a weight-restricted query (``'fat':A``) would make the GIN index recheck every
row it finds. Relevance ordering is a rank-bounded top-k
(:meth:`PostgresSearch._page`). Writes go through COPY
into a temporary table and one ``INSERT ... SELECT`` that computes the tsvectors in the
database: importing 100,000 offers is then a few seconds of index work.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from llo.register.search.base import Estimate, SearchBackend, Sql, _and, in_sample
from llo.register.search.keys import (
    RANK_FLOORS,
    RANK_KEY,
    REGION_KEY,
    facet_key,
    month_key,
    price_key,
)
from llo.register.search.query import MAX_RESULT_WINDOW, EntryRow, FacetValue, SearchQuery, Term
from llo.register.search.text import SIMILARITY_THRESHOLD

ENTRY_COLUMNS = (
    "offer_id",
    "opleider_id",
    "offer_type",
    "level",
    "leads_to",
    "provider_kind",
    "formal",
    "online",
    "price_cents",
    "next_start",
    "region_bits",
    "mode_bits",
    "static_rank",
    "indexed_at",
    "keys",
)


def tsquery(terms: Sequence[Term], *, exact: bool) -> str:
    """``'las':* & 'zorg':*``. Stems are ``[a-z0-9]+`` (normalised), so no quoting issue."""
    parts = []
    for t in terms:
        star = t.prefix and not exact
        parts.append(f"'{t.head}':*" if star else f"'{t.stem}'")
    return " & ".join(parts)


class PostgresSearch(SearchBackend):
    vendor = "postgresql"
    #: The counts share their conditions: on the benchmark a filtered search evaluated
    #: about 130 array overlaps and title matches per row read (decision 003).
    SHARE_CONDITIONS = True

    def text_condition(self, terms: Sequence[Term], *, title_only: bool, exact: bool) -> Sql:
        # The title has its own tsvector: a weight-restricted query ('zorg':*A) would make the
        # GIN index recheck every matching row against the whole document.
        column = "e.title_doc" if title_only else "e.document"
        return f"{column} @@ %s::tsquery", [tsquery(terms, exact=exact)]

    @contextmanager
    def session(self, has_text: bool) -> Iterator[Any]:
        """Planner settings for this search only (SET LOCAL, so in a transaction).

        The search tables are read from memory: PostgreSQL's default random_page_cost (4,
        for spinning disks) makes it scan the whole table instead of using the GIN index for
        a common word. JIT compilation of the facet aggregate costs more than it saves at
        this size (PostgreSQL docs, "When to JIT?")."""
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            # A search's statements take milliseconds: starting parallel workers for one of
            # them costs more than it saves, and takes the cores other requests are using
            # (measured in decision 003).
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            if has_text:
                cursor.execute("SET LOCAL random_page_cost = 1.1")
            yield cursor

    def _index_hints(self, q: SearchQuery) -> list[Sql]:
        """A maximum price and a start window narrowed in the GIN index (by price ceiling and
        by month); the exact conditions follow."""
        hints: list[Sql] = []
        if q.max_price_cents is not None and (key := price_key(q.max_price_cents)) is not None:
            hints.append(("e.keys && %s::integer[]", [[key]]))
        if q.start_from and q.start_to and q.start_from <= q.start_to:
            months: list[int] = []
            day = q.start_from.replace(day=1)
            while day <= q.start_to and len(months) <= 24:
                months.append(month_key(day))
                day = (day + dt.timedelta(days=32)).replace(day=1)
            if len(months) <= 24:
                hints.append(("e.keys && %s::integer[]", [months]))
        return hints

    def _price_condition(self, q: SearchQuery, terms: Sequence[Term]) -> Sql:
        """With words and ordered by relevance, the price is checked on the rows the GIN
        index finds (narrowed by the price ceiling's key, :meth:`_index_hints`), never
        through the price index: written plainly, the planner ANDed the GIN bitmap with a
        scan of every offer under the price (220,000 on the benchmark, ~20 ms) to save
        reading a few thousand rows (decision 003). Sorted by price, that index gives the
        order, so the condition stays plain there."""
        if terms and q.sort == "relevance" and price_key(q.max_price_cents or 0) is not None:
            return "e.price_cents + 0 <= %s", [q.max_price_cents]
        return super()._price_condition(q, terms)

    def _facet_filters(self, q: SearchQuery) -> dict[str, Sql]:
        """The active facet filters as ``keys && ARRAY[...]``: the GIN indexes hold the keys
        beside the words, so "these words, this level, in this region" is answered inside the
        index instead of by reading every row with the words (migration 0003)."""
        active: dict[str, Sql] = {}
        for dim, values in (
            ("level", q.levels),
            ("offerType", q.offer_types),
            ("providerKind", q.provider_kinds),
            ("leadsTo", q.leads_to),
            ("mode", q.modes),
            ("region", q.regions),
        ):
            if values:
                keys = sorted({facet_key(dim, v) for v in values})
                if dim == "region" and q.include_online:
                    keys.insert(0, REGION_KEY)
                active[dim] = ("e.keys && %s::integer[]", [keys])
        return active

    def _all_but_one(self, active: dict[str, Sql]) -> Sql:
        """With two facet filters, "one or the other" is one overlap with both key lists:
        a condition the GIN index answers beside the words. Written as an OR of two overlaps,
        the planner read every row with the words and filtered them (140 ms for a search
        with no result on the benchmark)."""
        keys = "e.keys && %s::integer[]"
        if len(active) == 2 and all(sql == keys for sql, _ in active.values()):
            union = sorted({k for _, (values,) in active.values() for k in values})
            return keys, [union]
        return super()._all_but_one(active)

    def _exact(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        common: list[Sql],
        active: dict[str, Sql],
    ) -> tuple[int, dict[str, list[FacetValue]], list[int] | None]:
        """The exact counts and the page in one pass over the results: the rows are few
        (at most about EXACT_UP_TO), so sorting them all costs less than reading them twice."""
        skip = (q.page - 1) * q.page_size
        all_sql, all_params = _and(list(active.values()))
        order, order_params = self._order(q, terms)
        page = (
            f"(array_agg(e.offer_id ORDER BY {order}) FILTER (WHERE {all_sql}))[%s:%s]",
            [*order_params, *all_params, skip + 1, skip + q.page_size],
        )
        sql, params, layout = self._counts_statement(
            self.ENTRY, q, terms, common, active, extra=[page]
        )
        cursor.execute(sql, params)
        row = cursor.fetchone()
        tiers = len(self._tier_conditions(q, terms))
        facets = {
            name: [FacetValue(*v) for v in values]
            for name, values in self._facets_from(q, layout, row[2 + tiers : -1]).items()
        }
        ids = [int(i) for i in row[-1] or []] if skip < MAX_RESULT_WINDOW else []
        return int(row[1] or 0), facets, ids

    def _page(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        common: list[Sql],
        active: dict[str, Sql],
        est: Estimate,
    ) -> list[int]:
        """Rank-bounded top-k for a search with many results: relevance has three tiers
        (every word a whole stem of the title; every word in the title; elsewhere), each
        ordered by the precomputed static rank, so no query scores every match. Same order as
        the shared :meth:`SearchBackend._order`.

        A tier is read one of three ways: from the rank index (a *probe*, as deep as the
        sample expects the tier's page to lie; from the top, or from the rank band where the
        page lies, the few results above that band read whole from the GIN index), fast for
        a dense tier; from the GIN
        index above a static-rank floor (``keys``), for a less dense one; or whole from the
        GIN index, sorted, for a sparse one. The planner cannot tell which (its estimate for
        "this word and these filters" was off by a factor of 100 on the benchmark); the
        sample can, since it counted each tier's results above each floor. Each way gives the
        exact page; only the cost differs. Tiers 1 and 2 are read through the title's GIN
        index alone: a word in the title is in the document too."""
        if q.sort != "relevance" or not terms:
            return super()._page(cursor, q, terms, common, active, est)
        filters = [*common[1:], *active.values()]  # common[0] is the text condition
        exact, prefix = tsquery(terms, exact=True), tsquery(terms, exact=False)
        in_title = ("e.title_doc @@ %s::tsquery", [prefix])
        whole_in_title = ("e.title_doc @@ %s::tsquery", [exact])
        words = ("e.document @@ %s::tsquery", [prefix])
        not_ = lambda c: (f"NOT {c[0]}", c[1])  # noqa: E731
        # Each tier alone; and the tiers from this one on, for one pass over the GIN index.
        tiers: list[tuple[Sql, list[Sql]]] = [
            (whole_in_title, [words]),
            (_and([in_title, not_(whole_in_title)]), [words, not_(whole_in_title)]),
            (_and([words, not_(in_title)]), [words, not_(in_title)]),
        ]
        # The sample's results per tier with a static rank at or above each floor.
        whole, title, every = est.floors or ((0,) * len(RANK_FLOORS),) * 3
        by_floor = [
            whole,
            tuple(a - b for a, b in zip(title, whole, strict=True)),
            tuple(a - b for a, b in zip(every, title, strict=True)),
        ]

        def floor_for(number: int, want: int) -> int | None:
            """The highest rank floor above which the sample expects twice ``want`` results
            of the tier: reading only those is enough when the expectation holds."""
            for floor, n in zip(RANK_FLOORS, by_floor[number], strict=True):
                if n * est.scale >= 2 * want:
                    return floor
            return None

        tops = self._sample_tops(cursor)

        def band_probe(number: int, want: int) -> tuple[int | None, int] | None:
            """Where to probe the rank index for the tier's first ``want`` results: below
            which rank (None: from the top) and how many rows deep; None when the sample
            expects them too deep. Static ranks come in lumps (a few sums of fixed parts,
            llo.register.search.rank), so the band where the page lies is often large and
            dense while the bands above it hold a handful of results: those few are read
            whole from the GIN index above the band, and the band from the rank index."""
            found = by_floor[number]
            for i in range(len(RANK_FLOORS)):
                if found[i] * est.scale < 2 * want:
                    continue
                above_found = found[i - 1] if i else 0
                above_rows = tops[i - 1] if i else 0
                in_band, band_rows = found[i] - above_found, tops[i] - above_rows
                if in_band <= 0 or band_rows <= 0:
                    return None
                upper = RANK_FLOORS[i - 1] if i else None
                depth = int(want * band_rows / in_band)
                return (upper, depth) if depth <= self.PROBE_EXPECTED else None
            return None

        def above(floor: int, alone: Sql, want: int) -> list[int]:
            """The tier's first ``want`` results with a static rank at or above ``floor``,
            from the GIN index with the floor's key (the rank index off)."""
            cursor.execute("SET LOCAL enable_indexscan = off")
            floor_key = ("e.keys && %s::integer[]", [[RANK_KEY + floor]])
            where, params = _and([*filters, alone, floor_key])
            cursor.execute(
                f"SELECT e.offer_id FROM {self.ENTRY} e WHERE {where} "  # noqa: S608
                "ORDER BY e.static_rank DESC, e.offer_id ASC LIMIT %s",
                [*params, want],
            )
            return [int(r[0]) for r in cursor.fetchall()]

        order, order_params = self._order(q, terms)
        skip = (q.page - 1) * q.page_size
        ids: list[int] = []
        for number, (alone, from_here) in enumerate(tiers):
            want = skip + q.page_size - len(ids)
            rows: list[int] | None = None
            probe = band_probe(number, want)
            if probe is not None:
                upper, depth = probe
                rows = []
                if upper is not None:
                    # The few results above the band, whole, from the GIN index.
                    rows = above(upper, alone, want)
                if len(rows) < want:
                    # The band (and what follows it) in rank order, from the rank index.
                    cursor.execute("SET LOCAL enable_indexscan = on")
                    where, params = _and([*filters, alone])
                    below = "WHERE static_rank < %s " if upper is not None else ""
                    cursor.execute(
                        f"SELECT e.offer_id FROM (SELECT * FROM {self.ENTRY} {below}"  # noqa: S608
                        "ORDER BY static_rank DESC, offer_id ASC LIMIT %s) e "
                        f"WHERE {where} ORDER BY e.static_rank DESC, e.offer_id ASC LIMIT %s",
                        [
                            *([upper] if upper is not None else []),
                            4 * depth + 100,
                            *params,
                            want - len(rows),
                        ],
                    )
                    rows += [int(r[0]) for r in cursor.fetchall()]
                if len(rows) < want:
                    rows = None  # the sample misled: read the tier another way
            floor = floor_for(number, want) if rows is None else None
            cursor.execute("SET LOCAL enable_indexscan = off")
            if rows is None and floor is not None:
                # The tier's best results, from the GIN index with the rank floor's key: exact
                # when there are enough of them, since every result below the floor ranks after.
                rows = above(floor, alone, want)
                if len(rows) < want:
                    rows = None  # fewer than the sample promised: read the whole tier
            last = all(floor_for(later, want) is None for later in range(number + 1, len(tiers)))
            if rows is None:
                # A sparse tier from the GIN index; when the tiers after it are sparse too,
                # all of them in one pass, sorted by relevance.
                where, params = _and([*filters, *(from_here if last else [alone])])
                cursor.execute(
                    f"SELECT e.offer_id FROM {self.ENTRY} e WHERE {where} "  # noqa: S608
                    f"ORDER BY {order} LIMIT %s",
                    [*params, *order_params, want],
                )
                rows = [int(r[0]) for r in cursor.fetchall()]
                if last:
                    ids.extend(rows[skip:])
                    break
            if skip >= len(rows):
                skip -= len(rows)
                continue
            ids.extend(rows[skip:])
            skip = 0
            if len(ids) >= q.page_size:
                break
        return ids[: q.page_size]

    #: Probe the top of the rank index when the sample expects a tier's page within this
    #: many rows (reading up to four times as many).
    PROBE_EXPECTED = 2_000
    _tops: tuple[float, tuple[int, ...]] = (0.0, ())

    def _sample_tops(self, cursor: Any) -> tuple[int, ...]:
        """Sample rows with a static rank at or above each of RANK_FLOORS, cached for a
        minute."""
        at, counts = PostgresSearch._tops
        if time.monotonic() - at > 60 or len(counts) != len(RANK_FLOORS):
            cursor.execute(
                "SELECT "  # noqa: S608 - fixed fragments
                + ", ".join(f"count(*) FILTER (WHERE static_rank >= {f})" for f in RANK_FLOORS)
                + f" FROM {self.SAMPLE}"
            )
            counts = tuple(int(n) for n in cursor.fetchone())
            PostgresSearch._tops = (time.monotonic(), counts)
        return counts

    def has_stem(self, stem: str, prefix: bool) -> bool:
        with self.connection.cursor() as cursor:
            if prefix:
                cursor.execute(
                    "SELECT 1 FROM register_searchterm WHERE stem LIKE %s LIMIT 1", [stem + "%"]
                )
            else:
                cursor.execute("SELECT 1 FROM register_searchterm WHERE stem = %s LIMIT 1", [stem])
            return cursor.fetchone() is not None

    def term_candidates(self, word: str) -> list[tuple[str, int]]:
        # A little below the shared threshold: pg_trgm computes in float4, the final choice
        # (text.best_correction) applies the exact threshold in Python on both databases.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
                [str(SIMILARITY_THRESHOLD - 0.05)],
            )
            cursor.execute("SELECT word, df FROM register_searchterm WHERE word %% %s", [word])
            return [(w, int(df)) for w, df in cursor.fetchall()]

    def write_entries(self, rows: Sequence[EntryRow]) -> None:
        if not rows:
            return
        from llo.core.timeutil import now

        at = now()
        # The staging table lives until the end of the transaction (ON COMMIT DROP).
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            raw: Any = cursor.cursor
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS llo_search_load ("
                "offer_id bigint, opleider_id bigint, offer_type text, level text, "
                "leads_to text, provider_kind text, formal boolean, online boolean, "
                "price_cents bigint, next_start date, region_bits bigint, mode_bits integer, "
                "static_rank smallint, indexed_at timestamptz, keys integer[], "
                "title text, body text"
                ") ON COMMIT DROP"
            )
            with raw.copy(
                "COPY llo_search_load (" + ", ".join(ENTRY_COLUMNS) + ", title, body) FROM STDIN"
            ) as copy:
                for r in rows:
                    copy.write_row(
                        (
                            r.offer_id,
                            r.opleider_id,
                            r.offer_type,
                            r.level,
                            r.leads_to,
                            r.provider_kind,
                            r.formal,
                            r.online,
                            r.price_cents,
                            r.next_start,
                            r.region_bits,
                            r.mode_bits,
                            r.static_rank,
                            at,
                            r.keys,
                            r.title,
                            r.body,
                        )
                    )
            cols = ", ".join(ENTRY_COLUMNS)
            cursor.execute(
                f"INSERT INTO register_searchentry ({cols}, title_doc, document) "  # noqa: S608
                f"SELECT {cols}, to_tsvector('llo_dutch', title), "
                "strip(to_tsvector('llo_dutch', title || ' ' || body)) FROM llo_search_load"
            )
            sampled = [r.offer_id for r in rows if in_sample(r.offer_id)]
            if sampled:
                cursor.execute(
                    f"INSERT INTO {self.SAMPLE} ({cols}, title_doc, document) "  # noqa: S608
                    f"SELECT {cols}, title_doc, document FROM register_searchentry "
                    "WHERE offer_id = ANY(%s)",
                    [sampled],
                )
            cursor.execute("TRUNCATE llo_search_load")
            with raw.copy("COPY register_searchtag (entry_id, dim, value) FROM STDIN") as copy:
                for r in rows:
                    for dim, values in (
                        ("gm", r.gemeenten),
                        ("sk", r.skills),
                        ("oc", r.occupations),
                    ):
                        for value in values:
                            copy.write_row((r.offer_id, dim, value))
            with raw.copy("COPY register_searchstart (entry_id, start_date) FROM STDIN") as copy:
                for r in rows:
                    for start in r.starts:
                        copy.write_row((r.offer_id, start))

    def delete_entries(self, offer_ids: Sequence[int]) -> None:
        if not offer_ids:
            return
        ids = list(offer_ids)
        with self.connection.cursor() as cursor:
            for table in ("register_searchtag", "register_searchstart", self.SAMPLE):
                key = "offer_id" if table == self.SAMPLE else "entry_id"
                cursor.execute(f"DELETE FROM {table} WHERE {key} = ANY(%s)", [ids])  # noqa: S608
            cursor.execute("DELETE FROM register_searchentry WHERE offer_id = ANY(%s)", [ids])

    def add_vocabulary(self, counts: dict[str, tuple[str, int]]) -> None:
        if not counts:
            return
        words = list(counts)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO register_searchterm (word, stem, df) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::int[]) "
                "ON CONFLICT (word) DO UPDATE SET df = register_searchterm.df + EXCLUDED.df",
                [words, [counts[w][0] for w in words], [counts[w][1] for w in words]],
            )

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED; TRUNCATE refuses to run
            # while checks are pending in this transaction, so run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "TRUNCATE register_searchtag, register_searchstart, register_searchentry, "
                "register_searchsample, register_searchterm"
            )
