# SPDX-License-Identifier: EUPL-1.2
"""Every condition is its own variable with two Dutch sentences, and each one counts."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from llo.people.models import LabourPosition as PeopleLabourPosition
from llo.schemes import engine, enums, reasons
from llo.schemes.base import is_condition
from llo.schemes.system import SCHEME_KEYS, LloSystem

DAYS = {
    "stap": dt.date(2022, 5, 2),
    "llo_regeling": dt.date(2027, 3, 1),
    "funder": dt.date(2026, 9, 1),
}


@pytest.mark.parametrize("key", SCHEME_KEYS)
def test_each_condition_alone_makes_an_application_ineligible(system: LloSystem, key: str) -> None:
    run = engine.with_funders([{"name": "Test"}], system) if key == "funder" else system
    scheme = engine.scheme_of(run, key)
    names = scheme.condition_names
    size = len(names) + 1
    # Row i has condition i false and all others true; the last row has all true.
    inputs = {
        name: np.array([row != i for row in range(size)], dtype=bool)
        for i, name in enumerate(names)
    }
    if key == "funder":
        inputs["funder_index"] = np.zeros(size, dtype=np.int32)
    simulation, period = engine.simulate(run, inputs, DAYS[key])
    eligible = engine.calculate(simulation, scheme.eligible, period)
    assert eligible.tolist() == [False] * len(names) + [True]


@pytest.mark.parametrize("key", SCHEME_KEYS)
def test_every_condition_variable_is_listed_with_both_sentences(
    system: LloSystem, key: str
) -> None:
    scheme = system.schemes[key]
    declared = {
        name
        for name, variable in system.variables.items()
        if is_condition(variable)
        and variable.__class__.__module__.startswith(f"llo.schemes.{key}.")
    }
    assert set(scheme.condition_names) == declared
    assert len(scheme.condition_names) == len(declared)
    for text in scheme.conditions:
        for sentence in (text.passed, text.failed, *([text.unknown] if text.unknown else [])):
            assert sentence.strip().endswith(".")
            # B1: short sentences with common words; no sentence of more than 25 words.
            for part in re.split(r"(?<=\.)\s+", sentence):
                assert len(part.split()) <= 25, part
        assert text.passed != text.failed


def test_sentences_fill_in_the_values_of_the_day(system: LloSystem) -> None:
    scheme = system.schemes["llo_regeling"]
    text = next(t for t in scheme.conditions if t.variable == "llo_budget_left").failed
    context = reasons.context_for(system.parameters, dt.date(2027, 3, 1))
    assert reasons.render(text, context) == (
        "U heeft dit jaar al € 1.000 gekregen. Meer kan niet in één jaar."
    )
    purposes = next(t for t in scheme.conditions if t.variable == "llo_purpose_allowed").failed
    assert reasons.render(purposes, context).endswith(
        "aan het werk komen, doorgroeien in het werk of overstappen naar ander werk."
    )


def test_money_in_sentences_is_written_in_euros() -> None:
    assert reasons.euros(100000) == "€ 1.000"
    assert reasons.euros(1250) == "€ 12,50"
    assert reasons.dutch_date(dt.date(2026, 2, 1)) == "1 februari 2026"
    assert reasons.dutch_list(["a"]) == "a"
    assert reasons.dutch_list([]) == "geen"


def test_the_enums_follow_the_codes_of_the_rest_of_llo() -> None:
    assert list(enums.names(enums.LabourPosition)) == [c.value for c in PeopleLabourPosition]
    from llo.core.identifiers import Level

    assert [m.name for m in enums.NLQF] == [level.value for level in Level]
    assert enums.LEVEL_RANK["eqf_4"] == Level.EQF_4.rank
