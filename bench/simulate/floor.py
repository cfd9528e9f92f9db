# SPDX-License-Identifier: EUPL-1.2
"""Hand-written numpy evaluations of STAP and the new LLO scheme: the floor the engine is
compared with. Straight numpy over the same input arrays the engine gets, with the parameter
values of the date read once (outside the timed part); no OpenFisca. The benchmark checks that
they give exactly the engine's results, so the comparison is of equal work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from llo.schemes import dates, enums
from llo.schemes.stap.variables.stap import window_of


def _month(on: dt.date) -> int:
    return (on.year - 1970) * 12 + on.month - 1


def stap_parameters(system: Any, on: dt.date) -> dict[str, Any]:
    p = system.parameters(on.isoformat())
    last = system.parameters(dt.date(on.year - 1, 12, 31).isoformat())
    window = window_of(on, p.stap.application_windows)
    latest = dates.add_months(window[1], int(p.stap.max_months_after_window)) if window else on
    tie = p.stap.labour_market_tie
    return {
        "min_age_months": int(p.stap.min_age_years) * 12,
        "aow": int(p.common.aow_age_months),
        "aow_last_year": int(last.common.aow_age_months),
        "first_bit": int(tie.months_before_until) - 1,
        "stop_bit": int(tie.months_before_from) - 1,
        "min_insured": int(tie.min_insured_months),
        "in_window": window is not None,
        "min_days": int(p.stap.min_weeks_before_start) * 7,
        "max_days": (latest - on).days,
        "max_grants": int(p.stap.max_grants_per_person_per_year),
        "cap": int(p.stap.max_grants_per_training_per_year)
        if "max_grants_per_training_per_year" in p.stap
        else None,
        "max_amount": int(p.stap.max_amount_cents),
        "window_start": window[0] if window else None,
        "in_force": {name: bool(p.stap.in_force[name]) for name in IN_FORCE},
    }


IN_FORCE = (
    "exclusion_protected_in_window",
    "quality_mark_required",
    "gifts_and_perks_banned",
    "market_rate_required",
    "labour_market_oriented_required",
    "programme_teacher_assessment_required",
    "ocw_recognised_only",
    "abroad_excluded",
)


def _age(inputs: dict[str, np.ndarray], on: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Whole months of age on ``on`` and on 31 December of the year before. Month and day of
    birth come from a table of the few thousand days between the oldest and the youngest
    birth date (converting 10 million dates one by one is the slow part otherwise)."""
    birth = inputs["birth_date"].view(np.int64)  # days since 1970
    first = int(birth.min())
    days = np.arange(first, int(birth.max()) + 1).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    month_table = months.astype(np.int32)
    day_table = (days - months.astype("datetime64[D]")).astype(np.int32) + 1
    offset = birth - first
    birth_month = month_table[offset]
    age = _month(on) - birth_month - (on.day < day_table[offset])
    age_end_last_year = _month(dt.date(on.year - 1, 12, 31)) - birth_month
    return age, age_end_last_year


def _cost(inputs: dict[str, np.ndarray]) -> np.ndarray:
    total = inputs["offer_fee_cents"].astype(np.int64)
    total += inputs["offer_exam_cents"]
    total += inputs["offer_materials_cents"]
    vat = (total * inputs["offer_vat_percent"] + 50) // 100
    return np.where(inputs["offer_prices_include_vat"], total, total + vat)


