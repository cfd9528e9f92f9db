# SPDX-License-Identifier: EUPL-1.2
"""Values several schemes share: age in months, the AOW age, days to the start, the price.

Callers that already have ``age_months`` or ``days_until_start`` (a population generator, say)
may pass them as inputs; OpenFisca then uses the input instead of the formula.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from llo.schemes import dates
from llo.schemes.base import Derived


class birth_month_index(Derived):
    value_type = int
    label = "Month of birth as months since January 1970"

    def formula(person: Any, period: Any) -> Any:
        return dates.month_index_of(person("birth_date", period))


class birth_day_of_month(Derived):
    value_type = int
    label = "Day of the month of birth (1..31)"

    def formula(person: Any, period: Any) -> Any:
        return dates.day_of_month(person("birth_date", period))


class age_months(Derived):
    value_type = int
    label = "Whole months of age on the application date"

    def formula(person: Any, period: Any) -> Any:
        # Rounding in dates.months_completed: a month is complete on the same day number, or on
        # the 1st of the next month when the month is shorter (29 February -> 1 March).
        return dates.months_completed_from(
            person("birth_month_index", period),
            person("birth_day_of_month", period),
            period.start.date,
        )


class age_months_at_end_of_previous_year(Derived):
    value_type = int
    label = "Whole months of age on 31 December of the year before the application"

    def formula(person: Any, period: Any) -> Any:
        return dates.months_completed_at_end_of_previous_year(
            person("birth_month_index", period), period.start.date
        )


class aow_age_reached(Derived):
    value_type = bool
    label = "Has reached the AOW age (pensioengerechtigde leeftijd) on the application date"
    reference = "https://wetten.overheid.nl/BWBR0002221/ (Algemene Ouderdomswet, art. 7a)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        # The AOW age is set per calendar year (AOW art. 7a) and whoever reached it keeps it,
        # even when the next year's age is higher: born 20 May 1956 reaches 66y7m on
        # 20 December 2022 and has still reached AOW age on 10 January 2023, although the 2023
        # age is 66y10m. The age never rises by 12 months or more in one year, so looking one
        # year back is enough. "Reached" includes the day itself (months >= AOW months).
        on = period.start.date
        this_year = parameters(period).common.aow_age_months
        last_year = parameters(f"{on.year - 1}-12-31").common.aow_age_months
        return (person("age_months", period) >= this_year) | (
            person("age_months_at_end_of_previous_year", period) >= last_year
        )


class days_until_start(Derived):
    value_type = int
    label = "Calendar days from the application date to the start of the offering"

    def formula(person: Any, period: Any) -> Any:
        return dates.days_between(period.start.date, person("offer_start_date", period))


def cost_incl_vat(
    fee: np.ndarray,
    exam: np.ndarray,
    materials: np.ndarray,
    vat_percent: np.ndarray,
    included: np.ndarray,
) -> np.ndarray:
    """fee + exam + materials, plus VAT when the prices exclude it, in whole cents.

    VAT is taken on the sum of the parts and rounded half up to the cent: 826,45 excl. 21 %
    VAT = 999,9995 -> 1.000,00. The sums stay in 32 bits when the largest possible value fits
    (any price up to about EUR 200,000); otherwise they are done in 64 bits, so nothing
    overflows, and saturate at the largest 32-bit amount (EUR 21 million). Operations are in
    place to spare memory on millions of rows.
    """
    if fee.size == 0:
        return np.zeros(0, dtype=np.int64)
    largest = int(fee.max()) + int(exam.max()) + int(materials.max())
    smallest = min(int(fee.min()), int(exam.min()), int(materials.min()), int(vat_percent.min()))
    rate = int(vat_percent.max())
    small = smallest >= 0 and largest * (100 + rate) + 100 < 2**31
    dtype: type[np.signedinteger[Any]] = np.int32 if small else np.int64
    total: np.ndarray[Any, np.dtype[np.signedinteger[Any]]] = fee.astype(dtype)
    np.add(total, exam, out=total, casting="unsafe")
    np.add(total, materials, out=total, casting="unsafe")
    vat = total * vat_percent.astype(dtype, copy=False)
    np.add(vat, 50, out=vat)
    np.floor_divide(vat, 100, out=vat)
    np.add(total, vat, out=total, where=~included)
    if not small:
        # A variable holds 32-bit cents (EUR 21 million); a larger cost saturates there.
        np.minimum(total, np.iinfo(np.int32).max, out=total)
    return total


class offer_cost_incl_vat_cents(Derived):
    value_type = int
    label = "Eligible cost of the offer including VAT: fee + exam + materials"
    unit = "cents"

    def formula(person: Any, period: Any) -> Any:
        return cost_incl_vat(
            person("offer_fee_cents", period),
            person("offer_exam_cents", period),
            person("offer_materials_cents", period),
            person("offer_vat_percent", period),
            person("offer_prices_include_vat", period),
        )
