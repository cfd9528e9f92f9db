# SPDX-License-Identifier: EUPL-1.2
"""evaluate() over arrays, its checks on inputs, reforms and funder variants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from llo.schemes import engine
from llo.schemes.errors import (
    InvalidInputError,
    MissingInputError,
    OutsideValidityError,
    UnknownParameterError,
    UnknownSchemeError,
    UnknownVariableError,
)
from llo.schemes.facts import stack, to_inputs
from llo.schemes.funders import load_example
from llo.schemes.system import LloSystem, build_system
from tests.schemes.conftest import care_course, fatima, jan, sanne, welding

STAP_DAY = dt.date(2022, 5, 2)
LLO_DAY = dt.date(2027, 3, 1)


def _population(day: dt.date, start: dt.date) -> dict[str, np.ndarray]:
    return stack(
        [
            to_inputs(sanne(), welding(start), day),
            to_inputs(fatima(receives_study_support=True), care_course(start), day),
            to_inputs(jan(), care_course(start), day),
        ]
    )


def test_the_system_is_built_once_and_shared() -> None:
    assert build_system() is build_system()


def test_evaluate_runs_every_scheme_open_on_the_date() -> None:
    result = engine.evaluate(_population(STAP_DAY, dt.date(2022, 6, 13)), STAP_DAY)
    assert result["stap_eligible"].tolist() == [True, False, True]
    assert result["stap_amount_cents"].tolist() == [100000, 0, 100000]
    assert result["stap_no_study_support"].tolist() == [True, False, True]
    assert "llo_eligible" not in result  # the new scheme does not exist in 2022
    later = engine.evaluate(_population(LLO_DAY, dt.date(2027, 4, 6)), LLO_DAY)
    assert "stap_eligible" not in later
    assert later["llo_eligible"].tolist() == [True, False, True]
    assert later["llo_priority"].tolist() == [True, True, True]


def test_evaluate_accepts_codes_as_text_or_as_indices() -> None:
    inputs = _population(STAP_DAY, dt.date(2022, 6, 13))
    as_text = engine.evaluate(inputs, STAP_DAY, ["stap"])
    inputs["highest_level"] = np.array([7, 2, 4], dtype=np.int16)
    inputs["labour_position"] = np.array([3, 1, 0], dtype=np.int8)
    as_index = engine.evaluate(inputs, STAP_DAY, ["stap"])
    assert as_text["stap_eligible"].tolist() == as_index["stap_eligible"].tolist()


def test_precomputed_ages_and_days_may_be_given_instead_of_dates() -> None:
    inputs = _population(STAP_DAY, dt.date(2022, 6, 13))
    full = engine.evaluate(inputs, STAP_DAY, ["stap"])
    del inputs["offer_start_date"]
    inputs["days_until_start"] = np.array([42, 42, 42], dtype=np.int32)
    quick = engine.evaluate(inputs, STAP_DAY, ["stap"])
    assert full["stap_eligible"].tolist() == quick["stap_eligible"].tolist()


def test_an_unknown_input_is_named_with_a_suggestion() -> None:
    inputs = _population(STAP_DAY, dt.date(2022, 6, 13))
    inputs["brith_date"] = inputs.pop("birth_date")
    with pytest.raises(UnknownVariableError) as info:
        engine.evaluate(inputs, STAP_DAY)
    assert info.value.item == "brith_date"
    assert "Did you mean 'birth_date'?" in str(info.value)


def test_a_missing_input_is_named_with_what_needs_it() -> None:
    inputs = _population(STAP_DAY, dt.date(2022, 6, 13))
    del inputs["insured_months_mask"]
    with pytest.raises(MissingInputError) as info:
        engine.evaluate(inputs, STAP_DAY)
    assert info.value.item == "insured_months_mask"
    assert "needed for 'stap_eligible'" in str(info.value)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("offer_fee_cents", np.array([1.5, 2.0, 3.0]), "whole numbers"),
        ("offer_fee_cents", np.array([True, False, True]), "whole numbers"),
        ("receives_study_support", np.array([0, 1, 0]), "True/False"),
        ("highest_level", np.array(["eqf_6", "mbo2", "eqf_4"]), "unknown code 'mbo2'"),
        ("highest_level", np.array([0, 10, 1], dtype=np.int16), "outside 0..9"),
        ("birth_date", np.array(["1990-01-01", "not a date", "1990-01-01"]), "dates"),
        ("offer_exam_cents", np.array([1, 2]), "has 2 rows"),
    ],
)
def test_a_wrong_input_is_refused_before_anything_runs(
    name: str, value: np.ndarray, words: str
) -> None:
    inputs = _population(STAP_DAY, dt.date(2022, 6, 13))
    inputs[name] = value
    with pytest.raises(InvalidInputError) as info:
        engine.evaluate(inputs, STAP_DAY)
    assert words in str(info.value)
    assert info.value.item == name


def test_a_scheme_asked_for_outside_its_dates_is_refused() -> None:
    with pytest.raises(OutsideValidityError):
        engine.evaluate(_population(STAP_DAY, dt.date(2022, 6, 13)), STAP_DAY, ["llo_regeling"])
    with pytest.raises(UnknownSchemeError):
        engine.evaluate(_population(STAP_DAY, dt.date(2022, 6, 13)), STAP_DAY, ["stp"])


def test_an_unknown_output_is_named() -> None:
    with pytest.raises(UnknownVariableError):
        engine.evaluate(
            _population(STAP_DAY, dt.date(2022, 6, 13)), STAP_DAY, ["stap"], outputs=["agee"]
        )


def test_a_reform_changes_a_parameter_from_its_date_only(system: LloSystem) -> None:
    reformed = engine.apply_reform(
        {"llo_regeling.amount_per_person_per_year_cents": {"2028-01-01": 150000}}, system=system
    )
    inputs = _population(LLO_DAY, dt.date(2027, 4, 6))
    assert engine.evaluate(inputs, LLO_DAY, system=reformed)["llo_amount_cents"].tolist() == [
        100000,
        0,
        100000,
    ]
    later = _population(dt.date(2028, 3, 1), dt.date(2028, 4, 6))
    assert engine.evaluate(later, dt.date(2028, 3, 1), system=reformed)[
        "llo_amount_cents"
    ].tolist() == [100000, 0, 145000]
    # The system it was made from is unchanged.
    assert engine.evaluate(later, dt.date(2028, 3, 1))["llo_amount_cents"].tolist()[2] == 100000
    assert engine.rule_version(reformed, "llo_regeling").startswith(
        system.schemes["llo_regeling"].rule_version + "+reform."
    )


def test_a_reform_of_an_unknown_parameter_names_it() -> None:
    with pytest.raises(UnknownParameterError) as info:
        engine.apply_reform({"llo_regeling.max_levl": {"2027-01-01": "eqf_3"}})
    assert info.value.item == "llo_regeling.max_levl"
    assert "Did you mean 'max_level'?" in str(info.value)
    with pytest.raises(UnknownParameterError):
        engine.apply_reform({"llo_regeling.priority": {"2027-01-01": True}})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"llo_regeling.max_level": {"2027-01-01": "mbo4"}}, "not a level"),
        ({"llo_regeling.level_reading": {"2027-01-01": "both"}}, "not one of"),
        ({"llo_regeling.amount_per_person_per_year_cents": {"2027-01-01": 99.5}}, "whole cents"),
        ({"llo_regeling.min_age_years": {"2027-01-01": "18"}}, "expected a int"),
        ({"llo_regeling.min_age_years": {"1 januari": 18}}, "not a date"),
    ],
)
def test_a_reform_with_a_wrong_value_is_refused(change: dict, words: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        engine.apply_reform(change)
    assert words in str(info.value)


def test_several_funders_run_in_one_pass() -> None:
    fund = load_example("oo_fonds_techniek").as_json()
    employer = load_example("werkgever_retailflex").as_json()
    day = dt.date(2026, 9, 1)
    inputs = stack(
        [
            to_inputs(jan(), welding(dt.date(2026, 10, 1)), day, funder=True),
            to_inputs(fatima(), care_course(dt.date(2026, 10, 1)), day, funder=True),
            to_inputs(fatima(), care_course(dt.date(2026, 10, 1)), day, funder=True),
        ]
    )
    inputs["funder_index"] = np.array([0, 0, 1], dtype=np.int32)
    result = engine.evaluate(inputs, day, ["funder"], funders=[fund, employer])
    assert result["funder_eligible"].tolist() == [True, False, True]
    assert result["funder_sector_ok"].tolist() == [True, False, True]
    assert result["funder_amount_cents"].tolist() == [100000, 0, 100000]
    inputs["funder_index"] = np.array([0, 0, 2], dtype=np.int32)
    with pytest.raises(InvalidInputError):
        engine.evaluate(inputs, day, ["funder"], funders=[fund, employer])
    del inputs["funder_index"]
    with pytest.raises(MissingInputError):
        engine.evaluate(inputs, day, ["funder"], funders=[fund, employer])


def test_the_funder_scheme_needs_funders() -> None:
    with pytest.raises(InvalidInputError):
        engine.evaluate(_population(STAP_DAY, dt.date(2022, 6, 13)), STAP_DAY, ["funder"])


def test_funder_variants_are_cached_by_content(system: LloSystem) -> None:
    conditions = load_example("werkgever_korenaar").as_json()
    first = engine.with_funders([conditions], system)
    assert engine.with_funders([dict(conditions)], system) is first
    assert first.parameters.children["stap"] is system.parameters.children["stap"]
    changed = engine.with_funders([{**conditions, "co_payment_pct": 10}], system)
    assert changed is not first


def test_an_accumulation_cap_counts_other_money_for_the_training() -> None:
    day = dt.date(2026, 9, 1)
    conditions = {"name": "UWV", "accumulation_cap_cents": 120000}
    inputs = to_inputs(sanne(), care_course(dt.date(2026, 10, 1)), day, funder=True)
    inputs["other_funding_cents"] = np.array([100000], dtype=np.int32)
    result = engine.evaluate(inputs, day, ["funder"], funders=[conditions])
    assert result["funder_amount_cents"].tolist() == [20000]
    del inputs["other_funding_cents"]
    with pytest.raises(MissingInputError):
        engine.evaluate(inputs, day, ["funder"], funders=[conditions])


def test_cost_components_limit_what_a_funder_pays() -> None:
    day = dt.date(2026, 9, 1)
    offer = care_course(
        dt.date(2026, 10, 1), fee_cents=100000, exam_cents=20000, materials_cents=5000
    )
    inputs = to_inputs(sanne(), offer, day, funder=True)
    only_exam = engine.evaluate(inputs, day, ["funder"], funders=[{"cost_components": ["exam"]}])
    assert only_exam["funder_amount_cents"].tolist() == [20000]
    assert only_exam["funder_person_pays_cents"].tolist() == [105000]
    evc = engine.evaluate(inputs, day, ["funder"], funders=[{"cost_components": ["evc"]}])
    assert evc["funder_has_eligible_costs"].tolist() == [False]


def test_large_prices_do_not_overflow() -> None:
    inputs = _population(STAP_DAY, dt.date(2022, 6, 13))
    inputs["offer_fee_cents"] = np.array([2_000_000_000, 1_000_000_000, 82645], dtype=np.int32)
    inputs["offer_exam_cents"] = np.array([2_000_000_000, 0, 0], dtype=np.int32)
    inputs["offer_prices_include_vat"] = np.array([True, False, False])
    inputs["offer_vat_percent"] = np.array([0, 21, 21], dtype=np.int32)
    result = engine.evaluate(inputs, STAP_DAY, ["stap"], outputs=["offer_cost_incl_vat_cents"])
    assert result["offer_cost_incl_vat_cents"].tolist() == [2**31 - 1, 1_210_000_000, 100000]
    assert result["stap_amount_cents"].tolist()[2] == 100000
