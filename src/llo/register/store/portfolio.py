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

#: The offer's JSON list of codes as rows, per database.
_CODES = {
    "postgresql": "CROSS JOIN LATERAL jsonb_array_elements_text(o.{field}) AS c(code)",
    "sqlite": "CROSS JOIN json_each(o.{field}) AS c",
}
_CODE_VALUE = {"postgresql": "c.code", "sqlite": "c.value"}
_YEAR = {
    "postgresql": "CAST(EXTRACT(YEAR FROM r.start_date) AS integer)",
    "sqlite": "CAST(strftime('%%Y', r.start_date) AS integer)",
}

#: PostgreSQL guesses 100 rows for every jsonb_array_elements_text call, so it thinks the
#: aggregation is a hundred times larger than it is and spends seconds JIT-compiling it
#: (measured: 3.3 s of JIT for a 1.4 s query on 20,000 offers); and the per-offer pivot of
#: the offerings spills to disk below 128 MB work_mem (500,000 offers). Without statistics of
#: rows written in the same transaction (``llo loaddemo``, a test) it joins the per-offer
#: aggregates in nested loops, rescanning them for every offer: 109 s instead of 0.4 s for
#: 5,000 offers, half an hour for the demo's 20,000. The aggregation always reads whole
#: tables, so hash and merge joins are right; only the per-offer unnesting of codes and
#: regions stays a nested loop (it has no other form). This statement only.
PLANNER = "SET LOCAL jit = off; SET LOCAL work_mem = '128MB'; SET LOCAL enable_nestloop = off"

LIVE = """
    SELECT o.id, o.online, o.occupations, o.skills
    FROM register_offer o JOIN register_opleider p ON p.id = o.opleider_id
    WHERE o.state = 'published' AND p.status = 'admitted'
"""


def figures_sql(years: Sequence[int]) -> str:
    """One aggregation: per (region or online, dimension, code) the number of offers and, for
    each year, the seats, starts and starts without a number of places. Dimension ``all``
    (code ``''``) counts every offer once: the totals of a region. Runs on SQLite (and on
    PostgreSQL, where :func:`figures_sql_postgres` gives the same rows faster)."""
    vendor = connection.vendor
    codes = " UNION ALL ".join(
        f"SELECT o.id AS offer_id, '{dim}' AS dim, {_CODE_VALUE[vendor]} AS code "  # noqa: S608
        f"FROM live o {_CODES[vendor].format(field=field)}"
        for dim, field in (("occupation", "occupations"), ("skill", "skills"))
    )
    # Dimension "all": every offer once, for the totals of a region.
    codes += " UNION ALL SELECT o.id AS offer_id, 'all' AS dim, '' AS code FROM live o"
    per_year = ", ".join(
        f"SUM(CASE WHEN y.year = {y} THEN y.seats END) AS seats_{y}, "
        f"SUM(CASE WHEN y.year = {y} THEN y.starts END) AS starts_{y}, "
        f"SUM(CASE WHEN y.year = {y} THEN y.blind END) AS blind_{y}"
        for y in years
    )
    totals = ", ".join(f"SUM(r.seats_{y}), SUM(r.starts_{y}), SUM(r.blind_{y})" for y in years)
    return f"""
        WITH live AS ({LIVE}),
        codes AS ({codes}),
        places AS (
            SELECT DISTINCT og.offer_id, g.region_id AS region
            FROM register_offer_gemeenten og
            JOIN regions_gemeente g ON g.code = og.gemeente_id
            JOIN live o ON o.id = og.offer_id
            UNION ALL
            SELECT o.id, '' FROM live o WHERE o.online
        ),
        runs AS (
            SELECT y.offer_id, {per_year}
            FROM (
                SELECT r.offer_id, {_YEAR[vendor]} AS year,
                       SUM(COALESCE(r.capacity, 0)) AS seats, COUNT(*) AS starts,
                       SUM(CASE WHEN r.capacity IS NULL THEN 1 ELSE 0 END) AS blind
                FROM register_offering r
                WHERE r.state <> 'cancelled' AND r.start_date >= %s AND r.start_date < %s
                GROUP BY r.offer_id, {_YEAR[vendor]}
            ) AS y
            GROUP BY y.offer_id
        )
        SELECT p.region, c.dim, c.code, COUNT(*) AS offers, {totals}
        FROM codes c
        JOIN places p ON p.offer_id = c.offer_id
        LEFT JOIN runs r ON r.offer_id = c.offer_id
        GROUP BY p.region, c.dim, c.code
    """  # noqa: S608 - only our own column names and integer years are formatted in


