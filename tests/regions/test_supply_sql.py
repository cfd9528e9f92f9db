# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL has a faster formulation of the supply aggregation; it gives the same rows as the
portable one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from llo.register.store import portfolio
from tests.regions.conftest import HENGELO, LASSER, MONTEUR

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]
D = dt.date


def test_the_postgres_aggregation_gives_the_same_rows_as_the_portable_one(
    make_provider: Callable[..., Any], make_offer: Callable[..., Any]
) -> None:
    school = make_provider("Lasschool")
    make_offer(
        school,
        "A",
        occupations=(LASSER,),
        skills=("lassen",),
        runs=((D(2027, 2, 1), 12), (D(2028, 1, 5), None)),
    )
    make_offer(
        school,
        "B",
        occupations=(LASSER, MONTEUR),
        gemeenten=("GM0153", HENGELO, "GM0599"),
        runs=((D(2026, 12, 31), 8),),
    )
    make_offer(
        school, "C", occupations=(MONTEUR,), gemeenten=(), online=True, runs=((D(2027, 3, 1), 20),)
    )
    make_offer(school, "D", skills=("onderhoud",), online=True)
    make_offer(school, "E", occupations=(LASSER,), state="draft", runs=((D(2027, 2, 1), 99),))
    years = [2026, 2027, 2028]
    params = [D(2026, 1, 1), D(2029, 1, 1)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(portfolio.PLANNER)
        cursor.execute(portfolio.figures_sql(years), params)
        portable = sorted(tuple(0 if v is None else v for v in r) for r in cursor.fetchall())
        cursor.execute(portfolio.figures_sql_postgres(years), params)
        fast = sorted(tuple(0 if v is None else v for v in r) for r in cursor.fetchall())
    assert fast == portable
    assert len(fast) > 10
