# SPDX-License-Identifier: EUPL-1.2
"""A funder's conditions are decided by the rules engine alone; the personas of JOURNEYS.md,
and a property: for generated funders, persons and offers the engine (all funders in one run)
agrees with an independent plain-Python reading of the form (tests/accounts/oracle.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.core.identifiers import Level
from llo.schemes import enums
from llo.schemes.decision import FunderFacts, decide, decide_funders
from llo.schemes.facts import OfferFacts, PersonFacts
from llo.schemes.funder_conditions import parse_conditions
from tests.accounts import oracle
from tests.schemes.conftest import fatima, jan

ON = dt.date(2026, 3, 1)
OO_TECHNIEK = {
    "name": "O&O-fonds Techniek",
    "occupations": ["7212", "7233"],
    "co_payment_pct": 20,
    "co_payment_above_level": "eqf_4",
    "sectors": ["metal"],
}


def offer(level: Level = Level.EQF_3, kind: str = "microcredential", **extra: Any) -> OfferFacts:
    facts = OfferFacts(
        level=level, offer_type=kind, fee_cents=100_000, exam_cents=0, materials_cents=0,
        prices_include_vat=True, in_register=True, quality_mark_valid=True, purpose="grow",
        start_date=dt.date(2026, 4, 1), occupations=(7212,), other_funding_cents=0,
    )  # fmt: skip
    return dataclasses.replace(facts, **extra)


def test_oo_fund_pays_welding_for_jan_in_full() -> None:
    decision = decide(jan(), offer(), ON, OO_TECHNIEK)
    assert decision.eligible
    assert decision.amount_cents == 100_000
    assert decision.record["outputs"]["funder_co_payment_cents"] == 0


def test_oo_fund_asks_20_percent_above_nlqf_4() -> None:
    decision = decide(jan(), offer(Level.EQF_5), ON, OO_TECHNIEK)
    assert decision.amount_cents == 80_000
    assert decision.record["outputs"]["funder_co_payment_cents"] == 20_000


def test_oo_fund_refuses_an_occupation_off_its_list_and_says_why() -> None:
    decision = decide(jan(), offer(occupations=(5120,)), ON, OO_TECHNIEK)
    assert [r.condition for r in decision.failed] == ["funder_occupation_ok"]
    assert decision.failed[0].text == (
        "De opleiding leidt niet naar een beroep op de lijst van O&O-fonds Techniek."
    )


def test_bakery_any_level_purpose_current_job() -> None:
    korenaar = {"name": "Bakkerij de Korenaar", "purposes": ["grow"]}
    assert decide(fatima(), offer(Level.EQF_6), ON, korenaar).eligible
    refused = decide(fatima(), offer(purpose="switch"), ON, korenaar)
    assert [r.condition for r in refused.failed] == ["funder_purpose_ok"]


def test_municipality_basic_skills_for_residents() -> None:
    rotterdam = {"offer_types": ["basic_skills"], "regions": ["AM22"], "subsidiary": True}
    basic = offer(Level.EQF_0, "basic_skills")
    assert decide(fatima(), basic, ON, rotterdam).eligible
    elsewhere = decide(jan(), basic, ON, rotterdam)
    assert [r.condition for r in elsewhere.failed] == ["funder_region_ok"]


def test_an_evc_arrangement_pays_an_evc_procedure_only() -> None:
    evc_only = {"cost_components": ["evc"]}
    assert decide(jan(), offer(kind="evc"), ON, evc_only).amount_cents == 100_000
    course = decide(jan(), offer(kind="course"), ON, evc_only)
    assert [r.condition for r in course.failed] == ["funder_has_eligible_costs"]


# --- the engine agrees with the oracle ---------------------------------------------------------

CONDITIONS = st.fixed_dictionaries(
    {"name": st.just("Fonds")},
    optional={
        "max_level": st.sampled_from(enums.names(enums.NLQF)),
        "offer_types": st.lists(st.sampled_from(enums.names(enums.OfferType)), max_size=3),
        "occupations": st.lists(
            st.sampled_from(["7212", "5321", "2512", "72", "721", "7", "53", "0110", "2"]),
            max_size=2,
        ),
        "regions": st.lists(st.sampled_from(["AM22", "AM05"]), max_size=2),
        "gemeenten": st.lists(st.sampled_from(["GM0599", "GM0153"]), max_size=2),
        "sectors": st.lists(st.sampled_from(["retail", "metal", "care"]), max_size=2),
        "labour_positions": st.lists(
            st.sampled_from(enums.names(enums.LabourPosition)), max_size=2
        ),
        "purposes": st.lists(st.sampled_from(enums.names(enums.Purpose)), max_size=2),
        "cost_components": st.lists(
            st.sampled_from(["tuition", "exam", "materials", "evc"]), max_size=2
        ),
        "co_payment_pct": st.integers(0, 100),
        "co_payment_above_level": st.sampled_from(enums.names(enums.NLQF)),
        "needs_basic_skills": st.booleans(),
        "requires_register": st.booleans(),
        "valid_from": st.sampled_from(["2026-01-01", "2026-03-02"]),
        "valid_until": st.sampled_from(["2026-02-28", "2026-12-31"]),
        "max_per_offer_cents": st.sampled_from([1, 40_000, 150_000]),
        "accumulation_cap_cents": st.sampled_from([30_000, 120_000]),
    },
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[PersonFacts, OfferFacts]:
    person = dataclasses.replace(
        draw(st.sampled_from([fatima(), jan()])),
        labour_position=draw(st.sampled_from(enums.names(enums.LabourPosition))),
        sector=draw(st.sampled_from(["retail", "metal", "care", "none"])),
        needs_basic_skills=draw(st.booleans()),
    )
    facts = offer(
        draw(st.sampled_from(list(Level))),
        draw(st.sampled_from(enums.names(enums.OfferType))),
        fee_cents=draw(st.sampled_from([0, 1, 82_645, 100_000, 250_000])),
        exam_cents=draw(st.sampled_from([0, 7_500])),
        materials_cents=draw(st.sampled_from([0, 2_500])),
        prices_include_vat=draw(st.booleans()),
        vat_percent=draw(st.sampled_from([0, 21])),
        in_register=draw(st.booleans()),
        quality_mark_valid=draw(st.booleans()),
        purpose=draw(st.sampled_from(enums.names(enums.Purpose))),
        occupations=tuple(
            draw(st.lists(st.sampled_from([7212, 5321, 2512, 7223, 110, 2221]), max_size=2))
        ),
        other_funding_cents=draw(st.sampled_from([0, 50_000])),
    )
    return person, facts


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    funders=st.lists(CONDITIONS, min_size=1, max_size=4),
    case=cases(),
    balances=st.lists(st.sampled_from([0, 1, 40_000, 150_000]), min_size=4, max_size=4),
    on=st.sampled_from([dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2)]),
)
def test_the_engine_agrees_with_the_oracle(
    funders: list[dict[str, Any]],
    case: tuple[PersonFacts, OfferFacts],
    balances: list[int],
    on: dt.date,
) -> None:
    person, facts = case
    for c in funders:
        if c.get("valid_until", "9999") < c.get("valid_from", "0000"):
            c["valid_until"] = c["valid_from"]
    parsed = [parse_conditions({**c, "key": f"f{i}"}) for i, c in enumerate(funders)]
    decided = decide_funders(
        person, facts, [FunderFacts(c, b) for c, b in zip(parsed, balances, strict=False)], on
    ).decisions
    for conditions, balance, decision in zip(parsed, balances, decided, strict=False):
        expected = oracle.check(conditions, person, facts, on, balance)
        engine = {r.condition: r.passed for r in decision.reasons}
        differ = {
            name: (passed, expected.conditions[name])
            for name, passed in engine.items()
            if name in expected.conditions and passed != expected.conditions[name]
        }
        assert not differ, (differ, conditions)
        assert decision.amount_cents == expected.amount_cents
        if expected.conditions["funder_budget_valid"]:
            outputs = decision.record["outputs"]
            assert outputs["funder_co_payment_cents"] == expected.co_payment_cents
