# SPDX-License-Identifier: EUPL-1.2
"""The new LLO scheme ("nieuwe LLO-regeling"): a SCENARIO from 1 January 2027.

Source: seed letter 004 (July 2026), "Een nieuwe regeling voor LLO": training that helps to
get to work, grow or switch; public funding "tot en met mbo 4" (both readings, see the
``level_reading`` parameter); attention for job seekers, low-educated workers, mkb workers and
older workers; sectors decide which training leads into desired occupations. Everything the
letter leaves open (age, amount, timing) is a parameter with ``status: scenario``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext_noop

from llo.schemes.base import Condition, Derived
from llo.schemes.enums import LEVEL_RANK, WORKING_POSITIONS, LabourPosition, Purpose, indices


def _full(person: Any, value: bool) -> np.ndarray:
    return np.full(person.count, value, dtype=bool)


def _is_working(person: Any, period: Any) -> np.ndarray:
    position = person("labour_position", period)
    result = _full(person, False)
    for name in WORKING_POSITIONS:
        result |= position == LabourPosition[name]
    return result


class llo_adult(Condition):
    label = gettext_noop("Aged at least the minimum age on the application date")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        years = parameters(period).llo_regeling.min_age_years
        return person("age_months", period) >= years * 12


class llo_below_aow_age(Condition):
    label = gettext_noop("Has not reached the AOW age on the application date")

    def formula(person: Any, period: Any) -> Any:
        return np.logical_not(person("aow_age_reached", period))


class llo_level_within_limit(Condition):
    label = gettext_noop(
        "Funding 'tot en met mbo 4': the person's or the training's level, per level_reading"
    )

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).llo_regeling
        limit = LEVEL_RANK[p.max_level]
        # Both readings of seed 004 are parameters: whose level must be at most mbo 4.
        # A level's index is its rank (enums.NLQF follows core.identifiers.Level), so this is
        # one integer comparison on the whole array.
        variable = "highest_level" if p.level_reading == "person" else "offer_level"
        return indices(person(variable, period)) <= limit


class llo_purpose_allowed(Condition):
    label = gettext_noop("The purpose (to work, grow, switch) is one the scheme funds")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        allowed = [Purpose[name].index for name in parameters(period).llo_regeling.purposes]
        return np.isin(indices(person("purpose", period)), allowed)


class llo_leads_to_desired_occupation(Condition):
    label = gettext_noop(
        "The training leads to an occupation on a sector's list of desired occupations"
    )

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        table = parameters(period).llo_regeling.desired_occupations
        # Read every sector's list by name, so the trace records each list that was used.
        codes: list[int] = []
        for sector in sorted(table):
            codes.extend(int(code) for code in getattr(table, sector))
        wanted = np.unique(np.asarray(codes, dtype=np.int32))
        result = _full(person, False)
        for slot in ("offer_occupation_1", "offer_occupation_2", "offer_occupation_3"):
            occupation = person(slot, period)
            result |= (occupation > 0) & np.isin(occupation, wanted)
        return result


class llo_offer_in_register(Condition):
    label = gettext_noop("The training is in the register")

    def formula(person: Any, period: Any) -> Any:
        return person("offer_in_register", period)


class llo_quality_mark_valid(Condition):
    label = gettext_noop("The provider has a valid quality mark")

    def formula(person: Any, period: Any) -> Any:
        return person("offer_quality_mark_valid", period)


class llo_no_study_support(Condition):
    label = gettext_noop("Receives no student finance (when the scheme excludes it)")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        if not parameters(period).llo_regeling.exclude_study_support:
            return _full(person, True)
        return np.logical_not(person("receives_study_support", period))


class llo_priority_job_seeker(Derived):
    value_type = bool
    label = "Priority group: job seeker"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        if not parameters(period).llo_regeling.priority.job_seekers:
            return _full(person, False)
        return person("labour_position", period) == LabourPosition["job_seeker"]


class llo_priority_low_educated(Derived):
    value_type = bool
    label = "Priority group: working, with at most the low-educated level"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).llo_regeling.priority
        if not p.low_educated:
            return _full(person, False)
        low = indices(person("highest_level", period)) <= LEVEL_RANK[p.low_educated_max_level]
        return low & _is_working(person, period)


class llo_priority_mkb_worker(Derived):
    value_type = bool
    label = "Priority group: employee (permanent or flex) of a small or medium-sized firm"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).llo_regeling.priority
        if not p.mkb_workers:
            return _full(person, False)
        size = person("employer_size", period)
        position = person("labour_position", period)
        employee = (position == LabourPosition["employed"]) | (position == LabourPosition["flex"])
        return employee & (size > 0) & (size <= p.mkb_max_employees)


class llo_priority_older_worker(Derived):
    value_type = bool
    label = "Priority group: working, aged at least the older-worker age"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).llo_regeling.priority
        if not p.older_workers:
            return _full(person, False)
        old = person("age_months", period) >= p.older_min_age_years * 12
        return old & _is_working(person, period)


class llo_priority(Derived):
    value_type = bool
    label = "In at least one enabled priority group (for allocation in a window)"

    def formula(person: Any, period: Any) -> Any:
        return (
            person("llo_priority_job_seeker", period)
            | person("llo_priority_low_educated", period)
            | person("llo_priority_mkb_worker", period)
            | person("llo_priority_older_worker", period)
        )


class llo_in_target_group(Condition):
    label = gettext_noop("In a priority group, when the scheme is limited to them")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        if not parameters(period).llo_regeling.priority.only_priority_groups:
            return _full(person, True)
        return person("llo_priority", period)


class llo_applied_in_time(Condition):
    label = gettext_noop(
        "The training starts at least the minimum number of weeks after the application"
    )

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        # "at least N weeks" = start - application >= N * 7 calendar days (a leap day counts).
        weeks = parameters(period).llo_regeling.min_weeks_before_start
        return person("days_until_start", period) >= weeks * 7


class llo_budget_left(Condition):
    label = gettext_noop("The person has not used the yearly amount yet")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        most = parameters(period).llo_regeling.amount_per_person_per_year_cents
        return person("llo_received_this_year_cents", period) < most


class llo_has_eligible_costs(Condition):
    label = gettext_noop("The training has costs the scheme can pay")

    def formula(person: Any, period: Any) -> Any:
        return person("offer_cost_incl_vat_cents", period) > 0


LLO_CONDITIONS = (
    "llo_adult",
    "llo_below_aow_age",
    "llo_level_within_limit",
    "llo_purpose_allowed",
    "llo_leads_to_desired_occupation",
    "llo_offer_in_register",
    "llo_quality_mark_valid",
    "llo_no_study_support",
    "llo_in_target_group",
    "llo_applied_in_time",
    "llo_budget_left",
    "llo_has_eligible_costs",
)


class llo_eligible(Derived):
    value_type = bool
    label = "Eligible for the new LLO scheme: every condition is met"

    def formula(person: Any, period: Any) -> Any:
        result = _full(person, True)
        for name in LLO_CONDITIONS:
            result &= person(name, period)
        return result


class llo_amount_cents(Derived):
    value_type = int
    label = "Grant: the cost incl. VAT up to what is left of the yearly amount; 0 if not eligible"
    unit = "cents"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        most = parameters(period).llo_regeling.amount_per_person_per_year_cents
        left = np.maximum(most - person("llo_received_this_year_cents", period), 0)
        cost = person("offer_cost_incl_vat_cents", period)
        return np.where(person("llo_eligible", period), np.minimum(cost, left), 0)
