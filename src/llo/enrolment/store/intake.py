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
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from django.db import connection, models

from llo.enrolment.models import IntakeEntry

#: Rows per statement. Large enough that the round trips do not count (250,000 entries are
#: 25 statements), small enough that one statement's arrays stay a few megabytes.
BATCH = 10_000


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


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bound_cursor() -> Any:
    """On PostgreSQL a cursor that sends the values apart from the statement (the server
    binds them): Django's own cursors quote every value into the SQL text, in Python, which
    for arrays of 10,000 elements costs more than the statement. Wrapped as Django wraps its
    cursors (errors, query logging). Elsewhere Django's cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    db: Any = connection
    db.ensure_connection()
    cursor_class: Any = ServerBindingCursor
    return db._prepare_cursor(cursor_class(db.connection))


def set_outcomes(ids: Sequence[int], outcomes: Sequence[str], positions: Sequence[int]) -> int:
    """Write each entry's outcome and place in the window: one statement per batch; the rows
    written (only entries still without an outcome: a second writer changes nothing)."""
    table = IntakeEntry._meta.db_table
    written = 0
    with _bound_cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            part = slice(start, start + BATCH)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS e SET outcome = v.outcome, position = v.position "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::varchar[], %s::integer[]) "
                    "AS v(id, outcome, position) WHERE e.id = v.id AND e.outcome = ''",
                    [list(ids[part]), list(outcomes[part]), list(positions[part])],
                )
                written += cursor.rowcount
            else:
                cursor.executemany(
                    f"UPDATE {table} SET outcome = %s, position = %s "  # noqa: S608
                    "WHERE id = %s AND outcome = ''",
                    list(zip(outcomes[part], positions[part], ids[part], strict=True)),
                )
                written += cursor.rowcount
    return written


def _columns(model: type[models.Model], given: Mapping[str, Any]) -> list[models.Field[Any, Any]]:
    """Every concrete column but an automatic primary key; a column the rows do not give
    must have a default (the model's, as Django would fill it in: "" for a blank text)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    for f in fields:
        if f.attname not in given and f.get_default() is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.attname} needs a value")
    return fields


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (dicts by column attname) in batches, one statement each; columns
    missing from a row take the model field's default. The rows inserted."""
    if not rows:
        return 0
    fields = _columns(model, rows[0])
    defaults = {f.attname: f.get_default() for f in fields}  # "" for a blank text, as Django
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    done = 0
    postgres = connection.vendor == "postgresql"
    with _bound_cursor() as cursor:
        for part in chunks(rows):
            columns = [
                _column(f, [r.get(f.attname, defaults[f.attname]) for r in part], postgres)
                for f in fields
            ]
            if postgres:
                types = ", ".join(f"%s::{_array_type(f)}[]" for f in fields)
                cursor.execute(
                    f"INSERT INTO {table} ({names}) SELECT * FROM unnest({types})",  # noqa: S608
                    columns,
                )
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    list(zip(*columns, strict=True)),
                )
            done += len(part)
    return done


def _column(field: models.Field[Any, Any], values: list[Any], postgres: bool) -> list[Any]:
    """One column's values as the database takes them. psycopg adapts plain Python values
    itself (dates, datetimes with their zone, numbers, text); asking each field to prepare
    each value costs about 15 microseconds a value, most of an insert. A JSON column is
    written as its text and cast."""
    if isinstance(field, models.JSONField):
        return [None if v is None else json.dumps(v) for v in values]
    if postgres:
        return values
    return [field.get_db_prep_value(v, connection) for v in values]


def _array_type(field: models.Field[Any, Any]) -> str:
    """The element type of a column's array: its database type without a length or check."""
    db_type = field.db_type(connection)  # a foreign key: its target's type
    assert db_type is not None
    return db_type.split("(")[0].split(" CHECK")[0].strip()
