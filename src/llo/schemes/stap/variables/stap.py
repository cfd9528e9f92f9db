# SPDX-License-Identifier: EUPL-1.2
"""STAP-budget (Subsidieregeling STAP-budget, BWBR0045419), applications 1 March 2022 to
31 December 2023; kept to replay and explain decisions of that time.

Article numbers and how sure we are of each rule: ``../regeling.md`` (a copy of the shared
notes on the regulation, article by article) and the ``status``/``note`` of each parameter;
the dated rules of the amendments are the booleans in ``parameters/in_force/``. Each
condition's Dutch sentences are in ../scheme.yaml.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np
from django.utils.translation import gettext_noop

from llo.schemes import dates
from llo.schemes.base import Condition, Derived


def _full(person: Any, value: bool) -> np.ndarray:
    return np.full(person.count, value, dtype=bool)


@lru_cache(maxsize=64)
def _windows(intervals: tuple[str, ...]) -> tuple[tuple[dt.date, dt.date], ...]:
    return tuple(dates.parse_interval(text) for text in intervals)


def window_of(
    on: dt.date, intervals: list[str] | tuple[str, ...]
) -> tuple[dt.date, dt.date] | None:
    """The application window (art. 9) that contains ``on``, both ends included."""
    for first, last in _windows(tuple(intervals)):
        if first <= on <= last:
            return first, last
    return None


class stap_adult(Condition):
    label = gettext_noop("Aged at least 18 on the application date (art. 5(2))")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        # 18 years = 216 whole months; the birthday itself counts (dates.months_completed).
        return person("age_months", period) >= parameters(period).stap.min_age_years * 12


class stap_below_aow_age(Condition):
    label = gettext_noop("Has not reached the AOW age on the application date (art. 5(2))")

    def formula(person: Any, period: Any) -> Any:
        return np.logical_not(person("aow_age_reached", period))


class stap_insured_months_in_reference_period(Derived):
    value_type = int
    label = "Calendar months insured for the national insurances in the reference period"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        tie = parameters(period).stap.labour_market_tie
        # Month k back is bit k-1; the period is until <= k < from (see the parameter files).
        first_bit, stop_bit = int(tie.months_before_until) - 1, int(tie.months_before_from) - 1
        window = np.int64(((1 << stop_bit) - 1) ^ ((1 << first_bit) - 1))
        months = person("insured_months_mask", period).astype(np.int64) & window
        return np.bitwise_count(months).astype(np.int32)


class stap_tie_to_labour_market(Condition):
    label = gettext_noop("Insured in the Netherlands for at least 6 months in the reference period")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        least = parameters(period).stap.labour_market_tie.min_insured_months
        return person("stap_insured_months_in_reference_period", period) >= least


class stap_no_study_support(Condition):
    label = gettext_noop("Receives no student finance or similar public study support")

    def formula(person: Any, period: Any) -> Any:
        return np.logical_not(person("receives_study_support", period))


class stap_offer_in_register(Condition):
    label = gettext_noop(
        "The training is in the STAP register and not excluded (art. 5(1), 12(1)(e))"
    )

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).stap
        listed = person("offer_in_register", period)
        if not p.in_force.exclusion_protected_in_window:
            return listed
        # From 28 February 2023 (Stcrt. 2023, 4426): a training excluded under art. 19a in
        # the window of the application still counts (art. 12(1)(e)); one excluded before
        # that window does not (it is no longer "in the register").
        window = window_of(period.start.date, p.application_windows)
        if window is None:
            return listed
        excluded = person("offer_excluded_on", period)
        return listed | (excluded >= np.datetime64(window[0], "D"))


class stap_quality_mark_valid(Condition):
    label = gettext_noop(
        "The provider has a valid quality recognition (until the autumn 2023 windows)"
    )

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        if not parameters(period).stap.in_force.quality_mark_required:
            return _full(person, True)
        return person("offer_quality_mark_valid", period)


def _unless(person: Any, period: Any, in_force: Any, fact: str) -> np.ndarray:
    """True where the offer does not have ``fact``, while the rule is in force; else True
    without reading the fact (so a decision on another date never waits for it)."""
    if not in_force:
        return _full(person, True)
    return np.logical_not(person(fact, period))


def _when(person: Any, period: Any, in_force: Any, fact: str) -> np.ndarray:
    """True where the offer has ``fact``, while the rule is in force; else True unread."""
    if not in_force:
        return _full(person, True)
    return np.asarray(person(fact, period), dtype=bool)


class stap_no_gifts_or_perks(Condition):
    label = gettext_noop("No gifts, offers, travel or stay costs or other advantages (art. 4(3))")
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2022-28947.html"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        banned = parameters(period).stap.in_force.gifts_and_perks_banned
        return _unless(person, period, banned, "offer_gifts_or_perks")


class stap_market_rate(Condition):
    label = gettext_noop(
        "The training is priced at market rate (art. 5(1) and (5), Nov 2022 - Sep 2023)"
    )
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2022-28947.html"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        required = parameters(period).stap.in_force.market_rate_required
        return _when(person, period, required, "offer_market_rate")


class stap_labour_market_oriented(Condition):
    label = gettext_noop(
        "The training is aimed at the labour market (art. 5(1), Nov 2022 - Sep 2023)"
    )
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2022-28947.html"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        required = parameters(period).stap.in_force.labour_market_oriented_required
        return _when(person, period, required, "offer_labour_market_oriented")


class stap_programme_teacher_assessment(Condition):
    label = gettext_noop(
        "Set programme, a teacher and an assessment (art. 1 'scholing', May - Sep 2023)"
    )
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2023-4426.html"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        required = parameters(period).stap.in_force.programme_teacher_assessment_required
        return _when(person, period, required, "offer_programme_teacher_assessment")


class stap_ocw_recognised(Condition):
    label = gettext_noop(
        "OCW-recognised mbo or accredited higher education (art. 1 'scholing', Sep 2023)"
    )
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2023-20707.html"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        only = parameters(period).stap.in_force.ocw_recognised_only
        return _when(person, period, only, "offer_ocw_recognised")


class stap_given_in_netherlands(Condition):
    label = gettext_noop("The training is not given outside the Netherlands (art. 4(4), Sep 2023)")
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2023-20707.html"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        excluded = parameters(period).stap.in_force.abroad_excluded
        return _unless(person, period, excluded, "offer_given_abroad")


class stap_application_in_window(Condition):
    label = gettext_noop("The application is made inside an application window (art. 9)")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        windows = parameters(period).stap.application_windows
        return _full(person, window_of(period.start.date, windows) is not None)


class stap_applied_in_time(Condition):
    label = gettext_noop("The training starts at least 4 weeks after the application")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        # "at least 4 weeks" = start - application >= 4 * 7 calendar days.
        weeks = parameters(period).stap.min_weeks_before_start
        return person("days_until_start", period) >= weeks * 7


class stap_starts_within_period_after_window(Condition):
    label = gettext_noop(
        "The training starts within 3 months after the end of the application window"
    )

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).stap
        on = period.start.date
        window = window_of(on, p.application_windows)
        if window is None:
            return _full(person, False)
        # Latest start: last day of the window + N calendar months (dates.add_months clamps to
        # the end of a shorter month); that day itself is still in time.
        latest = dates.add_months(window[1], int(p.max_months_after_window))
        return person("days_until_start", period) <= (latest - on).days


class stap_first_grant_this_year(Condition):
    label = gettext_noop("No STAP grant yet in this calendar year")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        most = parameters(period).stap.max_grants_per_person_per_year
        return person("stap_grants_received_this_year", period) < most


class stap_training_below_cap(Condition):
    label = gettext_noop("The training has not reached its cap of grants this year (art. 12a)")

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        p = parameters(period).stap
        # The verleningsgrens exists from 28 February 2023; before that there is no cap.
        if "max_grants_per_training_per_year" not in p:
            return _full(person, True)
        cap = p.max_grants_per_training_per_year
        return person("offer_grants_this_year", period) < cap


class stap_cost_left_cents(Derived):
    value_type = int
    label = "The cost incl. VAT that others do not pay already (no double funding)"
    unit = "cents"

    def formula(person: Any, period: Any) -> Any:
        # STAP may not pay costs someone else (an employer, a fund) pays for the same training;
        # others may pay the part above the STAP amount (hoewerktnederland.nl, "opleiding
        # betalen"; unconfirmed, see stap/regeling.md "Third-party contributions").
        cost = person("offer_cost_incl_vat_cents", period)
        return np.maximum(cost - person("other_funding_cents", period), 0)


class stap_has_eligible_costs(Condition):
    label = gettext_noop(
        "The training has costs the budget can pay (fee, exam, literature) left to pay"
    )

    def formula(person: Any, period: Any) -> Any:
        return person("stap_cost_left_cents", period) > 0


STAP_CONDITIONS = (
    "stap_adult",
    "stap_below_aow_age",
    "stap_tie_to_labour_market",
    "stap_no_study_support",
    "stap_offer_in_register",
    "stap_quality_mark_valid",
    "stap_no_gifts_or_perks",
    "stap_market_rate",
    "stap_labour_market_oriented",
    "stap_programme_teacher_assessment",
    "stap_ocw_recognised",
    "stap_given_in_netherlands",
    "stap_application_in_window",
    "stap_applied_in_time",
    "stap_starts_within_period_after_window",
    "stap_first_grant_this_year",
    "stap_training_below_cap",
    "stap_has_eligible_costs",
)


class stap_eligible(Derived):
    value_type = bool
    label = "Eligible for the STAP budget: every condition is met"

    def formula(person: Any, period: Any) -> Any:
        result = _full(person, True)
        for name in STAP_CONDITIONS:
            result &= person(name, period)
        return result


class stap_amount_cents(Derived):
    value_type = int
    label = "STAP grant: the cost left incl. VAT up to the maximum, 0 when not eligible"
    unit = "cents"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        most = parameters(period).stap.max_amount_cents
        cost = person("stap_cost_left_cents", period)
        return np.where(person("stap_eligible", period), np.minimum(cost, most), 0)
