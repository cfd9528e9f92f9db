# SPDX-License-Identifier: EUPL-1.2
"""A logged-in user, with the person or organisation it acts for, in one prepared statement
(issue 18, decision 013).

Every request of a logged-in user reads its user (``AUTHENTICATION_BACKENDS``' ``get_user``);
through the ORM (``select_related("person", "organisation").filter(...).first()``) that was
about a third of the Python time of a window application, nearly all of it compiling the same
query again. Here the statement is written once per process from the models' columns, bound
on the server (PostgreSQL prepares it once per connection) and the rows become model
instances as the ORM makes them (``Model.from_db``, the related ones cached as
``select_related`` caches them), so a caller cannot tell the difference.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection, models

from llo.core.bulk import bound_cursor
from llo.people.models import Organisation, Person, User

#: The models read, in the order of their columns in the statement: the user, then what
#: ``User.person`` and ``User.organisation`` point at (NULL columns when it points nowhere).
_JOINED: tuple[tuple[str, type[models.Model]], ...] = (
    ("person", Person),
    ("organisation", Organisation),
)


def _columns(model: type[models.Model], alias: str) -> tuple[list[str], list[str]]:
    fields = list(model._meta.concrete_fields)
    return [f"{alias}.{connection.ops.quote_name(str(f.column))}" for f in fields], [
        f.attname for f in fields
    ]


def _foreign_key(name: str) -> models.ForeignKey[Any, Any]:
    field = User._meta.get_field(name)
    assert isinstance(field, models.ForeignKey)
    return field


def _converters(models_read: list[type[models.Model]]) -> list[tuple[int, list[Any], Any]]:
    """What the ORM does to a column's value as it comes from the database (the backend's and
    the field's converters: SQLite's booleans and datetimes, JSON), per column that has any."""
    found = []
    index = 0
    for model in models_read:
        for field in model._meta.concrete_fields:
            col = field.get_col(model._meta.db_table)
            funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if funcs:
                found.append((index, funcs, col))
            index += 1
    return found


@cache
def _statement(vendor: str) -> tuple[str, list[list[str]], list[tuple[int, list[Any], Any]]]:
    """The statement, the attribute names of each model's columns in order, and the
    converters of the columns."""
    select, names = _columns(User, "u")
    joins = []
    attnames = [names]
    for index, (name, model) in enumerate(_JOINED):
        alias = f"j{index}"
        columns, names = _columns(model, alias)
        select += columns
        attnames.append(names)
        fk = _foreign_key(name).column
        joins.append(f"LEFT JOIN {model._meta.db_table} {alias} ON {alias}.id = u.{fk}")
    # Names from the models only, the user's id bound: nothing from a request in the text.
    sql = (
        f"SELECT {', '.join(select)} FROM {User._meta.db_table} u {' '.join(joins)} "  # noqa: S608
        "WHERE u.id = %s AND u.is_active"
    )
    return sql, attnames, _converters([User, *(model for _name, model in _JOINED)])


def active_user(user_id: Any) -> User | None:
    """The active user ``user_id``, its person and organisation read along; None if there is
    no such active user."""
    sql, attnames, converters = _statement(connection.vendor)
    with bound_cursor() as cursor:
        cursor.execute(sql, [int(user_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        row = list(row)
        for index, funcs, col in converters:
            for func in funcs:
                row[index] = func(row[index], col, connection)
    db = connection.alias
    width = len(attnames[0])
    user = User.from_db(db, attnames[0], row[:width])
    start = width
    for (name, model), names in zip(_JOINED, attnames[1:], strict=True):
        values = row[start : start + len(names)]
        start += len(names)
        related = None if values[0] is None else model.from_db(db, names, values)
        _foreign_key(name).set_cached_value(user, related)  # as select_related does
    return user
