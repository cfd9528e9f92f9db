# SPDX-License-Identifier: EUPL-1.2
"""A funder's conditions, parsed and checked with reasons (the personas of JOURNEYS.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from llo.accounts.conditions import (
    Conditions,
    ConditionsError,
    OfferFacts,
    PersonFacts,
    RuleChecker,
)
from llo.core.identifiers import Level

ON = dt.date(2026, 3, 1)
JAN = PersonFacts(
    level=Level.EQF_4, region="AM22", labour_position="employed", sectors=frozenset({"metal"})
)
FATIMA = PersonFacts(
    level=Level.EQF_2,
    region="AM26",
    gemeente="GM0599",
    labour_position="flex",
    sectors=frozenset({"retail"}),
)

OO_TECHNIEK = {
    "occupations": ["welder", "maintenance_technician"],
    "co_payment_pct": 20,
    "co_payment_above_level": "eqf_4",
    "sectors": ["metal"],
}


def offer(
    level: Level | None = Level.EQF_3, kind: str = "microcredential", **extra: object
) -> OfferFacts:
    return OfferFacts(price_components={"tuition": 100_000}, level=level, offer_type=kind, **extra)  # type: ignore[arg-type]


def test_round_trip_is_canonical() -> None:
    c = Conditions.from_dict({**OO_TECHNIEK, "offer_types": ["course", "microcredential"]})
    assert c.to_dict() == {
        "co_payment_above_level": "eqf_4",
        "co_payment_pct": 20,
        "occupations": ["maintenance_technician", "welder"],
        "offer_types": ["course", "microcredential"],
        "sectors": ["metal"],
    }
    assert Conditions.from_dict(c.to_dict()) == c


def test_every_bad_key_is_named() -> None:
    with pytest.raises(ConditionsError) as info:
        Conditions.from_dict(
            {
                "max_level": "mbo4",
                "offer_types": ["dance"],
                "co_payment_pct": 120,
                "regions": ["Rijnmond"],
                "valid_from": "2026-02-30",
                "colour": "blue",
                "subsidiary": "yes",
                "max_per_offer_cents": 12.5,
            }
        )
    assert set(info.value.errors) == {
        "max_level",
        "offer_types",
        "co_payment_pct",
        "regions",
        "valid_from",
        "colour",
        "subsidiary",
        "max_per_offer_cents",
    }


def test_oo_fund_pays_welding_for_jan_in_full() -> None:
    verdict = RuleChecker().check(OO_TECHNIEK, JAN, offer(occupations=frozenset({"welder"})), ON)
    assert verdict.eligible
    assert verdict.co_payment_pct == 0


def test_oo_fund_asks_20_percent_above_nlqf_4() -> None:
    verdict = RuleChecker().check(
        OO_TECHNIEK, JAN, offer(Level.EQF_5, occupations=frozenset({"welder"})), ON
    )
    assert verdict.eligible
    assert verdict.co_payment_pct == 20
    assert any(r.code == "co_payment" for r in verdict.reasons)


def test_oo_fund_refuses_an_occupation_off_its_list_and_says_why() -> None:
    verdict = RuleChecker().check(OO_TECHNIEK, JAN, offer(occupations=frozenset({"baker"})), ON)
    assert not verdict.eligible
    assert [r.code for r in verdict.failed] == ["occupation"]
    assert verdict.failed[0].text


def test_bakery_any_level_purpose_current_job() -> None:
    korenaar = {"purposes": ["grow"]}
    assert RuleChecker().check(korenaar, FATIMA, offer(Level.EQF_6, purpose="grow"), ON).eligible
    refused = RuleChecker().check(korenaar, FATIMA, offer(purpose="switch"), ON)
    assert [r.code for r in refused.failed] == ["purpose"]


def test_municipality_basic_skills_for_residents() -> None:
    rotterdam = {"offer_types": ["basic_skills"], "regions": ["AM26"], "subsidiary": True}
    ok = RuleChecker().check(rotterdam, FATIMA, offer(Level.EQF_0, "basic_skills"), ON)
    assert ok.eligible
    assert ok.subsidiary
    elsewhere = RuleChecker().check(rotterdam, JAN, offer(Level.EQF_0, "basic_skills"), ON)
    assert [r.code for r in elsewhere.failed] == ["region"]


def test_max_level_and_unknown_level() -> None:
    upto4 = {"max_level": "eqf_4"}
    assert RuleChecker().check(upto4, FATIMA, offer(Level.EQF_4), ON).eligible
    assert not RuleChecker().check(upto4, FATIMA, offer(Level.NLQF_4PLUS), ON).eligible
    assert [r.code for r in RuleChecker().check(upto4, FATIMA, offer(None), ON).failed] == [
        "level_unknown"
    ]


def test_validity_and_components_and_caps() -> None:
    c = {
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "cost_components": ["exam"],
        "max_per_offer_cents": 50_000,
        "accumulation_cap_cents": 90_000,
    }
    before = RuleChecker().check(c, FATIMA, offer(), dt.date(2025, 12, 31))
    assert [r.code for r in before.failed] == ["not_yet_valid", "cost_components"]
    exam = OfferFacts(price_components={"tuition": 1000, "exam": 500})
    verdict = RuleChecker().check(c, FATIMA, exam, ON)
    assert verdict.eligible
    assert verdict.components == frozenset({"exam"})
    assert (verdict.max_cents, verdict.accumulation_cap_cents) == (50_000, 90_000)


def test_labour_position_for_uwv() -> None:
    uwv = {"labour_positions": ["job_seeker"]}
    assert not RuleChecker().check(uwv, FATIMA, offer(), ON).eligible
    assert RuleChecker().check(uwv, PersonFacts(labour_position="job_seeker"), offer(), ON).eligible


# --- the rules engine's check agrees -------------------------------------------------------------

ENGINE_CASES = [
    # (conditions, person, offer, eligible)
    (
        {
            "occupations": ["7212", "7233"],
            "sectors": ["metal"],
            "co_payment_pct": 20,
            "co_payment_above_level": "eqf_4",
        },
        JAN,
        OfferFacts(
            {"tuition": 100_000},
            Level.EQF_5,
            "microcredential",
            frozenset({"7212"}),
            purpose="grow",
        ),
        True,
    ),
    (
        {"occupations": ["7212"], "sectors": ["metal"]},
        JAN,
        OfferFacts(
            {"tuition": 100_000}, Level.EQF_3, "course", frozenset({"5120"}), purpose="grow"
        ),
        False,
    ),
    (
        {"purposes": ["grow"]},
        FATIMA,
        OfferFacts({"tuition": 50_000}, Level.EQF_6, "course", purpose="grow"),
        True,
    ),
    (
        {"purposes": ["grow"]},
        FATIMA,
        OfferFacts({"tuition": 50_000}, Level.EQF_3, "course", purpose="switch"),
        False,
    ),
    (
        {"offer_types": ["basic_skills"], "regions": ["AM26"], "subsidiary": True},
        FATIMA,
        OfferFacts({"tuition": 90_000}, Level.EQF_0, "basic_skills", purpose="work"),
        True,
    ),
    (
        {"labour_positions": ["job_seeker"]},
        FATIMA,
        OfferFacts({"tuition": 1}, Level.EQF_3, "course", purpose="work"),
        False,
    ),
    (
        {"max_level": "eqf_4"},
        FATIMA,
        OfferFacts({"tuition": 1}, Level.EQF_5, "course", purpose="grow"),
        False,
    ),
]


@pytest.mark.parametrize(("conditions", "person", "offer_facts", "eligible"), ENGINE_CASES)
def test_the_rules_engine_and_the_plain_checker_agree(
    conditions: dict[str, object], person: PersonFacts, offer_facts: OfferFacts, eligible: bool
) -> None:
    from llo.accounts.conditions import SchemesChecker

    plain = RuleChecker().check(conditions, person, offer_facts, ON)
    engine = SchemesChecker().check(conditions, person, offer_facts, ON)
    assert plain.eligible == engine.eligible == eligible, engine.reasons
    assert plain.co_payment_pct == engine.co_payment_pct
    assert all(r.text for r in engine.reasons)


def test_engine_only_keys_are_kept() -> None:
    data = {"max_level": "eqf_4", "requires_register": True, "key": "oo_techniek_2026"}
    assert Conditions.from_dict(data).to_dict() == data


def test_the_engine_refuses_an_offer_without_a_level_with_a_reason() -> None:
    from llo.accounts.conditions import SchemesChecker

    verdict = SchemesChecker().check({}, FATIMA, OfferFacts({"tuition": 100}, None), ON)
    assert not verdict.eligible
    assert verdict.failed[0].code == "engine"
