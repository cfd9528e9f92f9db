# SPDX-License-Identifier: EUPL-1.2
"""The offers' occupations and skills as a table (``register_offerterm``, model
:class:`llo.register.models.OfferTerm`): one row per offer, dimension and code, written from
the lists stored on the offer itself, so the table can only say what the offer says
(docs/decisions/019-offer-terms-table.md).

:func:`replace` rewrites the rows of some offers from their stored lists, in the transaction
that wrote them (the register's use cases call it after saving an offer or an import);
:func:`rebuild` does so for every offer; :func:`drift` counts the rows in which the table and
the lists differ (tests, ``bench/gap`` and ``llo register_reindex`` check it is zero).

A code is listed once per offer and dimension however often the list repeats it; ``null``
elements name nothing and are left out. Decides nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

TABLE = "register_offerterm"

#: Every offer's lists as rows (offer_id, dimension, code), each row once; ``{where}`` filters
#: the offers (``o``).
_LISTED = {
    "postgresql": """
        SELECT o.id AS offer_id, c.dimension, c.code
        FROM register_offer o
        CROSS JOIN LATERAL (
            SELECT 'occupation', x FROM jsonb_array_elements_text(o.occupations) AS x
            UNION
            SELECT 'skill', x FROM jsonb_array_elements_text(o.skills) AS x
        ) AS c(dimension, code)
        WHERE c.code IS NOT NULL{where}
    """,
    "sqlite": """
        SELECT o.id AS offer_id, 'occupation' AS dimension, CAST(j.value AS TEXT) AS code
        FROM register_offer o, json_each(o.occupations) AS j
        WHERE j.value IS NOT NULL{where}
        UNION
        SELECT o.id, 'skill', CAST(j.value AS TEXT)
        FROM register_offer o, json_each(o.skills) AS j
        WHERE j.value IS NOT NULL{where}
    """,
}

#: ``offer_id`` (or ``o.id``) is one of the ids given as the single parameter.
_AMONG = {
    "postgresql": "{column} = ANY(%s)",
    "sqlite": "{column} IN (SELECT value FROM json_each(%s))",
}


def listed_sql(where: str = "") -> str:
    """The offers' lists as rows ``(offer_id, dimension, code)``: what the table must hold.
    ``where`` is a condition on the offer ``o`` (added with AND)."""
    return _LISTED[connection.vendor].format(where=f" AND {where}" if where else "")


def _ids(offer_ids: Sequence[int]) -> list[int] | str:
    ids = [int(i) for i in offer_ids]
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def replace(offer_ids: Sequence[int]) -> None:
    """The rows of these offers out, then the rows their stored lists name in. Call it after
    writing the offers, in the same transaction."""
    if not offer_ids:
        return
    vendor = connection.vendor
    ids = _ids(sorted(set(offer_ids)))
    among_rows = _AMONG[vendor].format(column="offer_id")
    among_offers = _AMONG[vendor].format(column="o.id")
    insert = f"INSERT INTO {TABLE} (offer_id, dimension, code) {listed_sql(among_offers)}"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {among_rows}", [ids])  # noqa: S608
        cursor.execute(insert, [ids] * (2 if vendor == "sqlite" else 1))


def rebuild() -> int:
    """Every row again, from every offer's lists (the migration's backfill, a repair);
    returns the number of rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {TABLE}")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - fixed name
        cursor.execute(f"INSERT INTO {TABLE} (offer_id, dimension, code) {listed_sql()}")
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 - fixed name
        return int(cursor.fetchone()[0])


@dataclass(frozen=True)
class Drift:
    """Where the table and the offers' lists differ: ``missing`` rows a list names that the
    table lacks, ``extra`` rows the table holds that no list names (also of offers that are
    gone), and up to ten offers concerned."""

    missing: int
    extra: int
    offers: tuple[int, ...]

    @property
    def none(self) -> bool:
        return self.missing == 0 and self.extra == 0


def drift() -> Drift:
    """Compare the whole table with every offer's lists."""
    # Each side a subquery of its own: SQLite reads "a UNION b EXCEPT c" from left to right.
    listed = f"SELECT offer_id, dimension, code FROM ({listed_sql()}) AS l"  # noqa: S608
    stored = f"SELECT offer_id, dimension, code FROM {TABLE}"  # noqa: S608 - fixed name
    counts: list[int] = []
    offers: set[int] = set()
    with connection.cursor() as cursor:
        for one, other in ((listed, stored), (stored, listed)):
            difference = f"SELECT offer_id FROM ({one} EXCEPT {other}) AS d"  # noqa: S608
            cursor.execute(f"SELECT COUNT(*) FROM ({difference}) AS n")  # noqa: S608
            counts.append(int(cursor.fetchone()[0]))
            cursor.execute(f"{difference} ORDER BY offer_id LIMIT 10")
            offers.update(int(r[0]) for r in cursor.fetchall())
    return Drift(counts[0], counts[1], tuple(sorted(offers)[:10]))
