# SPDX-License-Identifier: EUPL-1.2
"""SQL of the gap table: the demand and shortage figures it is made of, and writing its cells
in bulk (COPY on PostgreSQL, one executemany on SQLite). Decides nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
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
    ids = [s[0] for s in statements]
    for start in range(0, len(ids), 900):
        for statement_id, skill_id in DemandSkill.objects.filter(
            statement_id__in=ids[start : start + 900]
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


def _rows(cells: dict[Key, Cell], at: dt.datetime) -> Iterator[tuple[Any, ...]]:
    for (year, region, dimension, code), c in cells.items():
        yield (
            year,
            region,
            dimension,
            code,
            c.demand_people,
            c.demand_urgent,
            c.statements,
            c.offers,
            c.seats,
            c.starts,
            c.starts_without_seats,
            c.shortage_text,
            c.gap if region else 0,
            at,
        )


def replace_cells(
    years: Sequence[int],
    cells: dict[Key, Cell],
    at: dt.datetime,
    *,
    region: str | None = None,
) -> int:
    """Delete the cells of the years (of one region, or all) and write the given ones. The
    caller holds the transaction."""
    old = GapCell.objects.filter(year__in=list(years))
    if region is not None:
        old = old.filter(region_code=region)
    old.delete()
    table = GapCell._meta.db_table
    columns = ", ".join(CELL_COLUMNS)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw: Any = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in _rows(cells, at):
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(CELL_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - fixed names
        stamp = connection.ops.adapt_datetimefield_value(at)
        values = [[*r[:-1], stamp] for r in _rows(cells, at)]
        for start in range(0, len(values), 20_000):
            cursor.executemany(sql, values[start : start + 20_000])
        return len(values)
