# SPDX-License-Identifier: EUPL-1.2
"""SQL of the gap table: the demand and shortage figures it is made of, and writing its cells:
only those that differ from the stored ones, new ones in bulk (COPY on PostgreSQL, one
executemany on SQLite). Decides nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from llo.regions.arithmetic import Cell, DemandFigure, Key, ShortageFigure
from llo.regions.models import DemandSkill, DemandStatement, GapCell, ShortageEntry, Urgency

CELL_COLUMNS = (
    "year",
    "region_code",
    "dimension",
    "code",
    "demand_people",
    "demand_urgent",
    "statements",
    "offers",
    "seats",
    "starts",
    "starts_without_seats",
    "shortage",
    "gap",
    "computed_at",
)


def lock_cells() -> None:
    """One writer of the gap table at a time, until the caller's transaction ends: a whole
    recompute and a region's refresh after a statement each read the figures and then write
    the cells they differ on, so neither may write in between. Pages still read. (SQLite lets
    one transaction write at a time anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {GapCell._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def demand_figures(
    first: dt.date, last: dt.date, region: str | None = None
) -> Iterator[DemandFigure]:
    """Every statement that can count between two dates (open, or closed after the first),
    once for its occupation and once for each of its skills."""
    rows = DemandStatement.objects.filter(period_end__gte=first, period_start__lte=last).exclude(
        closed_at__date__lt=first
    )
    if region is not None:
        rows = rows.filter(region_id=region)
    fields = (
        "id",
        "region_id",
        "occupation_id",
        "people",
        "urgency",
        "period_start",
        "period_end",
        "closed_at",
    )
    statements = list(rows.values_list(*fields))
    skills: dict[int, list[str]] = {}
    # The skills of the same statements in one query (a subquery, not a list of ids).
    for statement_id, skill_id in DemandSkill.objects.filter(
        statement_id__in=rows.values("id")
    ).values_list("statement_id", "skill_id"):
        skills.setdefault(statement_id, []).append(str(skill_id))
    for pk, region_code, occupation, people, urgency, start, end, closed_at in statements:
        closed_on = closed_at.date() if closed_at else None
        urgent = urgency == Urgency.HIGH
        # Dimension "all": every statement once, for the totals of a region.
        yield DemandFigure(region_code, "all", "", people, urgent, start, end, closed_on)
        if occupation:
            yield DemandFigure(
                region_code, "occupation", str(occupation), people, urgent, start, end, closed_on
            )
        for code in skills.get(pk, ()):
            yield DemandFigure(region_code, "skill", code, people, urgent, start, end, closed_on)


def shortage_figures(
    first: dt.date, last: dt.date, region: str | None = None
) -> Iterator[ShortageFigure]:
    rows = ShortageEntry.objects.filter(valid_until__gte=first, valid_from__lte=last)
    if region is not None:
        rows = rows.filter(region_id=region)
    for region_code, code, kind, valid_from, valid_until in rows.values_list(
        "region_id", "occupation_id", "kind", "valid_from", "valid_until"
    ):
        yield ShortageFigure(region_code, str(code), kind, valid_from, valid_until)


#: The figures of a cell, in the order of CELL_COLUMNS after the key and before computed_at.
FIGURES = CELL_COLUMNS[4:-1]


@dataclass(frozen=True)
class Written:
    """What :func:`replace_cells` wrote: cells added, changed and deleted (the rest were
    already as computed and are left alone)."""

    added: int
    changed: int
    deleted: int


def _among(column: str) -> str:
    """``column`` is one of the values given as the single parameter."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - fixed names


def _values(values: Sequence[Any]) -> Any:
    return list(values) if connection.vendor == "postgresql" else json.dumps(list(values))


def replace_cells(
    years: Sequence[int],
    cells: dict[Key, Cell],
    at: dt.datetime,
    *,
    region: str | None = None,
) -> Written:
    """Make the stored cells of the years (of one region, or all) the given ones, writing only
    what differs: a cell that is no longer computed is deleted, a changed one updated (its
    ``computed_at`` too), a new one added. A cell whose figures are the same is not written
    again: a whole recompute of an unchanged register writes nothing. The caller holds the
    transaction."""
    table = GapCell._meta.db_table
    key_columns = ", ".join(CELL_COLUMNS[:4])
    where = _among("year") + (" AND region_code = %s" if region is not None else "")
    params: list[Any] = [_values(years), *([region] if region is not None else [])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {key_columns}, {', '.join(FIGURES)} FROM {table} WHERE {where}",  # noqa: S608
            params,
        )
        stored = {(r[1], r[2], r[3], r[4]): (r[0], r[5:]) for r in cursor.fetchall()}
    added: list[tuple[Any, ...]] = []
    changed: list[list[Any]] = []
    take = stored.pop
    for key, c in cells.items():
        # As stored (FIGURES); the online row's gap is 0: its places close no region's gap.
        figures = (
            c.demand_people,
            c.demand_urgent,
            c.statements,
            c.offers,
            c.seats,
            c.starts,
            c.starts_without_seats,
            c.shortage_text if c.shortage else "",
            max(0, c.demand_people - c.seats) if key[1] else 0,
        )
        old = take(key, None)
        if old is None:
            added.append((*key, *figures, at))
        elif old[1] != figures:
            changed.append([*figures, at, old[0]])
    gone = [pk for pk, _figures_then in stored.values()]
    with connection.cursor() as cursor:
        for start in range(0, len(gone), 10_000):
            cursor.execute(
                f"DELETE FROM {table} WHERE {_among('id')}",  # noqa: S608 - fixed names
                [_values(gone[start : start + 10_000])],
            )
        if changed:
            assignments = ", ".join(f"{name} = %s" for name in (*FIGURES, "computed_at"))
            sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - fixed names
            if connection.vendor != "postgresql":
                stamp = connection.ops.adapt_datetimefield_value(at)
                changed = [[*r[:-2], stamp, r[-1]] for r in changed]
            for start in range(0, len(changed), 10_000):
                cursor.executemany(sql, changed[start : start + 10_000])
        _insert(cursor, table, added, at)
    return Written(len(added), len(changed), len(gone))


def _insert(cursor: Any, table: str, rows: list[tuple[Any, ...]], at: dt.datetime) -> None:
    """New cells in bulk: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    columns = ", ".join(CELL_COLUMNS)
    if connection.vendor == "postgresql":
        raw: Any = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(CELL_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - fixed names
    stamp = connection.ops.adapt_datetimefield_value(at)
    values = [[*r[:-1], stamp] for r in rows]
    for start in range(0, len(values), 20_000):
        cursor.executemany(sql, values[start : start + 20_000])
