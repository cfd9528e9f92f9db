# SPDX-License-Identifier: EUPL-1.2
"""Property: decide() for one application gives exactly what the vectorised run gives for the
same application among many. Each example runs one vectorised evaluation of N generated
applications and N single decisions; dates are drawn near the edges (birthdays, AOW day,
4 weeks, window ends, EUR 1,000) where an off-by-one would show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.core.identifiers import Level
from llo.schemes import engine, enums
from llo.schemes.decision import decide
from llo.schemes.facts import OfferFacts, PersonFacts, stack, to_inputs

# Each example draws a whole batch on purpose; on a busy machine that is slow, not wrong.
SLOW_IS_FINE = (HealthCheck.too_slow, HealthCheck.data_too_large)
OCCUPATIONS = (5321, 7212, 5223, 2512, 8332, 1111)
GEMEENTEN = (("GM0599", "AM22"), ("GM0153", "AM05"), ("GM0344", "AM13"), ("GM0034", "AM11"))


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


@st.composite
def person_facts(draw: Any, day: dt.date) -> PersonFacts:
    kind = draw(st.sampled_from(["adult", "aow", "leap", "any"]))
    if kind == "adult":
        birth = _shift_years(day, 18) + dt.timedelta(days=draw(st.integers(-2, 2)))
    elif kind == "aow":
        months = draw(st.integers(796, 808))
        back = day.year * 12 + day.month - 1 - months
        birth = dt.date(back // 12, back % 12 + 1, min(day.day, 28))
        birth += dt.timedelta(days=draw(st.integers(-2, 2)))
    elif kind == "leap":
        birth = draw(
            st.sampled_from([dt.date(2004, 2, 29), dt.date(1956, 2, 29), dt.date(2008, 2, 29)])
        )
    else:
        birth = draw(st.dates(dt.date(1950, 1, 1), dt.date(2012, 12, 31)))
    first = day.replace(day=1)
    back = draw(st.frozensets(st.integers(1, 36), max_size=36))
    insured = frozenset(
        dt.date((first.year * 12 + first.month - 1 - k) // 12, (first.month - 1 - k) % 12 + 1, 1)
        for k in back
    )
    gemeente, region = draw(st.sampled_from(GEMEENTEN))
    return PersonFacts(
        birth_date=birth,
        highest_level=draw(st.sampled_from(list(Level))),
        labour_position=draw(st.sampled_from(enums.names(enums.LabourPosition))),
        insured_months=insured,
        receives_study_support=draw(st.booleans()),
        gemeente=gemeente,
        region=region,
        sector=draw(st.sampled_from(enums.names(enums.Sector))),
        employer_size=draw(st.sampled_from([0, 1, 45, 249, 250, 1200])),
        needs_basic_skills=draw(st.booleans()),
        stap_grants_received_this_year=draw(st.integers(0, 2)),
        llo_received_this_year_cents=draw(st.sampled_from([0, 50000, 99999, 100000, 150000])),
        funder_balance_cents=draw(st.sampled_from([0, 1, 40000, 150000])),
    )


@st.composite
def offer_facts(draw: Any, day: dt.date) -> OfferFacts:
    return OfferFacts(
        level=draw(st.sampled_from(list(Level))),
        offer_type=draw(st.sampled_from(enums.names(enums.OfferType))),
        fee_cents=draw(st.sampled_from([0, 39500, 82645, 99999, 100000, 100001, 250000])),
        exam_cents=draw(st.sampled_from([0, 1, 7500])),
        materials_cents=draw(st.sampled_from([0, 2500])),
        prices_include_vat=draw(st.booleans()),
        vat_percent=draw(st.sampled_from([0, 9, 21])),
        in_register=draw(st.booleans()),
        quality_mark_valid=draw(st.booleans()),
        purpose=draw(st.sampled_from(enums.names(enums.Purpose))),
        start_date=day
        + dt.timedelta(days=draw(st.sampled_from([-3, 0, 27, 28, 29, 60, 120, 150]))),
        occupations=tuple(draw(st.lists(st.sampled_from(OCCUPATIONS), max_size=3, unique=True))),
        grants_this_year=draw(st.sampled_from([0, 299, 300])),
        other_funding_cents=draw(st.sampled_from([0, 50000, 100000, 250000])),
        gifts_or_perks=draw(st.booleans()),
        given_abroad=draw(st.booleans()),
        ocw_recognised=draw(st.booleans()),
        market_rate=draw(st.booleans()),
        labour_market_oriented=draw(st.booleans()),
        programme_teacher_assessment=draw(st.booleans()),
        excluded_on=draw(st.none() | st.sampled_from([day, day - dt.timedelta(days=60)])),
    )


def _batch(day: dt.date) -> Any:
    return st.lists(st.tuples(person_facts(day), offer_facts(day)), min_size=50, max_size=100)


def _compare(
    key: str, day: dt.date, batch: list[tuple[PersonFacts, OfferFacts]], conditions: Any = None
) -> None:
    funder = conditions is not None
    inputs = stack([to_inputs(p, o, day, funder=funder) for p, o in batch])
    system = engine.with_funders([conditions]) if funder else engine.build_system()
    scheme = engine.scheme_of(system, key)
    many = engine.evaluate(inputs, day, [key], system=system)
    for row, (person, offer) in enumerate(batch):
        one = decide(person, offer, day, conditions if funder else key)
        assert one.eligible == bool(many[scheme.eligible][row])
        assert one.amount_cents == int(many[scheme.amount][row])
        for reason in one.reasons:
            assert reason.passed == bool(many[reason.condition][row]), reason.condition
        for name, value in one.record["outputs"].items():
            assert value == np.asarray(many[name][row]).item(), name


@settings(max_examples=10, suppress_health_check=SLOW_IS_FINE)
@given(data=st.data(), day=st.dates(dt.date(2022, 3, 1), dt.date(2023, 12, 31)))
def test_stap_decide_equals_the_vectorised_run(data: Any, day: dt.date) -> None:
    _compare("stap", day, data.draw(_batch(day)))


@settings(max_examples=10, suppress_health_check=SLOW_IS_FINE)
@given(data=st.data(), day=st.dates(dt.date(2027, 1, 1), dt.date(2029, 12, 31)))
def test_llo_regeling_decide_equals_the_vectorised_run(data: Any, day: dt.date) -> None:
    _compare("llo_regeling", day, data.draw(_batch(day)))


FUNDER_CONDITIONS = st.fixed_dictionaries(
    {"name": st.just("Fonds")},
    optional={
        "max_level": st.sampled_from([m.name for m in enums.NLQF]),
        "offer_types": st.lists(st.sampled_from(enums.names(enums.OfferType)), max_size=3),
        # Groups at every ISCO-08 level (issue 17), beside the unit groups offers lead to.
        "occupations": st.lists(
            st.sampled_from((*OCCUPATIONS, "53", "8", "251", "0110")), max_size=3
        ),
        "regions": st.lists(st.sampled_from([r for _, r in GEMEENTEN]), max_size=2),
        "gemeenten": st.lists(st.sampled_from([g for g, _ in GEMEENTEN]), max_size=2),
        "sectors": st.lists(st.sampled_from(enums.names(enums.Sector)), max_size=3),
        "purposes": st.lists(st.sampled_from(enums.names(enums.Purpose)), max_size=2),
        "cost_components": st.lists(
            st.sampled_from(["tuition", "exam", "materials", "evc"]), max_size=2
        ),
        "co_payment_pct": st.integers(0, 100),
        "co_payment_above_level": st.sampled_from([m.name for m in enums.NLQF]),
        "needs_basic_skills": st.booleans(),
        "requires_register": st.booleans(),
        "valid_from": st.sampled_from(["2026-01-01", "2026-06-02"]),
        "valid_until": st.sampled_from(["2026-06-01", "2026-12-31"]),
        "max_per_offer_cents": st.sampled_from([1, 40000, 150000]),
    },
)


@settings(max_examples=10, suppress_health_check=SLOW_IS_FINE)
@given(
    data=st.data(),
    day=st.dates(dt.date(2025, 12, 30), dt.date(2027, 1, 2)),
    conditions=FUNDER_CONDITIONS,
)
def test_funder_decide_equals_the_vectorised_run(data: Any, day: dt.date, conditions: Any) -> None:
    if conditions.get("valid_until", "9999") < conditions.get("valid_from", "0000"):
        conditions["valid_until"] = conditions["valid_from"]
    _compare("funder", day, data.draw(_batch(day)), conditions)
