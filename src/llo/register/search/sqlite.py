# SPDX-License-Identifier: EUPL-1.2
"""SQLite: an FTS5 table of stems (stemmed in Python, SQLite has no Dutch stemmer) and a
trigram table of the vocabulary for typos (migration 0002).

FTS5 query syntax (https://sqlite.org/fts5.html, section 3): ``"lass"*`` is a prefix query,
``{title} : (...)`` limits a query to the title column, terms are joined with ``AND``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from llo.core.timeutil import now
from llo.register.search import text as textmod
from llo.register.search.base import SearchBackend, Sql, in_sample
from llo.register.search.query import EntryRow, Term

CHUNK = 500


def fts_query(terms: Sequence[Term], *, title_only: bool, exact: bool) -> str:
    parts = [f'"{t.head}"*' if t.prefix and not exact else f'"{t.stem}"' for t in terms]
    query = " AND ".join(parts)
    return f"{{title}} : ({query})" if title_only else query


def _chunks(items: Sequence[Any], size: int = CHUNK) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class SqliteSearch(SearchBackend):
    vendor = "sqlite"

    def text_condition(self, terms: Sequence[Term], *, title_only: bool, exact: bool) -> Sql:
        return (
            "e.offer_id IN (SELECT rowid FROM register_search_fts "
            "WHERE register_search_fts MATCH %s)",
            [fts_query(terms, title_only=title_only, exact=exact)],
        )

    def has_stem(self, stem: str, prefix: bool) -> bool:
        with self.connection.cursor() as cursor:
            if prefix:
                # Stems are [a-z0-9]: '{' sorts after all of them (binary collation).
                cursor.execute(
                    "SELECT 1 FROM register_searchterm WHERE stem >= %s AND stem < %s LIMIT 1",
                    [stem, stem + "{"],
                )
            else:
                cursor.execute("SELECT 1 FROM register_searchterm WHERE stem = %s LIMIT 1", [stem])
            return cursor.fetchone() is not None

    def term_candidates(self, word: str) -> list[tuple[str, int]]:
        # similarity >= t needs shared >= t * |union| >= t * |trigrams(word)|: every word that
        # can reach the threshold shares at least that many trigrams with the query word.
        grams = sorted(textmod.trigrams(word))
        least = max(1, math.floor(textmod.SIMILARITY_THRESHOLD * len(grams)))
        marks = ", ".join(["%s"] * len(grams))
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.word, t.df FROM register_searchtrigram g "  # noqa: S608 - fixed fragments; values are parameters
                "JOIN register_searchterm t ON t.id = g.term_id "
                f"WHERE g.trigram IN ({marks}) GROUP BY t.id HAVING count(*) >= %s",
                [*grams, least],
            )
            return [(w, int(df)) for w, df in cursor.fetchall()]

    def write_entries(self, rows: Sequence[EntryRow]) -> None:
        if not rows:
            return
        at = now().isoformat()
        with self.connection.cursor() as cursor:
            values = [
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
                    r.next_start.isoformat() if r.next_start else None,
                    r.region_bits,
                    r.mode_bits,
                    r.static_rank,
                    at,
                )
                for r in rows
            ]
            for table, table_rows in (
                (self.ENTRY, values),
                (self.SAMPLE, [v for v in values if in_sample(v[0])]),
            ):
                cursor.executemany(
                    f"INSERT INTO {table} (offer_id, opleider_id, offer_type, level, "  # noqa: S608
                    "leads_to, provider_kind, formal, online, price_cents, next_start, "
                    "region_bits, mode_bits, static_rank, indexed_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    table_rows,
                )
            cursor.executemany(
                "INSERT INTO register_search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [
                    (r.offer_id, textmod.index_text(r.title), textmod.index_text(r.body))
                    for r in rows
                ],
            )
            cursor.executemany(
                "INSERT INTO register_searchtag (entry_id, dim, value) VALUES (%s, %s, %s)",
                [
                    (r.offer_id, dim, value)
                    for r in rows
                    for dim, values in (
                        ("gm", r.gemeenten),
                        ("sk", r.skills),
                        ("oc", r.occupations),
                    )
                    for value in values
                ],
            )
            cursor.executemany(
                "INSERT INTO register_searchstart (entry_id, start_date) VALUES (%s, %s)",
                [(r.offer_id, s.isoformat()) for r in rows for s in r.starts],
            )

    def delete_entries(self, offer_ids: Sequence[int]) -> None:
        with self.connection.cursor() as cursor:
            for chunk in _chunks(list(offer_ids)):
                marks = ", ".join(["%s"] * len(chunk))
                for sql in (
                    f"DELETE FROM register_searchtag WHERE entry_id IN ({marks})",  # noqa: S608 - fixed fragments; values are parameters
                    f"DELETE FROM register_searchstart WHERE entry_id IN ({marks})",  # noqa: S608 - fixed fragments; values are parameters
                    f"DELETE FROM register_search_fts WHERE rowid IN ({marks})",  # noqa: S608 - fixed fragments; values are parameters
                    f"DELETE FROM register_searchentry WHERE offer_id IN ({marks})",  # noqa: S608 - fixed fragments; values are parameters
                    f"DELETE FROM {self.SAMPLE} WHERE offer_id IN ({marks})",  # noqa: S608 - fixed fragments; values are parameters
                ):
                    cursor.execute(sql, chunk)

    def add_vocabulary(self, counts: dict[str, tuple[str, int]]) -> None:
        if not counts:
            return
        words = list(counts)
        with self.connection.cursor() as cursor:
            known: set[str] = set()
            for chunk in _chunks(words):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT word FROM register_searchterm WHERE word IN ({marks})",  # noqa: S608
                    chunk,
                )
                known.update(w for (w,) in cursor.fetchall())
            cursor.executemany(
                "INSERT INTO register_searchterm (word, stem, df) VALUES (%s, %s, %s) "
                "ON CONFLICT (word) DO UPDATE SET df = df + excluded.df",
                [(w, counts[w][0], counts[w][1]) for w in words],
            )
            new = [w for w in words if w not in known]
            for chunk in _chunks(new):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT id, word FROM register_searchterm WHERE word IN ({marks})",  # noqa: S608
                    chunk,
                )
                cursor.executemany(
                    "INSERT INTO register_searchtrigram (trigram, term_id) VALUES (%s, %s)",
                    [(g, term_id) for term_id, w in cursor.fetchall() for g in textmod.trigrams(w)],
                )

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            for table in (
                "register_searchtag",
                "register_searchstart",
                "register_search_fts",
                "register_searchentry",
                self.SAMPLE,
                "register_searchtrigram",
                "register_searchterm",
            ):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
