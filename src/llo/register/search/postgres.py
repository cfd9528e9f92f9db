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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from llo.register.search.base import EntryRow, SearchBackend, SearchQuery, Sql, Term, _and
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
            if has_text:
                cursor.execute("SET LOCAL random_page_cost = 1.1")
            yield cursor

    #: With this many results or fewer a tier is read from the GIN index and sorted; above it
    #: the top of the rank index is probed first.
    SMALL = 20_000
    #: How many rows of the rank index a probe reads at most.
    PROBE = 20_000

    def _page(
        self,
        cursor: Any,
        q: SearchQuery,
        terms: Sequence[Term],
        parts: list[Sql],
        total: int,
        total_exact: bool,
    ) -> list[int]:
        """Rank-bounded top-k: relevance has three tiers (every word a whole stem of the title;
        every word in the title; elsewhere), each ordered by the precomputed static rank, so
        no query scores every match. Same order as the shared :meth:`SearchBackend._order`.

        A tier is read one of two ways. From the top of the rank index (a *probe* of at most
        PROBE rows): fast for a common word, whose best matches lie near the top. Or from the
        GIN index, sorting its matches: fast for a rare word. The planner cannot tell which
        (its estimate for "this word and these filters" was off by a factor of 100 on the
        benchmark, and the matches of a word may all sit low in the rank), so the total, known
        before the page is read, decides: small totals read the GIN index; large ones probe
        first and read the GIN index only when the probe does not fill the page."""
        if q.sort != "relevance" or not terms:
            return super()._page(cursor, q, terms, parts, total, total_exact)
        where, params = _and(parts)
        exact, prefix = tsquery(terms, exact=True), tsquery(terms, exact=False)
        tiers: list[Sql] = [
            ("e.title_doc @@ %s::tsquery", [exact]),
            ("e.title_doc @@ %s::tsquery AND NOT e.title_doc @@ %s::tsquery", [prefix, exact]),
            ("NOT e.title_doc @@ %s::tsquery", [prefix]),
        ]
        skip = (q.page - 1) * q.page_size
        ids: list[int] = []
        left: int | None = total if total_exact else None  # results in the tiers still to go
        for condition, condition_params in tiers:
            if left == 0:
                break
            want = skip + q.page_size - len(ids)
            select = (
                "SELECT e.offer_id FROM {source} e WHERE "  # noqa: S608
                + where
                + f" AND ({condition}) ORDER BY e.static_rank DESC, e.offer_id ASC LIMIT %s"
            )
            values = [*params, *condition_params, want]
            rows: list[int] = []
            probed = False
            if left is None or left > self.SMALL:
                source = (
                    f"(SELECT * FROM {self.ENTRY} ORDER BY static_rank DESC, offer_id ASC "  # noqa: S608
                    f"LIMIT {self.PROBE})"
                )
                cursor.execute(select.replace("{source}", source), values)
                rows = [int(r[0]) for r in cursor.fetchall()]
                probed = len(rows) == want
            if not probed:
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute(select.replace("{source}", self.ENTRY), values)
                rows = [int(r[0]) for r in cursor.fetchall()]
                cursor.execute("SET LOCAL enable_indexscan = on")
                if left is not None and len(rows) < want:
                    left -= len(rows)
            if skip >= len(rows):
                skip -= len(rows)
                continue
            ids.extend(rows[skip:])
            skip = 0
            if len(ids) >= q.page_size:
                break
        return ids[: q.page_size]

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
                "static_rank smallint, indexed_at timestamptz, title text, body text"
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
            for table in ("register_searchtag", "register_searchstart"):
                cursor.execute(f"DELETE FROM {table} WHERE entry_id = ANY(%s)", [ids])  # noqa: S608
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
                "register_searchterm"
            )
