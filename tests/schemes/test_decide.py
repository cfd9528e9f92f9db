# SPDX-License-Identifier: EUPL-1.2
"""decide(): eligibility, amount, the reasons in Dutch, and the record of a decision."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from llo.core.identifiers import Level
from llo.schemes.decision import decide
from llo.schemes.errors import (
    InvalidInputError,
    MissingInputError,
    OutsideValidityError,
    UnknownSchemeError,
)
from llo.schemes.funders import load_example
from llo.schemes.system import LloSystem
from tests.schemes.conftest import care_course, fatima, jan, mohammed, sanne, welding

STAP_DAY = dt.date(2022, 5, 2)
LLO_DAY = dt.date(2027, 3, 1)


def test_sanne_gets_stap_for_a_course_of_exactly_1000_euro_incl_vat() -> None:
    decision = decide(sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY, "stap")
    assert decision.eligible
    assert decision.amount_cents == 100000
    assert decision.failed == ()
    assert len(decision.reasons) == 18  # 12 of 2022, 6 from the amendments of 2022-2023
    assert all(reason.passed for reason in decision.reasons)
    assert decision.reasons[0].text == "U bent op de dag van uw aanvraag 18 jaar of ouder."


def test_a_failed_condition_is_listed_with_its_dutch_sentence_and_nothing_is_paid() -> None:
    decision = decide(
        sanne(receives_study_support=True), welding(dt.date(2022, 5, 20)), STAP_DAY, "stap"
    )
    assert not decision.eligible
    assert decision.amount_cents == 0
    assert [r.condition for r in decision.failed] == [
        "stap_no_study_support",
        "stap_applied_in_time",
    ]
    texts = [r.text for r in decision.failed]
    assert texts[0].startswith("U krijgt studiefinanciering")
    assert "minstens 4 weken" in texts[1]


def test_the_stap_amount_is_capped_at_1000_euro() -> None:
    offer = care_course(dt.date(2022, 6, 13))
    decision = decide(fatima(), offer, STAP_DAY, "stap")
    assert decision.eligible
    assert decision.amount_cents == 100000


def test_fatima_qualifies_for_the_new_llo_scheme_under_both_readings(system: LloSystem) -> None:
    from llo.schemes.engine import apply_reform

    offer = care_course(dt.date(2027, 4, 6))
    for reading in ("person", "training"):
        reformed = apply_reform(
            {"llo_regeling.level_reading": {"2027-01-01": reading}}, system=system
        )
        decision = decide(fatima(), offer, LLO_DAY, "llo_regeling", system=reformed)
        assert decision.eligible, (reading, decision.failed)
        assert decision.amount_cents == 100000
        assert decision.record["outputs"]["llo_priority_low_educated"] is True
        assert decision.record["reform"] == {"llo_regeling.level_reading": {"2027-01-01": reading}}
        assert "+reform." in decision.rule_version


def test_sanne_with_hbo_depends_on_the_reading(system: LloSystem) -> None:
    from llo.schemes.engine import apply_reform

    offer = care_course(dt.date(2027, 4, 6))
    by_training = decide(sanne(), offer, LLO_DAY, "llo_regeling")
    assert by_training.eligible
    by_person = decide(
        sanne(),
        offer,
        LLO_DAY,
        "llo_regeling",
        system=apply_reform({"llo_regeling.level_reading": {"2027-01-01": "person"}}),
    )
    assert not by_person.eligible
    assert [r.condition for r in by_person.failed] == ["llo_level_within_limit"]
    assert "uw hoogste afgeronde opleiding" in by_person.failed[0].text
    assert "niveau 4 (mbo 4, havo)" in by_person.failed[0].text


def test_mohammed_may_apply_for_welding_under_the_new_scheme() -> None:
    decision = decide(mohammed(), welding(dt.date(2027, 4, 6)), LLO_DAY, "llo_regeling")
    assert decision.eligible
    assert decision.amount_cents == 100000  # 826.45 excl. 21 % VAT is 1,000.00
    assert decision.record["outputs"]["llo_priority"] is True


def test_jan_gets_the_oo_fund_for_welding_and_pays_20_percent_above_nlqf4() -> None:
    fund = load_example("oo_fonds_techniek")
    welding_offer = welding(dt.date(2026, 10, 1))
    decision = decide(jan(), welding_offer, dt.date(2026, 9, 1), fund)
    assert decision.eligible
    assert decision.amount_cents == 100000
    assert decision.record["funder_conditions"]["key"] == "oo_techniek_2026"
    assert "+funders." in decision.rule_version
    higher = dataclasses.replace(welding_offer, level=Level.EQF_5, prices_include_vat=True)
    decision = decide(jan(), higher, dt.date(2026, 9, 1), fund.as_json())
    assert decision.amount_cents == 82645 * 80 // 100
    assert decision.record["outputs"]["funder_person_pays_cents"] == 82645 - 66116


def test_a_funder_reason_names_the_funder_and_its_limit() -> None:
    conditions = {"name": "Gemeente Rotterdam", "gemeenten": ["GM0599"], "max_level": "eqf_1"}
    decision = decide(sanne(), care_course(dt.date(2026, 10, 1)), dt.date(2026, 9, 1), conditions)
    failed = {r.condition: r.text for r in decision.failed}
    assert failed["funder_region_ok"] == (
        "U woont niet in het gebied waarvoor Gemeente Rotterdam betaalt."
    )
    assert failed["funder_level_ok"] == (
        "Gemeente Rotterdam betaalt alleen opleidingen tot en met niveau 1 (entreeopleiding mbo)."
    )


def test_a_funder_decision_needs_the_balance() -> None:
    with pytest.raises(MissingInputError) as info:
        decide(
            sanne(funder_balance_cents=None),
            care_course(dt.date(2026, 10, 1)),
            dt.date(2026, 9, 1),
            {"name": "UWV"},
        )
    assert info.value.item == "funder_balance_cents"


def test_the_record_explains_the_decision(system: LloSystem) -> None:
    decision = decide(sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY, "stap")
    record = decision.record
    json.dumps(record)  # storable as JSON as it is
    assert record["scheme"] == "stap"
    assert record["rule_version"] == system.schemes["stap"].rule_version
    assert record["peildatum"] == "2022-05-02"
    assert record["inputs"]["birth_date"] == "1995-03-21"
    assert record["inputs"]["highest_level"] == "eqf_6"
    assert record["facts"]["offer"]["fee_cents"] == 82645
    used = {(p["name"], p["read_on"]): p for p in record["parameters"]}
    amount = used[("stap.max_amount_cents", "2022-05-02")]
    assert amount["value"] == 100000
    assert amount["applies_from"] == "2022-03-01"
    assert amount["status"] == "unconfirmed"
    assert amount["reference"][0]["href"].startswith("https://wetten.overheid.nl/BWBR0045419")
    # The AOW age of the year before is read too (someone who reached it last year keeps it).
    assert used[("common.aow_age_months", "2021-12-31")]["value"] == 796
    trace = record["trace"]
    assert trace["stap_eligible<2022-05-02>"]["value"] is True
    assert "stap_adult<2022-05-02>" in trace["stap_eligible<2022-05-02>"]["dependencies"]
    assert trace["stap_adult<2022-05-02>"]["parameters"] == {"stap.min_age_years<2022-05-02>": 18}
    assert trace["offer_cost_incl_vat_cents<2022-05-02>"]["value"] == 100000


def test_the_cap_per_training_is_recorded_only_from_2023() -> None:
    before = decide(sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY, "stap")
    names = {p["name"] for p in before.record["parameters"]}
    assert "stap.max_grants_per_training_per_year" not in names
    after = decide(sanne(), welding(dt.date(2023, 6, 1)), dt.date(2023, 3, 20), "stap")
    used = {p["name"]: p for p in after.record["parameters"]}
    assert used["stap.max_grants_per_training_per_year"]["applies_from"] == "2023-02-28"


def test_a_date_outside_the_scheme_is_refused_with_the_period() -> None:
    with pytest.raises(OutsideValidityError) as info:
        decide(sanne(), welding(dt.date(2024, 6, 1)), dt.date(2024, 5, 1), "stap")
    assert "2022-03-01" in str(info.value)
    assert "2023-12-31" in str(info.value)
    assert info.value.item == "stap"
    with pytest.raises(OutsideValidityError):
        decide(sanne(), welding(dt.date(2027, 1, 1)), dt.date(2026, 12, 31), "llo_regeling")
    with pytest.raises(OutsideValidityError):
        decide(sanne(), welding(dt.date(2022, 3, 1)), dt.date(2022, 2, 28), "stap")


def test_the_first_and_last_day_of_stap_are_inside() -> None:
    first = decide(sanne(), welding(dt.date(2022, 4, 1)), dt.date(2022, 3, 1), "stap")
    # In the last window only OCW-recognised education counts (Stcrt. 2023, 20707).
    last = decide(sanne(), care_course(dt.date(2024, 2, 1)), dt.date(2023, 12, 31), "stap")
    assert first.eligible
    assert last.eligible, last.failed
    welding_then = decide(sanne(), welding(dt.date(2024, 2, 1)), dt.date(2023, 12, 31), "stap")
    assert [r.condition for r in welding_then.failed] == ["stap_ocw_recognised"]


def test_an_unknown_scheme_is_named() -> None:
    with pytest.raises(UnknownSchemeError) as info:
        decide(sanne(), welding(STAP_DAY), STAP_DAY, "stapp")
    assert "Did you mean 'stap'?" in str(info.value)


def test_the_peildatum_must_be_a_date() -> None:
    with pytest.raises(InvalidInputError):
        decide(sanne(), welding(STAP_DAY), dt.datetime(2022, 5, 2, 10, 0), "stap")  # type: ignore[arg-type]


def test_decide_is_deterministic_and_its_record_too() -> None:
    first = decide(fatima(), care_course(dt.date(2027, 4, 6)), LLO_DAY, "llo_regeling")
    again = decide(fatima(), care_course(dt.date(2027, 4, 6)), LLO_DAY, "llo_regeling")
    assert first == again


def test_an_accumulation_cap_counts_money_already_planned_for_the_training() -> None:
    offer = dataclasses.replace(care_course(dt.date(2026, 10, 1)), other_funding_cents=100000)
    conditions = {"name": "UWV", "accumulation_cap_cents": 120000}
    decision = decide(sanne(), offer, dt.date(2026, 9, 1), conditions)
    assert decision.amount_cents == 20000
    assert decision.record["inputs"]["other_funding_cents"] == 100000