def figures_sql_postgres(years: Sequence[int]) -> str:
    """PostgreSQL: the same figures as :func:`figures_sql`, each offer's offerings and places
    folded into one row first (a pivot over the years, an array of regions), then every offer
    spread over its codes and its regions (and the online row), and one hash aggregation over
    that: bench/gap measured it at 1.5-2 times faster than the join of every code with every
    place and offering."""
    cut = {y: f"DATE '{y}-01-01'" for y in [*years, years[-1] + 1]}
    runs = ", ".join(
        f"SUM(COALESCE(capacity, 0)) FILTER (WHERE start_date >= {cut[y]} "
        f"AND start_date < {cut[y + 1]}) AS seats_{y}, "
        f"COUNT(*) FILTER (WHERE start_date >= {cut[y]} AND start_date < {cut[y + 1]}) "
        f"AS starts_{y}, "
        f"COUNT(*) FILTER (WHERE start_date >= {cut[y]} AND start_date < {cut[y + 1]} "
        f"AND capacity IS NULL) AS blind_{y}"
        for y in years
    )
    totals = ", ".join(f"SUM(r.seats_{y}), SUM(r.starts_{y}), SUM(r.blind_{y})" for y in years)
    return f"""
        WITH runs AS (
            SELECT offer_id, {runs}
            FROM register_offering
            WHERE state <> 'cancelled' AND start_date >= %s AND start_date < %s
            GROUP BY offer_id
        ),
        places AS (
            SELECT og.offer_id, array_agg(DISTINCT g.region_id::text) AS regions
            FROM register_offer_gemeenten og JOIN regions_gemeente g ON g.code = og.gemeente_id
            GROUP BY og.offer_id
        )
        SELECT w.region, c.dim, c.code, COUNT(*) AS offers, {totals}
        FROM register_offer o
        JOIN register_opleider p ON p.id = o.opleider_id
        LEFT JOIN places pl ON pl.offer_id = o.id
        LEFT JOIN runs r ON r.offer_id = o.id
        CROSS JOIN LATERAL (
            SELECT 'occupation'::text, x FROM jsonb_array_elements_text(o.occupations) AS x
            UNION ALL SELECT 'skill'::text, x FROM jsonb_array_elements_text(o.skills) AS x
            UNION ALL SELECT 'all'::text, ''::text
        ) AS c(dim, code)
        CROSS JOIN LATERAL unnest(
            CASE WHEN o.online THEN array_append(COALESCE(pl.regions, '{{}}'), '')
                 ELSE COALESCE(pl.regions, '{{}}') END
        ) AS w(region)
        WHERE o.state = 'published' AND p.status = 'admitted'
        GROUP BY w.region, c.dim, c.code
    """  # noqa: S608 - only integer years are formatted in


def figures(years: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    """Rows ``(region, dim, code, offers, seats_y, starts_y, blind_y, ...)`` per year."""
    first = dt.date(min(years), 1, 1)
    last = dt.date(max(years) + 1, 1, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PLANNER)
            cursor.execute(figures_sql_postgres(years), [first, last])
        else:
            cursor.execute(figures_sql(years), [first, last])
        while rows := cursor.fetchmany(5000):
            yield from rows


def _filters(
    vendor: str, occupation: str, skill: str, provider_kind: str, online: bool | None
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for field, code in (("occupations", occupation), ("skills", skill)):
        if not code:
            continue
        if vendor == "postgresql":
            where.append(f"o.{field} @> %s::jsonb")
            params.append(f'["{code}"]')
        else:
            where.append(f"EXISTS (SELECT 1 FROM json_each(o.{field}) WHERE value = %s)")  # noqa: S608
            params.append(code)
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
    vendor = connection.vendor
    extra, params = _filters(vendor, occupation, skill, provider_kind, online)
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
