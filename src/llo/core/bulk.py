# SPDX-License-Identifier: EUPL-1.2
"""Many rows in one statement per batch, for every app's ``store`` (issue 18): the allocator's
outcomes and applications, the ledger's bulk reservation.

* on PostgreSQL the rows travel as arrays and ``unnest`` turns them into a table
  (``INSERT ... SELECT * FROM unnest(...)``): one round trip and one plan per batch, no model
  instances, the values bound by the server (Django's own cursors quote every value into the
  SQL text, in Python, which for arrays of 10,000 elements costs more than the statement);
* on SQLite (the demo) ``executemany`` of one prepared statement.

Decides nothing: the caller says what to write. Moved here from
``llo.enrolment.store.intake`` when the ledger needed the same insert.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, connections, models

#: Rows per statement. Large enough that the round trips do not count (250,000 rows are 25
#: statements), small enough that one statement's arrays stay a few megabytes.
BATCH = 10_000


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bound_cursor() -> Any:
    """On PostgreSQL a cursor that sends the values apart from the statement (the server
    binds them), wrapped as Django wraps its cursors (errors, query logging). Elsewhere
    Django's cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    db: Any = connection
    db.ensure_connection()
    cursor_class: Any = ServerBindingCursor
    return db._prepare_cursor(cursor_class(db.connection))


def _columns(model: type[models.Model], given: Mapping[str, Any]) -> list[models.Field[Any, Any]]:
    """Every concrete column but an automatic primary key not given; a column the rows do not
    give must have a default (the model's, as Django would fill it in: "" for a blank text)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (
            f.primary_key
            and isinstance(f, models.AutoField | models.BigAutoField)
            and f.attname not in given
        )
    ]
    for f in fields:
        if f.attname not in given and f.get_default() is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.attname} needs a value")
    return fields


def allocate_ids(model: type[models.Model], count: int, using: str = "default") -> list[int]:
    """``count`` new primary keys for ``model``, taken before the rows are written so that
    child rows can point at them (and the caller knows which row got which key without
    trusting the order of ``RETURNING``). Run inside the transaction that writes the rows."""
    if count == 0:
        return []
    conn = connections[using]
    table = model._meta.db_table
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [int(r[0]) for r in cursor.fetchall()]
        # SQLite: the write lock is held (transaction_mode IMMEDIATE), so max + 1 is ours;
        # inserting explicit ids also moves sqlite_sequence (AUTOINCREMENT) along.
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        top = int(cursor.fetchone()[0])
        cursor.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        top = max(top, int(cursor.fetchone()[0]))
        return list(range(top + 1, top + 1 + count))


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (dicts by column attname; the primary key too when the caller took it
    with :func:`allocate_ids`) in batches, one statement each; columns missing from a row take the
    model field's default. The rows inserted."""
    if not rows:
        return 0
    fields = _columns(model, rows[0])
    defaults = {f.attname: f.get_default() for f in fields}  # "" for a blank text, as Django
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    done = 0
    postgres = connection.vendor == "postgresql"
    with bound_cursor() as cursor:
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


def analyze(*models_: type[models.Model]) -> None:
    """Fresh planner statistics for the tables of ``models_`` (with their many-to-many
    tables) on PostgreSQL, inside the caller's transaction: ANALYZE counts the rows this
    transaction wrote. For a loader that writes thousands of rows and then reads them in the
    same transaction: without statistics the planner takes a new table for nearly empty, and
    a join of 27,000 offerings with their offers once ran 100 s in the test suite (the demo
    load, `make test` on PostgreSQL). Nothing to do on SQLite (its planner needs no
    statistics for these reads)."""
    if connection.vendor != "postgresql":
        return
    tables: list[str] = []
    for model in models_:
        if model._meta.proxy or not model._meta.managed:
            continue
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.append(through._meta.db_table)
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
