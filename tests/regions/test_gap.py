# SPDX-License-Identifier: EUPL-1.2
"""Gap arithmetic on a small example checked by hand, first without a database, then through
the services and the register's SQL on both databases (the same numbers must come out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from llo.core.audit import Actor
from llo.core.problems import Problem
from llo.people.models import Organisation
from llo.regions import arithmetic, selectors
from llo.regions.arithmetic import Cell, DemandFigure
from llo.regions.models import GapCell
from llo.regions.services import demand, gap
from llo.regions.supply import SupplyFigure
from tests.regions.conftest import LASSER, RIJNMOND, ROTTERDAM, TWENTE

D = dt.date

# --- the example, by hand ---------------------------------------------------------------------
# Twente, occupation lasser (7212.3), years 2026-2028.
# Demand:  A 120 people, all of 2027, urgent
#          B  30 people, 1 July 2026 - 30 June 2027
#          C  50 people, 1 October 2026 - 31 December 2027, closed on 15 December 2026
#          D  10 people in Rijnmond (another region)
# Supply:  offer 1 in Enschede: starts 2027 with 12 and 16 places
#          offer 2 in Hengelo: starts 2027 with an unknown number of places, 2028 with 20
#          offer 3 in Enschede: no start moments
#          offer 4 online: starts 2027 with 24 places
# Expected, 2027:  demand 120 + 30 = 150 (C was closed before 2027), urgent 120, 2 statements;
#                  3 offers, 28 seats, 3 starts of which 1 without seats; gap 150 - 28 = 122;
#                  online: 1 offer, 24 seats (shown, not subtracted).
#          2026:   demand B 30 + C 50 = 80 (C counted: closed during 2026), no seats: gap 80.
#          2028:   no demand; 3 offers, 20 seats: gap 0.
# Trend 2027 against 2026: the gap grows (80 -> 122).

YEARS = (2026, 2027, 2028)


def _hand_supply() -> list[SupplyFigure]:
    return [
        SupplyFigure(TWENTE, "occupation", LASSER, 3, {2027: (28, 3, 1), 2028: (20, 1, 0)}),
        SupplyFigure("", "occupation", LASSER, 1, {2027: (24, 1, 0)}),
    ]


def _hand_demand() -> list[DemandFigure]:
    return [
        DemandFigure(TWENTE, "occupation", LASSER, 120, True, D(2027, 1, 1), D(2027, 12, 31)),
        DemandFigure(TWENTE, "occupation", LASSER, 30, False, D(2026, 7, 1), D(2027, 6, 30)),
        DemandFigure(
            TWENTE,
            "occupation",
            LASSER,
            50,
            False,
            D(2026, 10, 1),
            D(2027, 12, 31),
            D(2026, 12, 15),
        ),
        DemandFigure(RIJNMOND, "occupation", LASSER, 10, False, D(2027, 1, 1), D(2027, 12, 31)),
    ]


def test_the_hand_checked_example_without_a_database() -> None:
    cells = arithmetic.build(YEARS, _hand_supply(), _hand_demand())
    c2027 = cells[2027, TWENTE, "occupation", LASSER]
    assert (c2027.demand_people, c2027.demand_urgent, c2027.statements) == (150, 120, 2)
    assert (c2027.offers, c2027.seats, c2027.starts, c2027.starts_without_seats) == (3, 28, 3, 1)
    assert c2027.gap == 122
    online = cells[2027, "", "occupation", LASSER]
    assert (online.offers, online.seats, online.gap) == (1, 24, 0)
    assert cells[2026, TWENTE, "occupation", LASSER].demand_people == 80
    assert cells[2026, TWENTE, "occupation", LASSER].gap == 80
    assert cells[2028, TWENTE, "occupation", LASSER].gap == 0
    assert cells[2028, TWENTE, "occupation", LASSER].seats == 20
    assert cells[2027, RIJNMOND, "occupation", LASSER].gap == 10
    assert arithmetic.trend(122, 80) == "up"


def test_gap_never_goes_below_zero_and_trend_words() -> None:
    assert Cell(demand_people=10, seats=40).gap == 0
    assert Cell(shortage={"kansberoep", "krapteberoep"}).shortage_text == "krapteberoep+kansberoep"
    assert arithmetic.trend(0, None) == "same"
    assert arithmetic.trend(5, 0) == "new"
    assert arithmetic.trend(5, 9) == "down"
    assert arithmetic.trend(5, 5) == "same"


def test_a_negative_demand_is_refused_by_the_arithmetic_too() -> None:
    with pytest.raises(ValueError, match="negative"):
        arithmetic.build(
            YEARS,
            [],
            [DemandFigure(TWENTE, "occupation", LASSER, -1, False, D(2027, 1, 1), D(2027, 2, 1))],
        )


# --- the same example through the services and the register ------------------------------


def _input(people: int, start: dt.date, end: dt.date, **kwargs: Any) -> demand.DemandInput:
    values: dict[str, Any] = {
        "region": TWENTE,
        "occupation": "lasser",
        "people": people,
        "period_start": start,
        "period_end": end,
        "source": "Enquête werkgevers Twente 2026",
    }
    values.update(kwargs)
    return demand.DemandInput(**values)


@pytest.mark.django_db
def test_the_same_example_through_services_and_the_register_sql(
    make_org: Callable[..., Organisation],
    make_provider: Callable[..., Any],
    make_offer: Callable[..., Any],
) -> None:
    rwc = make_org("Regionaal Werkcentrum Twente")
    rijnmond = make_org("Regionaal Werkcentrum Rijnmond", gemeente=ROTTERDAM)
    actor = Actor.system("test")
    school = make_provider("Lasschool Twente")
    make_offer(
        school,
        "Lassen MIG/MAG",
        occupations=(LASSER,),
        runs=((D(2027, 2, 1), 12), (D(2027, 9, 1), 16)),
    )
    make_offer(
        school,
        "Lassen TIG",
        occupations=(LASSER,),
        gemeenten=("GM0164",),
        runs=((D(2027, 3, 1), None), (D(2028, 3, 1), 20)),
    )
    make_offer(school, "Lassen op maat", occupations=(LASSER,))
    make_offer(
        school,
        "Lassen online theorie",
        occupations=(LASSER,),
        gemeenten=(),
        online=True,
        runs=((D(2027, 4, 1), 24),),
    )
    # Not in the portfolio: a draft, and a cancelled start does not count.
    make_offer(
        school,
        "Lassen (concept)",
        occupations=(LASSER,),
        state="draft",
        runs=((D(2027, 2, 1), 99),),
    )
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        gap.recompute(actor=actor, years=YEARS)
        demand.record(
            actor=actor,
            organisation=rwc,
            data=_input(120, D(2027, 1, 1), D(2027, 12, 31), urgency="high"),
        )
        demand.record(actor=actor, organisation=rwc, data=_input(30, D(2026, 7, 1), D(2027, 6, 30)))
        c = demand.record(
            actor=actor, organisation=rwc, data=_input(50, D(2026, 10, 1), D(2027, 12, 31))
        )
        demand.record(
            actor=actor,
            organisation=rijnmond,
            data=_input(10, D(2027, 1, 1), D(2027, 12, 31), region=RIJNMOND),
        )
    with time_machine.travel(dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC), tick=False):
        demand.close(actor=actor, organisation=rwc, pk=c.pk, reason="withdrawn")
    # The incremental refresh after each statement and a whole recompute agree.
    incremental = sorted(
        GapCell.objects.values_list(
            "year", "region_code", "dimension", "code", "demand_people", "seats", "gap"
        )
    )
    gap.recompute(actor=actor, years=YEARS)
    whole = sorted(
        GapCell.objects.values_list(
            "year", "region_code", "dimension", "code", "demand_people", "seats", "gap"
        )
    )
    assert incremental == whole

    page = selectors.gap_page(TWENTE, 2027)
    assert page is not None
    row = next(r for r in page.rows if r.code == LASSER)
    assert (row.label, row.demand_people, row.demand_urgent, row.statements) == (
        "lasser",
        150,
        120,
        2,
    )
    assert (row.offers, row.seats, row.starts, row.starts_without_seats) == (3, 28, 3, 1)
    assert (row.online_offers, row.online_seats) == (1, 24)
    assert row.gap == 122
    assert (row.previous_gap, row.trend) == (80, "up")
    later = selectors.gap_page(TWENTE, 2028)
    assert later is not None
    assert [(r.seats, r.gap) for r in later.rows if r.code == LASSER] == [(20, 0)]
    summary = selectors.summary(TWENTE, 2027)
    assert summary is not None
    assert summary.totals.demand_people == 150
    assert summary.totals.offers == 3
    assert summary.totals.online_offers == 1
    assert summary.totals.gap == 122
    # The drill-down shows the statements and offers behind the numbers.
    detail = selectors.cell(TWENTE, 2027, "occupation", LASSER)
    assert detail is not None
    assert sorted(s.people for s in detail.statements) == [30, 120]  # 150: C closed in 2026
    assert detail.offers.total == 3
    assert [r.offer.title for r in detail.online.rows] == ["Lassen online theorie"]
    seats = {r.offer.title: (r.offer.seats, r.offer.starts) for r in detail.offers.rows}
    assert seats == {"Lassen MIG/MAG": (28, 2), "Lassen TIG": (0, 1), "Lassen op maat": (0, 0)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"region": "AM99"}, "region", "unknown"),
        ({"occupation": "9999.9"}, "occupation", "unknown"),
        ({"occupation": "7212"}, "occupation", "group"),
        ({"occupation": "verzorgende"}, "occupation", "ambiguous"),
        ({"people": -5}, "people", "negative"),
        ({"people": 0}, "people", "range"),
        ({"people": "veel"}, "people", "type"),
        ({"period_end": D(2026, 1, 1)}, "periodEnd", "range"),
        ({"occupation": "", "skills": []}, "occupation", "required"),
        ({"skills": ["toveren"]}, "skills", "unknown"),
        ({"source": " "}, "source", "required"),
        ({"urgency": "asap"}, "urgency", "enum"),
    ],
)
def test_bad_input_is_a_named_error_and_writes_nothing(
    make_org: Callable[..., Organisation], change: dict[str, Any], field: str, code: str
) -> None:
    rwc = make_org("Regionaal Werkcentrum Twente")
    data = _input(120, D(2027, 1, 1), D(2027, 12, 31))
    for key, value in change.items():
        setattr(data, key, value)
    with (
        time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False),
        pytest.raises(Problem) as caught,
    ):
        demand.record(actor=Actor.system("test"), organisation=rwc, data=data)
    assert caught.value.status == 400
    assert (field, code) in {(p.name, p.code) for p in caught.value.invalid_params}
    assert not rwc.demand_statements.exists()
