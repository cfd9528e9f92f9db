# SPDX-License-Identifier: EUPL-1.2
"""A fact llo does not hold makes the conditions that read it "not yet known" (never a guess),
only in the rows that need it; all of a person's funders decide in one vectorised run."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from llo.schemes import engine
from llo.schemes.decision import FunderFacts, decide, decide_funders, decide_funders_for_offers
from llo.schemes.facts import stack, to_inputs, unknown_inputs
from llo.schemes.funder_conditions import parse_conditions
from llo.schemes.known import DependencyTracer, masks, read_by
from tests.schemes.conftest import care_course, fatima, jan, sanne, welding

DAY = dt.date(2026, 9, 1)
STAP_DAY = dt.date(2022, 5, 2)


def _funder(balance: int = 100_000, **conditions: object) -> FunderFacts:
    return FunderFacts(parse_conditions({"name": "Fonds", **conditions}), balance)


def test_one_run_decides_every_funder_as_one_decide_per_funder_would() -> None:
    funders = [
        _funder(key="werkgever", purposes=["grow", "switch"]),
        _funder(key="fonds", sectors=["metal"], co_payment_pct=20, co_payment_above_level="eqf_2"),
        _funder(key="gemeente", offer_types=["basic_skills"]),
        _funder(key="leeg", balance=0),
    ]
    offer = care_course(dt.date(2026, 10, 1))
    together = decide_funders(fatima(), offer, funders, DAY)
    assert len(together.decisions) == 4
    for funder, decision in zip(funders, together.decisions, strict=True):
        alone = decide(
            dataclasses.replace(fatima(), funder_balance_cents=funder.balance_cents),
            offer,
            DAY,
            funder.conditions,
        )
        assert (decision.eligible, decision.amount_cents) == (alone.eligible, alone.amount_cents)
        assert decision.reasons == alone.reasons
    assert [d.eligible for d in together.decisions] == [True, False, False, False]
    assert together.record["rule_version"] == together.decisions[0].rule_version
    assert len(together.record["decisions"]) == 4


def test_many_offers_and_funders_in_one_run_match_one_offer_at_a_time() -> None:
    funders = [_funder(key="a"), _funder(key="b", max_level="eqf_2", max_per_offer_cents=50_000)]
    offers = [care_course(dt.date(2026, 10, 1)), welding(dt.date(2026, 10, 1))]
    many = decide_funders_for_offers(jan(), offers, funders, DAY)
    for offer, row in zip(offers, many, strict=True):
        one = decide_funders(jan(), offer, funders, DAY).decisions
        assert [(d.eligible, d.amount_cents, d.reasons) for d in row] == [
            (d.eligible, d.amount_cents, d.reasons) for d in one
        ]


def test_an_unstated_purpose_is_not_yet_known_only_for_a_funder_with_a_purpose_list() -> None:
    offer = dataclasses.replace(care_course(dt.date(2026, 10, 1)), purpose=None)
    decided = decide_funders(
        sanne(), offer, [_funder(key="uwv", purposes=["work"]), _funder(key="any")], DAY
    ).decisions
    uwv, anyone = decided
    assert uwv.undecided
    assert not uwv.eligible
    assert uwv.amount_cents == 0
    assert uwv.missing == ("purpose",)
    assert [r.condition for r in uwv.not_known] == ["funder_purpose_ok"]
    assert uwv.not_known[0].text.startswith("We weten nog niet waarom")
    assert anyone.eligible
    assert anyone.missing == ()


def test_a_failed_condition_decides_even_when_another_is_not_known() -> None:
    offer = dataclasses.replace(care_course(dt.date(2026, 10, 1)), purpose=None)
    decision = decide(sanne(), offer, DAY, {"purposes": ["grow"], "max_level": "eqf_1"})
    assert not decision.undecided
    assert [r.condition for r in decision.failed] == ["funder_level_ok"]
    assert decision.missing == ()


def test_offer_occupations_named_without_codes_are_not_known() -> None:
    offer = dataclasses.replace(welding(dt.date(2026, 10, 1)), occupations=None)
    listed = decide(jan(), offer, DAY, {"occupations": ["7212"]})
    assert listed.missing == ("occupations",)
    assert decide(jan(), offer, DAY, {}).eligible


def test_stap_asks_for_the_months_insured_and_study_support_it_needs() -> None:
    person = dataclasses.replace(sanne(), insured_months=None, receives_study_support=None)
    decision = decide(person, welding(dt.date(2022, 6, 13)), STAP_DAY, "stap")
    assert decision.undecided
    assert decision.missing == ("insured_months", "receives_study_support")
    assert {r.condition for r in decision.not_known} == {
        "stap_tie_to_labour_market",
        "stap_no_study_support",
    }
    assert decision.record["missing"] == ["insured_months", "receives_study_support"]


def test_a_dated_stap_rule_does_not_wait_for_its_fact_before_its_date() -> None:
    unknown = dataclasses.replace(
        welding(dt.date(2022, 6, 13)), gifts_or_perks=None, ocw_recognised=None
    )
    before = decide(sanne(), unknown, STAP_DAY, "stap")
    assert before.eligible
    assert before.missing == ()
    after = decide(
        sanne(), dataclasses.replace(unknown, start_date=dt.date(2022, 12, 19)),
        dt.date(2022, 11, 14), "stap",
    )  # fmt: skip
    assert after.undecided
    assert after.missing == ("gifts_or_perks",)


def test_an_unknown_amount_input_leaves_the_decision_open() -> None:
    offer = dataclasses.replace(welding(dt.date(2022, 6, 13)), other_funding_cents=None)
    decision = decide(sanne(), offer, STAP_DAY, "stap")
    assert decision.undecided
    assert "other_funding_cents" in decision.missing


def test_the_tracer_records_what_each_formula_read() -> None:
    system = engine.build_system()
    inputs = to_inputs(sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY)
    tracer = DependencyTracer()
    simulation, period = engine.simulate(system, inputs, STAP_DAY, tracer=tracer)
    simulation.calculate("stap_tie_to_labour_market", period)
    assert "insured_months_mask" in read_by(tracer.reads, "stap_tie_to_labour_market")
    assert "birth_date" not in read_by(tracer.reads, "stap_tie_to_labour_market")


def test_evaluate_known_marks_only_the_rows_with_the_unknown_fact() -> None:
    people = [sanne(), dataclasses.replace(sanne(), receives_study_support=None), sanne()]
    offer = welding(dt.date(2022, 6, 13))
    inputs = stack([to_inputs(p, offer, STAP_DAY) for p in people])
    values, unknown = engine.evaluate_known(
        inputs, masks([unknown_inputs(p, offer) for p in people], 3), STAP_DAY, ["stap"]
    )
    assert unknown["stap_no_study_support"].tolist() == [False, True, False]
    assert not unknown["stap_adult"].any()
    assert values["stap_eligible"].tolist() == [True, True, True]  # the placeholder is "no"
    with pytest.raises(Exception, match="placeholder"):
        engine.evaluate_known(inputs, {"nonsense": np.ones(3, bool)}, STAP_DAY, ["stap"])
