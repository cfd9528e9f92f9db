# SPDX-License-Identifier: EUPL-1.2
"""SQL for the regional portfolio (llo.regions.supply): offers, seats and starts per region and
occupation or skill, in one pass over the register; and a region's offers, page by page.

The live offer is a published offer of an admitted provider. An offer counts in every region
where it has a place (a gemeente of the region), and once more in the online row (region
``''``) when it can be followed online. Seats and starts come from the offerings that start in
a year (cancelled ones left out); an offering without a number of places is counted as a start
without seats, so an unknown capacity never looks like zero. Decides nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from llo.register.store import offer_terms

#: PostgreSQL, this statement only. Without statistics of rows written in the same transaction
#: (``llo loaddemo``, a test) the planner joins the per-offer aggregates in nested loops,
#: rescanning them for every offer: 109 s instead of 0.4 s for 5,000 offers, half an hour for
#: the demo's 20,000. The aggregation always reads whole tables, so hash and merge joins are
#: right. The per-offer pivot of the offerings needs 128 MB of work_mem for 500,000 offers
#: (below that it spills to disk). No JIT: over the JSON lists it compiled for seconds (3.3 s
#: for a 1.4 s query on 20,000 offers); over the offer-term table it gains nothing (measured
#: at 500,000). No parallel workers: in the one formulation PostgreSQL would parallelise, each
#: worker aggregated every offering again (11.7 s CPU against 7.5 s on two cores), and a
#: worker's CPU escapes the bench's count (docs/decisions/019-offer-terms-table.md).
PLANNER = (
    "SET LOCAL jit = off; SET LOCAL work_mem = '128MB'; SET LOCAL enable_nestloop = off; "
    "SET LOCAL max_parallel_workers_per_gather = 0"
)

#: The live offers: published, of an admitted provider.
LIVE = """
    SELECT o.id, o.online
    FROM register_offer o JOIN register_opleider p ON p.id = o.opleider_id
    WHERE o.state = 'published' AND p.status = 'admitted'
"""

#: The codes an offer leads to, as rows (offer_id, dimension, code): the offer-term table.
FROM_TABLE = f"SELECT offer_id, dimension, code FROM {offer_terms.TABLE}"  # noqa: S608 - fixed name


def figures_sql(years: Sequence[int], codes: str = FROM_TABLE) -> str:
    """One aggregation, the same on both databases: per (region or online, dimension, code)
    the number of offers and, for each year, the seats, starts and starts without a number of
    places. Dimension ``all`` (code ``''``) counts every offer once: the totals of a region.

    Each live offer's offerings are folded into one row first (a pivot over the years), its
    places into one row per region (and the online row); then every offer is spread over its
    codes and its regions and summed. ``codes`` gives the rows (offer_id, dimension, code): the
    offer-term table, or (to compare, in tests and bench/gap) the offers' JSON lists
    (:func:`llo.register.store.offer_terms.listed_sql`). Two parameters: the first day of the first
    year and the first day after the last."""
    cut = {y: f"'{y}-01-01'" for y in [*years, years[-1] + 1]}
    per_year = ", ".join(
        f"CAST(SUM(COALESCE(capacity, 0)) FILTER (WHERE {w}) AS integer) AS seats_{y}, "
        f"CAST(COUNT(*) FILTER (WHERE {w}) AS integer) AS starts_{y}, "
        f"CAST(COUNT(*) FILTER (WHERE {w} AND capacity IS NULL) AS integer) AS blind_{y}"
        for y, w in ((y, f"start_date >= {cut[y]} AND start_date < {cut[y + 1]}") for y in years)
    )
    totals = ", ".join(f"SUM(r.seats_{y}), SUM(r.starts_{y}), SUM(r.blind_{y})" for y in years)
    return f"""
        WITH live AS ({LIVE}),
        places AS (
            SELECT DISTINCT og.offer_id, g.region_id AS region
            FROM register_offer_gemeenten og
            JOIN regions_gemeente g ON g.code = og.gemeente_id
            JOIN live o ON o.id = og.offer_id
            UNION ALL
            SELECT o.id, '' FROM live o WHERE o.online
        ),
        runs AS (
            SELECT offer_id, {per_year}
            FROM register_offering
            WHERE state <> 'cancelled' AND start_date >= %s AND start_date < %s
            GROUP BY offer_id
        ),
        codes AS (
            SELECT c.offer_id, c.dimension, c.code FROM ({codes}) AS c
            UNION ALL
            SELECT o.id, 'all', '' FROM live o
        )
        SELECT p.region, c.dimension, c.code, COUNT(*) AS offers, {totals}
        FROM codes c
        JOIN places p ON p.offer_id = c.offer_id
        LEFT JOIN runs r ON r.offer_id = c.offer_id
        GROUP BY p.region, c.dimension, c.code
    """  # noqa: S608 - only our own SQL and integer years are formatted in


def figures(years: Sequence[int], codes: str = FROM_TABLE) -> Iterator[tuple[Any, ...]]:
    """Rows ``(region, dim, code, offers, seats_y, starts_y, blind_y, ...)`` per year."""
    first = dt.date(min(years), 1, 1)
    last = dt.date(max(years) + 1, 1, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PLANNER)
        cursor.execute(figures_sql(years, codes), [first, last])
        while rows := cursor.fetchmany(5000):
            yield from rows


def _filters(
    occupation: str, skill: str, provider_kind: str, online: bool | None
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for dimension, code in (("occupation", occupation), ("skill", skill)):
        if not code:
            continue
        # The offers of one code, through the offer-term table's index (dimension, code).
        where.append(
            f"o.id IN (SELECT t.offer_id FROM {offer_terms.TABLE} t "  # noqa: S608 - fixed name
            "WHERE t.dimension = %s AND t.code = %s)"
        )
        params += [dimension, code]
    if provider_kind:
        where.append("p.kind = %s")
        params.append(provider_kind)
    if online is not None:
        where.append("o.online = %s")
        params.append(online)
    return "".join(f" AND {w}" for w in where), params


def portfolio_ids(
    region: str,
    *,
    occupation: str = "",
    skill: str = "",
    provider_kind: str = "",
    online: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[int]]:
    """The number of offers in a region's portfolio and the ids of one page: offers with a
    place in the region first, then the online ones; each by title."""
    extra, params = _filters(occupation, skill, provider_kind, online)
    base = f"""
        FROM register_offer o JOIN register_opleider p ON p.id = o.opleider_id
        WHERE o.state = 'published' AND p.status = 'admitted'
          AND (EXISTS (SELECT 1 FROM register_offer_gemeenten og
                       JOIN regions_gemeente g ON g.code = og.gemeente_id
                       WHERE og.offer_id = o.id AND g.region_id = %s)
               OR o.online){extra}
    """  # noqa: S608 - fixed SQL; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", [region, *params])
        total = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT o.id {base} ORDER BY o.online, o.title, o.id LIMIT %s OFFSET %s",
            [region, *params, limit, offset],
        )
        return total, [int(r[0]) for r in cursor.fetchall()]
