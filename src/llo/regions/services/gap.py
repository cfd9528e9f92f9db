# SPDX-License-Identifier: EUPL-1.2
"""Compute the gap table: demand of the region partners against the region's portfolio.

:func:`recompute` computes the whole table in one transaction (nightly, and after a taxonomy
or a large register import) and writes the cells whose figures changed;
:func:`refresh_demand` rewrites one region's cells after a partner records, changes or closes
a statement, with the supply figures of the last whole run (so a statement shows at once,
without reading the whole register in a request).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence

from django.db import transaction

from llo.core import audit
from llo.core.timeutil import now, today
from llo.regions import arithmetic, supply
from llo.regions.models import GapCell, GapRun
from llo.regions.store import gap as store

Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def _window(years: Sequence[int]) -> tuple[dt.date, dt.date]:
    return dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)


def recompute(
    *,
    actor: audit.Actor | None = None,
    years: Sequence[int] | None = None,
    progress: Progress = _no_progress,
) -> GapRun:
    """Recompute every cell of the gap table for the years (default: last, this and next)."""
    years = sorted(years or arithmetic.table_years(today()))
    started = time.perf_counter()
    first, last = _window(years)
    with transaction.atomic():
        store.lock_cells()
        progress("supply", 0, 1)
        figures = supply.source().figures(years[0], years[-1])
        demand = store.demand_figures(first, last)
        shortages = store.shortage_figures(first, last)
        cells = arithmetic.build(years, figures, demand, shortages)
        progress("supply", 1, 1)
        at = now()
        count = len(cells)
        progress("cells", 0, count)
        written = store.replace_cells(years, cells, at)
        progress("cells", count, count)
        run = GapRun.objects.create(
            first_year=years[0],
            last_year=years[-1],
            computed_at=at,
            seconds=round(time.perf_counter() - started, 3),
            cells=count,
        )
        audit.record(
            actor=actor or audit.Actor.system("recompute_gap"),
            action="regions.gap.recomputed",
            subject=run,
            after={
                "years": years,
                "cells": count,
                "seconds": run.seconds,
                "written": dataclasses.asdict(written),
            },
        )
    return run


def last_run() -> GapRun | None:
    return GapRun.objects.filter(region_code="").first()


def refresh_demand(region: str) -> None:
    """Rewrite one region's cells: its demand and shortages now, the supply of the last whole
    run (read back from its cells). Runs inside the caller's transaction. Without any whole
    run yet, the whole table is computed (once). Waits for a whole recompute that is running
    (one writer of the table at a time)."""
    store.lock_cells()
    run = last_run()
    if run is None:
        recompute()
        return
    years = list(range(run.first_year, run.last_year + 1))
    first, last = _window(years)
    kept: dict[tuple[str, str], dict[int, tuple[int, int, int]]] = {}
    for dim, code, year, seats, starts, blind in GapCell.objects.filter(
        region_code=region, year__in=years, starts__gt=0
    ).values_list("dimension", "code", "year", "seats", "starts", "starts_without_seats"):
        kept.setdefault((dim, code), {})[year] = (seats, starts, blind)
    offers = dict(
        ((dim, code), n)
        for dim, code, n in GapCell.objects.filter(
            region_code=region, year=years[-1], offers__gt=0
        ).values_list("dimension", "code", "offers")
    )
    figures = [
        supply.SupplyFigure(region, dim, code, offers.get((dim, code), 0), per_year)
        for (dim, code), per_year in kept.items()
    ] + [
        supply.SupplyFigure(region, dim, code, n)
        for (dim, code), n in offers.items()
        if (dim, code) not in kept
    ]
    cells = arithmetic.build(
        years,
        figures,
        store.demand_figures(first, last, region=region),
        store.shortage_figures(first, last, region=region),
    )
    store.replace_cells(years, cells, now(), region=region)
