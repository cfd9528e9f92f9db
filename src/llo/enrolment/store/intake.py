# SPDX-License-Identifier: EUPL-1.2
"""The allocator's reads and writes of a window's intake, set-based (issue 18).

The allocator decides a whole window at once in Python (:mod:`llo.enrolment.allocation`: a
greedy pass nobody can write as one SQL statement, since a later, smaller entry may still fit)
and writes the outcomes back in batches of :data:`BATCH` rows, each batch one statement:

* on PostgreSQL the rows travel as arrays and ``unnest`` turns them into a table
  (``UPDATE ... FROM unnest(...)``, ``INSERT ... SELECT * FROM unnest(...)``): one round trip
  and one plan per batch, no model instances, no ``CASE`` per row (Django's ``bulk_update``
  tries a branch per row for every row: quadratic in the batch);
* on SQLite (the demo) ``executemany`` of one prepared statement.

Decides nothing: the caller says what to write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection

from llo.core.bulk import BATCH, bound_cursor, chunks, insert_rows
from llo.enrolment.models import IntakeEntry

__all__ = ["BATCH", "Undecided", "chunks", "decided_count", "insert_rows", "set_outcomes"]


class Undecided(NamedTuple):
    """One entry without an outcome, as the allocator needs it (a tuple, not a model)."""

    id: int
    person_id: int
    offer_id: int
    offering_id: int
    preview_id: int
    amount_cents: int
    group_rank: int
    received_at: dt.datetime
    actor: str


def undecided(window_id: int, horizon: dt.datetime) -> list[Undecided]:
    """The window's entries without an outcome that arrived up to ``horizon``, in arrival
    order."""
    rows = (
        IntakeEntry.objects.filter(window_id=window_id, outcome="", received_at__lte=horizon)
        .order_by("id")
        .values_list(*Undecided._fields)
    )
    return [Undecided(*row) for row in rows.iterator(chunk_size=BATCH)]


def decided_count(window_id: int) -> int:
    return IntakeEntry.objects.filter(window_id=window_id).exclude(outcome="").count()


def set_outcomes(
    ids: Sequence[int], outcomes: Sequence[str], positions: Sequence[int], seqs: Sequence[int]
) -> int:
    """Write each entry's outcome, place and number in the window: one statement per batch;
    the rows written (only entries still without an outcome: a second writer changes
    nothing)."""
    table = IntakeEntry._meta.db_table
    written = 0
    with bound_cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            part = slice(start, start + BATCH)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS e SET outcome = v.outcome, position = v.position, "  # noqa: S608
                    "seq = v.seq "
                    "FROM unnest(%s::bigint[], %s::varchar[], %s::integer[], %s::integer[]) "
                    "AS v(id, outcome, position, seq) WHERE e.id = v.id AND e.outcome = ''",
                    [list(ids[part]), list(outcomes[part]), list(positions[part]),
                     list(seqs[part])],
                )  # fmt: skip
                written += cursor.rowcount
            else:
                cursor.executemany(
                    f"UPDATE {table} SET outcome = %s, position = %s, seq = %s "  # noqa: S608
                    "WHERE id = %s AND outcome = ''",
                    list(zip(outcomes[part], positions[part], seqs[part], ids[part], strict=True)),
                )
                written += cursor.rowcount
    return written