def stap(inputs: dict[str, np.ndarray], on: dt.date, p: dict[str, Any]) -> dict[str, np.ndarray]:
    """STAP-budget eligibility and amount (the formulas of schemes/stap/variables/stap.py)."""
    age, age_last = _age(inputs, on)
    eligible = age >= p["min_age_months"]
    eligible &= ~((age >= p["aow"]) | (age_last >= p["aow_last_year"]))
    window = ((1 << p["stop_bit"]) - 1) ^ ((1 << p["first_bit"]) - 1)
    insured = np.bitwise_count(inputs["insured_months_mask"] & np.int32(window))
    eligible &= insured >= p["min_insured"]
    eligible &= ~inputs["receives_study_support"]
    rules = p["in_force"]
    listed = inputs["offer_in_register"]
    if rules["exclusion_protected_in_window"] and p["window_start"] is not None:
        listed = listed | (inputs["offer_excluded_on"] >= np.datetime64(p["window_start"], "D"))
    eligible &= listed
    if rules["quality_mark_required"]:
        eligible &= inputs["offer_quality_mark_valid"]
    if rules["gifts_and_perks_banned"]:
        eligible &= ~inputs["offer_gifts_or_perks"]
    if rules["market_rate_required"]:
        eligible &= inputs["offer_market_rate"]
    if rules["labour_market_oriented_required"]:
        eligible &= inputs["offer_labour_market_oriented"]
    if rules["programme_teacher_assessment_required"]:
        eligible &= inputs["offer_programme_teacher_assessment"]
    if rules["ocw_recognised_only"]:
        eligible &= inputs["offer_ocw_recognised"]
    if rules["abroad_excluded"]:
        eligible &= ~inputs["offer_given_abroad"]
    days = (inputs["offer_start_date"] - np.datetime64(on, "D")).astype(np.int32)
    if not p["in_window"]:
        eligible[:] = False
    eligible &= days >= p["min_days"]
    eligible &= days <= p["max_days"]
    eligible &= inputs["stap_grants_received_this_year"] < p["max_grants"]
    if p["cap"] is not None:
        eligible &= inputs["offer_grants_this_year"] < p["cap"]
    cost = np.maximum(_cost(inputs) - inputs["other_funding_cents"], 0)
    eligible &= cost > 0
    amount = np.where(eligible, np.minimum(cost, p["max_amount"]), 0)
    return {"eligible": eligible, "amount": amount}


def llo_parameters(system: Any, on: dt.date) -> dict[str, Any]:
    p = system.parameters(on.isoformat())
    last = system.parameters(dt.date(on.year - 1, 12, 31).isoformat())
    r = p.llo_regeling
    occupations = sorted({int(c) for s in r.desired_occupations for c in r.desired_occupations[s]})
    return {
        "min_age_months": int(r.min_age_years) * 12,
        "aow": int(p.common.aow_age_months),
        "aow_last_year": int(last.common.aow_age_months),
        "max_rank": enums.LEVEL_RANK[r.max_level],
        "person_reading": r.level_reading == "person",
        "purposes": [enums.index_of(enums.Purpose, x) for x in r.purposes],
        "occupations": np.asarray(occupations, dtype=np.int32),
        "exclude_study_support": bool(r.exclude_study_support),
        "min_days": int(r.min_weeks_before_start) * 7,
        "amount": int(r.amount_per_person_per_year_cents),
        "only_priority": bool(r.priority.only_priority_groups),
    }


def llo(inputs: dict[str, np.ndarray], on: dt.date, p: dict[str, Any]) -> dict[str, np.ndarray]:
    """The new LLO scheme with only_priority_groups false (the baseline and the amount reform;
    the benchmark checks that)."""
    if p["only_priority"]:
        raise ValueError("the floor does not model only_priority_groups")
    age, age_last = _age(inputs, on)
    eligible = age >= p["min_age_months"]
    eligible &= ~((age >= p["aow"]) | (age_last >= p["aow_last_year"]))
    level = inputs["highest_level"] if p["person_reading"] else inputs["offer_level"]
    eligible &= level <= p["max_rank"]
    eligible &= np.isin(inputs["purpose"], p["purposes"])
    desired = np.zeros(10_000, dtype=bool)  # ISCO-08 codes are 4 digits: a look-up table
    desired[p["occupations"]] = True
    leads = np.zeros(len(eligible), dtype=bool)
    for slot in ("offer_occupation_1", "offer_occupation_2", "offer_occupation_3"):
        code = inputs[slot]
        leads |= (code > 0) & desired[np.clip(code, 0, 9_999)]
    eligible &= leads
    eligible &= inputs["offer_in_register"]
    eligible &= inputs["offer_quality_mark_valid"]
    if p["exclude_study_support"]:
        eligible &= ~inputs["receives_study_support"]
    days = (inputs["offer_start_date"] - np.datetime64(on, "D")).astype(np.int32)
    eligible &= days >= p["min_days"]
    received = inputs["llo_received_this_year_cents"]
    eligible &= received < p["amount"]
    cost = _cost(inputs)
    eligible &= cost > 0
    left = np.maximum(p["amount"] - received, 0)
    amount = np.where(eligible, np.minimum(cost, left), 0)
    return {"eligible": eligible, "amount": amount}
