# SPDX-License-Identifier: EUPL-1.2
"""The supply aggregation reads the offers' occupations and skills from the offer-term table
(docs/decisions/019); over the offers' JSON lists it gives the same rows, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from llo.register.store import offer_terms, portfolio
from tests.regions.conftest import HENGELO, LASSER, MONTEUR

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_table_gives_the_same_figures_as_the_offers_lists(
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
        runs=((D(2026, 12, 31), 8), (D(2027, 5, 1), 10), (D(2029, 1, 1), 5)),
    )
    make_offer(
        school, "C", occupations=(MONTEUR,), gemeenten=(), online=True, runs=((D(2027, 3, 1), 20),)
    )
    make_offer(school, "D", skills=("onderhoud",), gemeenten=(HENGELO,), online=True)
    make_offer(school, "E", occupations=(LASSER,), state="draft", runs=((D(2027, 2, 1), 99),))
    make_offer(school, "F", occupations=(LASSER,), gemeenten=())  # nowhere: counts nowhere
    years = [2026, 2027, 2028]

    def rows(codes: str) -> list[tuple[Any, ...]]:
        return sorted(
            tuple(0 if v is None else v for v in r) for r in portfolio.figures(years, codes)
        )

    from_table = rows(portfolio.FROM_TABLE)
    assert from_table == rows(offer_terms.listed_sql())
    assert len(from_table) > 10
    # Twente (Enschede and Hengelo: one region, counted once): A and B for welding; the draft
    # E and F without a place are not counted.
    twente = {r[:3]: r[3:] for r in from_table if r[0] == "AM05"}
    assert twente["AM05", "occupation", LASSER] == (2, 8, 1, 0, 22, 2, 0, 0, 1, 1)
    # Online: C for the maintenance technician, D's skill (D is also in Twente).
    online = {r[:3]: r[3:] for r in from_table if r[0] == ""}
    assert online["", "occupation", MONTEUR] == (1, 0, 0, 0, 20, 1, 0, 0, 0, 0)
    assert online["", "skill", "onderhoud"][0] == 1
    assert twente["AM05", "skill", "onderhoud"][0] == 1
