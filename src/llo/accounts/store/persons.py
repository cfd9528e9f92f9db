# SPDX-License-Identifier: EUPL-1.2
"""The persons of a deposit in the funder's reach, looked up by id or by keyed BSN hash, many
at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from llo.people.models import Person

PEOPLE = Person._meta.db_table


def reached(
    reach: QuerySet[Person], ids: Iterable[int], hashes: Iterable[str]
) -> tuple[set[int], dict[str, int]]:
    """(the ``ids`` of persons in ``reach``, keyed BSN hash → person id for the ``hashes`` of
    persons in ``reach``). An unknown person and one outside the reach take the same path: one
    query that finds only persons in the reach (issue 14, item 2)."""
    id_list, hash_list = sorted(ids), sorted(hashes)
    reached_ids: set[int] = set()
    by_hash: dict[str, int] = {}
    if connection.vendor == "postgresql":
        # One query each with an array parameter: a million persons in about a second.
        inner, inner_params = reach.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            if id_list:
                cursor.execute(
                    f"SELECT id FROM {PEOPLE} WHERE id = ANY(%s) AND id IN ({inner})",  # noqa: S608
                    [id_list, *inner_params],
                )
                reached_ids.update(row[0] for row in cursor.fetchall())
            if hash_list:
                cursor.execute(
                    f"SELECT bsn_hash, id FROM {PEOPLE} "  # noqa: S608
                    f"WHERE bsn_hash = ANY(%s) AND id IN ({inner})",
                    [hash_list, *inner_params],
                )
                by_hash.update(cursor.fetchall())
        return reached_ids, by_hash
    size = max(100, min(10_000, (connection.features.max_query_params or 999) - 10))
    for start in range(0, len(id_list), size):
        reached_ids.update(
            reach.filter(pk__in=id_list[start : start + size]).values_list("pk", flat=True)
        )
    for start in range(0, len(hash_list), size):
        by_hash.update(
            reach.filter(bsn_hash__in=hash_list[start : start + size]).values_list("bsn_hash", "pk")
        )
    return reached_ids, by_hash


def reach_sql(reach: QuerySet[Person]) -> tuple[str, tuple[object, ...]]:
    """The ids of the persons in ``reach`` as SQL and its parameters, for a check inside
    another statement (the fast path of a large deposit)."""
    sql, params = reach.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)
