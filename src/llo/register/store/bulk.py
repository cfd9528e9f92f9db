# SPDX-License-Identifier: EUPL-1.2
"""Fast bulk inserts and updates for the import and the demo data.

Django's ``bulk_create`` compiles every value through the query compiler, and on PostgreSQL
sends them as typed arrays that psycopg escapes one by one: for an import of 100,000 offers
(with their offerings, places, versions and review steps, about 600,000 rows) that alone took
over a minute. Here PostgreSQL gets ``COPY ... FROM STDIN`` and SQLite one ``executemany``;
model defaults and ``auto_now`` fields are applied as Django would (``Field.pre_save``).
Updates of many rows go as one ``executemany`` (:func:`update`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connections, models

from llo.core.bulk import allocate_ids

CHUNK = 50_000


def _copy_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def insert(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    with_ids: bool = False,
    using: str = "default",
) -> None:
    """Insert ``objs``; with ``with_ids`` they get primary keys first (``obj.pk`` is set)."""
    if not objs:
        return
    conn = connections[using]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and not with_ids)]
    if with_ids:
        for obj, pk in zip(
            [o for o in objs if o.pk is None],
            allocate_ids(model, sum(1 for o in objs if o.pk is None), using),
            strict=True,
        ):
            obj.pk = pk
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    columns = ", ".join(conn.ops.quote_name(str(f.column)) for f in fields)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            raw: Any = cursor.cursor
            with raw.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row([_copy_value(f, f.pre_save(obj, True)) for f in fields])
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
        rows = [[f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields] for obj in objs]
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    using: str = "default",
) -> None:
    """Insert plain tuples (values in the order of ``names``, attribute names like
    ``offer_id``): no model instances, for child rows of an import. Defaults are not applied:
    give every column that has no database default."""
    if not rows:
        return
    conn = connections[using]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    columns = ", ".join(conn.ops.quote_name(str(f.column)) for f in fields)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            raw: Any = cursor.cursor
            with raw.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_copy_value(f, v) for f, v in zip(fields, row, strict=True)])
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
        prepared = [
            [f.get_db_prep_save(v, conn) for f, v in zip(fields, row, strict=True)] for row in rows
        ]
        for start in range(0, len(prepared), CHUNK):
            cursor.executemany(sql, prepared[start : start + CHUNK])


def update(objs: Sequence[models.Model], fields: Sequence[str], using: str = "default") -> None:
    """``UPDATE ... SET <fields> WHERE id = %s`` for many objects of one model with one
    executemany.

    Django's ``bulk_update`` builds a CASE expression per field and object, which takes about a
    minute for 100,000 offers; executemany (pipelined by psycopg 3) takes seconds.
    """
    if not objs:
        return
    conn = connections[using]
    meta = objs[0]._meta
    columns: list[Any] = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{conn.ops.quote_name(f.column)} = %s" for f in columns)
    sql = f"UPDATE {meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608
    rows = [
        [f.get_db_prep_save(getattr(o, f.attname), conn) for f in columns] + [o.pk] for o in objs
    ]
    with conn.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])
