# SPDX-License-Identifier: EUPL-1.2
"""The persons of a deposit, looked up by id or by keyed BSN hash, many at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from llo.people.models import Person

PEOPLE = Person._meta.db_table


def known(ids: Iterable[int], hashes: Iterable[str]) -> tuple[set[int], dict[str, int]]:
    """(the ``ids`` of persons that exist, keyed BSN hash → person id for ``hashes``)."""
    id_list, hash_list = sorted(ids), sorted(hashes)
    known_ids: set[int] = set()
    by_hash: dict[str, int] = {}
    if connection.vendor == "postgresql":
        # One query each with an array parameter: a million persons in about a second.
        with connection.cursor() as cursor:
            if id_list:
                cursor.execute(f"SELECT id FROM {PEOPLE} WHERE id = ANY(%s)", [id_list])  # noqa: S608
                known_ids.update(row[0] for row in cursor.fetchall())
            if hash_list:
                cursor.execute(
                    f"SELECT bsn_hash, id FROM {PEOPLE} WHERE bsn_hash = ANY(%s)",  # noqa: S608
                    [hash_list],
                )
                by_hash.update(cursor.fetchall())
        return known_ids, by_hash
    size = max(100, min(10_000, (connection.features.max_query_params or 999) - 10))
    for start in range(0, len(id_list), size):
        known_ids.update(
            Person.objects.filter(pk__in=id_list[start : start + size]).values_list("pk", flat=True)
        )
    for start in range(0, len(hash_list), size):
        by_hash.update(
            Person.objects.filter(bsn_hash__in=hash_list[start : start + size]).values_list(
                "bsn_hash", "pk"
            )
        )
    return known_ids, by_hash
