# SPDX-License-Identifier: EUPL-1.2
"""Facts are checked when they are made, and become one-row inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from llo.schemes import dates
from llo.schemes.errors import InvalidInputError
from llo.schemes.facts import to_inputs
from tests.schemes.conftest import care_course, months, sanne


def test_insured_months_become_a_mask_relative_to_the_application_month() -> None:
    person = sanne(insured_months=months(dt.date(2022, 2, 1), dt.date(2022, 4, 1)))
    # Applying in May 2022: April is 1 month back (bit 0), February 3 months back (bit 2).
    assert person.insured_months_mask(dt.date(2022, 5, 31)) == 0b111
    # Months in the application month itself or more than 31 months back do not count.
    person = sanne(insured_months=frozenset({dt.date(2022, 5, 1), dt.date(2019, 9, 1)}))
    assert person.insured_months_mask(dt.date(2022, 5, 2)) == 0


def test_one_application_becomes_one_row_per_input() -> None:
    inputs = to_inputs(sanne(), care_course(dt.date(2027, 4, 6)), dt.date(2027, 3, 1))
    assert all(len(value) == 1 for value in inputs.values())
    assert inputs["birth_date"].dtype == np.dtype("datetime64[D]")
    assert inputs["gemeente_code"].tolist() == [344]
    assert inputs["region_code"].tolist() == [13]
    assert inputs["offer_occupation_1"].tolist() == [5321]
    assert inputs["offer_occupation_2"].tolist() == [0]
    assert "funder_balance_cents" not in inputs


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", "1990-01-01"),
        ("highest_level", "mbo2"),
        ("labour_position", "werkloos"),
        ("insured_months", frozenset({dt.date(2022, 1, 15)})),
        ("receives_study_support", "no"),
        ("gemeente", "0599"),
        ("region", "AM5"),
        ("sector", "bloemisten"),
        ("employer_size", -1),
        ("llo_received_this_year_cents", 10.5),
        ("funder_balance_cents", True),
    ],
)
def test_a_wrong_person_fact_is_named(field: str, value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        sanne(**{field: value})
    assert info.value.item == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", "eqf_9"),
        ("offer_type", "workshop"),
        ("fee_cents", 999.99),
        ("exam_cents", -5),
        ("prices_include_vat", 1),
        ("purpose", "hobby"),
        ("start_date", dt.datetime(2027, 1, 1, 9, 0)),
        ("vat_percent", 121),
        ("occupations", (5321, 7212, 2512, 8332)),
        ("occupations", (0,)),
        ("grants_this_year", -1),
    ],
)
def test_a_wrong_offer_fact_is_named(field: str, value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        dataclasses.replace(care_course(dt.date(2027, 4, 6)), **{field: value})
    assert info.value.item == field


def test_date_rules_state_their_rounding() -> None:
    assert dates.add_months(dt.date(2022, 8, 31), 3) == dt.date(2022, 11, 30)
    assert dates.add_months(dt.date(2023, 12, 31), 3) == dt.date(2024, 3, 31)
    assert dates.add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    birth = np.array(["2004-02-29", "2004-05-15"], dtype="datetime64[D]")
    assert dates.months_completed(birth, dt.date(2022, 2, 28)).tolist() == [215, 213]
    assert dates.months_completed(birth, dt.date(2022, 3, 1)).tolist() == [216, 213]
    with pytest.raises(ValueError, match="ends before"):
        dates.parse_interval("2022-05-01/2022-04-30")
